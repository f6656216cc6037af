package io.lianmai.server.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.lianmai.common.SdkAppId;
import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import io.lianmai.room.ClientKind;
import io.lianmai.room.LeaveReason;
import io.lianmai.room.LocalRoomRegistry;
import io.lianmai.room.Role;
import io.lianmai.room.RoomConfig;
import io.lianmai.room.RoomKey;
import io.lianmai.room.RoomObserver.Tracks;
import io.lianmai.server.config.HistoryConfig;
import io.lianmai.store.JdbcAppStore;
import io.lianmai.store.RoomHistory;
import io.lianmai.store.StoreConfig;
import io.lianmai.testkit.FakeClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history recorder and its retention over a real H2 store with a fake clock: what a room's changes become in the
 * history tables (with TRTC's CommId and event ids), and what the hourly purge deletes.
 */
class HistoryServiceTest {
    private static final SdkAppId APP = new SdkAppId(1_400_000_001L);
    private static final RoomKey ROOM = new RoomKey(APP, "r4321");
    private static final UserId ALICE = new UserId("alice");
    private static final UserId BOB = new UserId("bob");

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock(Instant.parse("2026-03-01T10:00:00Z"));
    private JdbcAppStore store;
    private RoomHistory history;
    private HistoryService service;

    @BeforeEach
    void open() {
        store = JdbcAppStore.open(new StoreConfig(dir, Optional.empty(), Optional.empty(), Optional.empty(), 2),
                clock);
        history = store.roomHistory();
        service = HistoryService.unscheduled(HistoryConfig.DEFAULT, history,
                new LocalRoomRegistry(RoomConfig.defaults(), clock), null, clock);
    }

    @AfterEach
    void close() {
        service.close();
        store.close();
    }

    /** Writes what the recorder handed over, as a shutdown does. */
    private void flush() {
        service.close();
    }

    @Test
    void aRoomsChangesBecomeItsHistoryWithTrtcsCommIdAndEventIds() {
        HistoryRecorder recorder = service.recorder();
        Instant created = clock.instant();
        recorder.onRoomCreated(ROOM, ALICE, created);
        recorder.onMemberEntered(ROOM, ALICE, Role.ANCHOR, ClientKind.WEBRTC, created);
        String commId = recorder.commId(ROOM).orElseThrow();
        assertThat(commId).isEqualTo("1400000001_4321_" + created.getEpochSecond());

        clock.advance(Duration.ofSeconds(2));
        recorder.onTracksChanged(ROOM, ALICE, StreamType.MAIN, Tracks.NONE, new Tracks(true, true), clock.instant());
        recorder.onMemberEntered(ROOM, BOB, Role.AUDIENCE, ClientKind.RTMP, clock.instant());
        clock.advance(Duration.ofSeconds(3));
        recorder.onMemberRoleSwitched(ROOM, BOB, Role.ANCHOR, clock.instant());
        recorder.onTracksChanged(ROOM, BOB, StreamType.AUX, Tracks.NONE, new Tracks(false, true), clock.instant());
        clock.advance(Duration.ofSeconds(5));
        recorder.onMemberLeft(ROOM, BOB, Role.ANCHOR, ClientKind.RTMP, LeaveReason.REMOVED, clock.instant());
        recorder.onMemberLeft(ROOM, ALICE, Role.ANCHOR, ClientKind.WEBRTC, LeaveReason.LEAVE, clock.instant());
        recorder.onRoomDismissed(ROOM, clock.instant());
        assertThat(recorder.commId(ROOM)).as("forgotten once dismissed").isEmpty();
        flush();

        long createdMs = created.toEpochMilli();
        long endMs = createdMs + 10_000;
        assertThat(history.room(APP, commId)).contains(new RoomHistory.Room(APP, "r4321", commId, createdMs,
                Optional.of(endMs), "alice"));
        assertThat(history.stays(commId, 0, Long.MAX_VALUE, List.of(), 0, 10).rows()).containsExactly(
                new RoomHistory.Stay("alice", createdMs, Optional.of(endMs), Optional.of("leave"), "anchor",
                        "webrtc", Optional.empty()),
                new RoomHistory.Stay("bob", createdMs + 2_000, Optional.of(endMs), Optional.of("removed"),
                        "audience", "rtmp", Optional.empty()));
        assertThat(history.events(commId, "alice", 0, Long.MAX_VALUE)).extracting(
                RoomHistory.MemberEvent::eventId, RoomHistory.MemberEvent::paramOne,
                RoomHistory.MemberEvent::streamType).containsExactly(
                        tuple(HistoryRecorder.ENTER_ROOM, 20L, 0),
                        tuple(HistoryRecorder.VIDEO_UPSTREAM, 0L, 2),
                        tuple(HistoryRecorder.MIC, 0L, 0),
                        tuple(HistoryRecorder.EXIT_ROOM, 1L, 0));
        assertThat(history.events(commId, "bob", 0, Long.MAX_VALUE)).extracting(
                RoomHistory.MemberEvent::eventId, RoomHistory.MemberEvent::paramOne,
                RoomHistory.MemberEvent::paramTwo, RoomHistory.MemberEvent::streamType).containsExactly(
                        tuple(HistoryRecorder.ENTER_ROOM, 21L, 2L, 0),
                        tuple(HistoryRecorder.ROLE_SWITCHED, 20L, -1L, 0),
                        tuple(HistoryRecorder.VIDEO_UPSTREAM, 0L, -1L, 7),
                        tuple(HistoryRecorder.EXIT_ROOM, 3L, -1L, 0));
    }

    @Test
    void aStringRoomsCommIdCarriesItsName() {
        assertThat(HistoryRecorder.commId(new RoomKey(APP, "s:room_1"), Instant.ofEpochSecond(1_590_065_777)))
                .isEqualTo("1400000001_room_1_1590065777");
    }

    @Test
    void purgeDeletesWhatEndedMoreThanTheRetentionAgoAndNothingYounger() {
        HistoryRecorder recorder = service.recorder();
        recorder.onRoomCreated(ROOM, ALICE, clock.instant());
        recorder.onMemberEntered(ROOM, ALICE, Role.ANCHOR, ClientKind.WEBRTC, clock.instant());
        String old = recorder.commId(ROOM).orElseThrow();
        clock.advance(Duration.ofMinutes(1));
        recorder.onMemberLeft(ROOM, ALICE, Role.ANCHOR, ClientKind.WEBRTC, LeaveReason.LEAVE, clock.instant());
        recorder.onRoomDismissed(ROOM, clock.instant());
        clock.advance(Duration.ofDays(13));
        recorder.onRoomCreated(ROOM, BOB, clock.instant());
        String young = recorder.commId(ROOM).orElseThrow();
        flush();

        service.purge();
        assertThat(history.room(APP, old)).as("13 days old: kept").isPresent();

        clock.advance(Duration.ofDays(1).plusMinutes(1));
        service.purge();
        assertThat(history.room(APP, old)).as("over 14 days after it ended: gone").isEmpty();
        assertThat(history.stays(old, 0, Long.MAX_VALUE, List.of(), 0, 10).total()).isZero();
        assertThat(history.events(old, "alice", 0, Long.MAX_VALUE)).isEmpty();
        assertThat(history.room(APP, young)).as("open").isPresent();
    }

    @Test
    void disabledRecordsNothing() {
        LocalRoomRegistry rooms = new LocalRoomRegistry(RoomConfig.defaults(), clock);
        assertThat(HistoryService.start(new HistoryConfig(false, Duration.ofDays(14), Duration.ofSeconds(5)), history,
                true, rooms, null, clock)).isNull();
    }
}

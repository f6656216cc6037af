package io.lianmai.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.common.SdkAppId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the room history tables (migration V5) must do on every database: mixed into {@link AppStoreContract}, so that
 * it runs on H2 and on PostgreSQL as the rest of the store does.
 */
interface RoomHistoryContract {
    SdkAppId APP = new SdkAppId(1_400_000_123L);
    SdkAppId OTHER_APP = new SdkAppId(1_400_000_456L);
    String COMM = "1400000123_42_1000";

    /** A store on a fresh, migrated database, closed by the test's teardown. */
    JdbcAppStore openForHistory();

    private static List<RoomHistory.Change> oneCall() {
        return List.of(
                new RoomHistory.RoomCreated(APP, "r42", COMM, 1_000_000, "alice"),
                new RoomHistory.MemberEntered(COMM, "alice", 1_000_000, "anchor", "webrtc", "127.0.0.1"),
                new RoomHistory.MemberEvent(COMM, "alice", 1_000_500, 4006, 0, -1, 2),
                new RoomHistory.MemberEntered(COMM, "bob", 1_001_000, "audience", "whip", null),
                new RoomHistory.Sample(COMM, "bob", "alice", 1_006_000, 850, 1.5f, 40),
                new RoomHistory.Sample(COMM, "bob", "alice", 1_011_000, 900, null, null),
                new RoomHistory.MemberLeft(COMM, "bob", 1_020_000, "leave"),
                new RoomHistory.MemberLeft(COMM, "alice", 1_030_000, "removed"),
                new RoomHistory.RoomDismissed(COMM, 1_030_000));
    }

    @Test
    default void recordsARoomItsStaysEventsAndSamples() {
        RoomHistory history = openForHistory().roomHistory();
        history.apply(oneCall());

        RoomHistory.Page<RoomHistory.Room> rooms = history.rooms(APP, 0, 2_000_000, List.of(), 0, 10);
        assertThat(rooms.total()).isEqualTo(1);
        assertThat(rooms.rows()).containsExactly(new RoomHistory.Room(APP, "r42", COMM, 1_000_000,
                Optional.of(1_030_000L), "alice"));
        assertThat(history.room(APP, COMM)).isPresent();
        assertThat(history.room(OTHER_APP, COMM)).as("a CommId is found only within its app").isEmpty();
        assertThat(history.rooms(OTHER_APP, 0, 2_000_000, List.of(), 0, 10).total()).isZero();

        RoomHistory.Page<RoomHistory.Stay> stays = history.stays(COMM, 0, 2_000_000, List.of(), 0, 10);
        assertThat(stays.total()).isEqualTo(2);
        assertThat(stays.rows()).containsExactly(
                new RoomHistory.Stay("alice", 1_000_000, Optional.of(1_030_000L), Optional.of("removed"), "anchor",
                        "webrtc", Optional.of("127.0.0.1")),
                new RoomHistory.Stay("bob", 1_001_000, Optional.of(1_020_000L), Optional.of("leave"), "audience",
                        "whip", Optional.empty()));
        assertThat(history.stays(COMM, 0, 2_000_000, List.of("bob"), 0, 10).rows())
                .extracting(RoomHistory.Stay::userId).containsExactly("bob");

        assertThat(history.events(COMM, "alice", 0, 2_000_000))
                .containsExactly(new RoomHistory.MemberEvent(COMM, "alice", 1_000_500, 4006, 0, -1, 2));
        assertThat(history.samples(COMM, List.of("bob", "alice"), 0, 2_000_000)).containsExactly(
                new RoomHistory.Sample(COMM, "bob", "alice", 1_006_000, 850, 1.5f, 40),
                new RoomHistory.Sample(COMM, "bob", "alice", 1_011_000, 900, null, null));
        assertThat(history.samples(COMM, List.of("bob"), 1_007_000, 2_000_000)).hasSize(1);
    }

    @Test
    default void windowsSelectRoomsThatExistedInThemAndPagesSplitThem() {
        RoomHistory history = openForHistory().roomHistory();
        for (int i = 0; i < 5; i++) {
            String comm = "1400000123_" + i + "_" + i;
            history.apply(List.of(new RoomHistory.RoomCreated(APP, "r" + i, comm, i * 1000L, "u"),
                    new RoomHistory.RoomDismissed(comm, i * 1000L + 500)));
        }
        // An open room created before the window still existed in it.
        history.apply(List.of(new RoomHistory.RoomCreated(APP, "s:open", "1400000123_open_0", 0, "u")));

        RoomHistory.Page<RoomHistory.Room> page = history.rooms(APP, 2_000, 3_600, List.of(), 0, 2);
        assertThat(page.total()).isEqualTo(3);
        assertThat(page.rows()).extracting(RoomHistory.Room::roomKey).containsExactly("s:open", "r2");
        assertThat(history.rooms(APP, 2_000, 3_600, List.of(), 2, 2).rows()).extracting(RoomHistory.Room::roomKey)
                .containsExactly("r3");
        assertThat(history.rooms(APP, 0, 10_000, List.of("r4", "s:4"), 0, 10).rows()).extracting(RoomHistory.Room::roomKey)
                .containsExactly("r4");
    }

    @Test
    default void purgeDeletesWhatEndedBeforeTheCutoffAndKeepsWhatIsOpen() {
        RoomHistory history = openForHistory().roomHistory();
        history.apply(oneCall());
        history.apply(List.of(new RoomHistory.RoomCreated(APP, "r7", "1400000123_7_1", 1_000, "carol"),
                new RoomHistory.MemberEntered("1400000123_7_1", "carol", 1_000, "anchor", "rtmp", null)));

        assertThat(history.purgeBefore(1_020_001)).as("bob's stay and events and samples before it").isEqualTo(4);
        assertThat(history.stays(COMM, 0, 2_000_000, List.of(), 0, 10).rows()).extracting(RoomHistory.Stay::userId)
                .containsExactly("alice");
        history.purgeBefore(5_000_000);
        assertThat(history.rooms(APP, 0, 5_000_000, List.of(), 0, 10).rows()).extracting(RoomHistory.Room::roomKey)
                .as("an open room and stay are kept however old").containsExactly("r7");
        assertThat(history.stays("1400000123_7_1", 0, 5_000_000, List.of(), 0, 10).total()).isEqualTo(1);
    }

    @Test
    default void closeOpenEndsWhatACrashedRunLeftOpen() {
        RoomHistory history = openForHistory().roomHistory();
        history.apply(List.of(new RoomHistory.RoomCreated(APP, "r7", "1400000123_7_1", 1_000, "carol"),
                new RoomHistory.MemberEntered("1400000123_7_1", "carol", 1_000, "anchor", "rtmp", null)));

        assertThat(history.closeOpen(9_000, true)).isEqualTo(2);

        assertThat(history.room(APP, "1400000123_7_1").orElseThrow().dismissedMs()).contains(9_000L);
        assertThat(history.stays("1400000123_7_1", 0, 10_000, List.of(), 0, 10).rows().get(0).reason())
                .contains("timeout");
        assertThat(history.closeOpen(10_000, true)).isZero();
    }

    @Test
    default void aNodeEndsOnlyItsOwnRoomsAndStays() {
        RoomHistory shared = openForHistory().roomHistory();
        RoomHistory a = shared.forNode("node-a");
        RoomHistory b = shared.forNode("node-b");
        a.apply(List.of(new RoomHistory.RoomCreated(APP, "r8", "1400000123_8_1", 1_000, "alice"),
                new RoomHistory.MemberEntered("1400000123_8_1", "alice", 1_000, "anchor", "webrtc", null)));
        b.apply(List.of(new RoomHistory.RoomCreated(APP, "r9", "1400000123_9_1", 1_000, "bob"),
                new RoomHistory.MemberEntered("1400000123_9_1", "bob", 1_000, "anchor", "webrtc", null),
                // The same member on node b in node a's room (a member moved between nodes).
                new RoomHistory.MemberEntered("1400000123_8_1", "alice", 2_000, "anchor", "webrtc", null)));
        // Alice's exit on node a ends her stay there, not the one on node b.
        a.apply(List.of(new RoomHistory.MemberLeft("1400000123_8_1", "alice", 3_000, "leave")));
        assertThat(shared.stays("1400000123_8_1", 0, 10_000, List.of(), 0, 10).rows())
                .extracting(RoomHistory.Stay::leftMs).containsExactlyInAnyOrder(Optional.of(3_000L),
                        Optional.empty());

        // Node b restarts after a crash: its room and stays end, node a's room stays open.
        assertThat(b.closeOpen(9_000, false)).isEqualTo(3);
        assertThat(shared.room(APP, "1400000123_9_1").orElseThrow().dismissedMs()).contains(9_000L);
        assertThat(shared.room(APP, "1400000123_8_1").orElseThrow().dismissedMs()).isEmpty();
        assertThat(a.closeOpen(9_500, false)).isEqualTo(1);
    }
}

package io.lianmai.server.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.auth.Privileges;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.StreamId;
import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import io.lianmai.media.MediaPlane;
import io.lianmai.media.PlayerStats;
import io.lianmai.media.SessionStats;
import io.lianmai.room.EnterRequest;
import io.lianmai.room.LeaveReason;
import io.lianmai.room.LocalRoomRegistry;
import io.lianmai.room.Member;
import io.lianmai.room.MemberListener;
import io.lianmai.room.Role;
import io.lianmai.room.Room;
import io.lianmai.room.RoomConfig;
import io.lianmai.room.RoomEvent;
import io.lianmai.room.RoomKey;
import io.lianmai.room.Scene;
import io.lianmai.store.RoomHistory;
import io.lianmai.testkit.FakeClock;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sampler over a real room registry and a media plane that answers only its two stats reads: a member's player
 * session gets one downlink sample per interval after its first (kbit/s from the octets sent between two samples,
 * loss and RTT as the estimator gave them, none without it), a member's publisher session an uplink one (kbit/s
 * received, loss from expected and received packets, PeerId empty); sessions of non-members are skipped.
 */
class QualitySamplerTest {
    private static final RoomKey ROOM = new RoomKey(new SdkAppId(1_400_000_001L), "r9");

    private final FakeClock clock = new FakeClock();
    private final LocalRoomRegistry rooms = new LocalRoomRegistry(RoomConfig.defaults(), clock);
    private final List<RoomHistory.Change> written = new ArrayList<>();
    private final HistoryRecorder recorder = new HistoryRecorder(written::add);
    private List<PlayerStats> players = List.of();
    private List<SessionStats> publishers = List.of();

    private final MediaPlane media = (MediaPlane) Proxy.newProxyInstance(MediaPlane.class.getClassLoader(),
            new Class<?>[] {MediaPlane.class}, (proxy, method, args) -> {
                if (method.getName().equals("playerStats")) {
                    return new PlayerStats.Page(players.size(), players);
                }
                if (method.getName().equals("sessionStats")) {
                    return new SessionStats.Page(publishers.size(), publishers);
                }
                throw new UnsupportedOperationException(method.getName());
            });

    private static SessionStats publisher(String sessionId, String userId, long packets, long octets, long lost) {
        return new SessionStats(sessionId, "1400000001/r9/" + userId + "_main", true, true, true, -1, packets, octets,
                lost, 0, -1);
    }

    private static PlayerStats player(String sessionId, long octets, double lossPercent, long rttMillis) {
        return new PlayerStats(sessionId, "1400000001/r9/alice_main", "transport-cc", 1_000_000, 0, 0, 0, 0, 0, 0, 0,
                0, 100, octets, lossPercent, rttMillis);
    }

    private Member enter(String userId) {
        return rooms.enter(new EnterRequest(ROOM, Scene.RTC, new UserId(userId), Role.ANCHOR, Privileges.all(),
                new MemberListener() {
                    @Override
                    public void onRoomEvent(RoomEvent event) {
                    }

                    @Override
                    public void onMemberRemoved(Member member, LeaveReason reason) {
                    }

                    @Override
                    public void onListenerReplaced(Member member) {
                    }
                })).member();
    }

    @Test
    void aMembersPlayerIsSampledEveryIntervalAfterItsFirst() {
        rooms.addObserver(recorder);
        Member alice = enter("alice");
        Member bob = enter("bob");
        Room room = rooms.find(ROOM).orElseThrow();
        room.publish(alice, StreamType.MAIN, "pub-1", true, true);
        room.subscribe(bob, new StreamId(new UserId("alice"), StreamType.MAIN), "play-1");
        String commId = recorder.commId(ROOM).orElseThrow();
        written.clear();
        QualitySampler sampler = new QualitySampler(media, rooms, recorder, written::add, clock);

        players = List.of(player("play-1", 10_000, -1, -1), player("whep-1", 5_000, 0, 10));
        sampler.sample();
        assertThat(written).as("the first sample only starts the interval").isEmpty();

        clock.advance(Duration.ofSeconds(5));
        players = List.of(player("play-1", 10_000 + 625_000, 2.5, 40), player("whep-1", 9_000, 0, 10));
        sampler.sample();
        assertThat(written).containsExactly(new RoomHistory.Sample(commId, "bob", "alice", clock.millis(), 1000,
                2.5f, 40));

        written.clear();
        clock.advance(Duration.ofSeconds(5));
        players = List.of(player("play-1", 10_000 + 625_000, -1, -1));
        sampler.sample();
        assertThat(written).as("nothing sent, no estimator: 0 kbit/s, no loss or RTT").containsExactly(
                new RoomHistory.Sample(commId, "bob", "alice", clock.millis(), 0, null, null));
    }

    @Test
    void aMembersPublisherIsSampledAsUplinkWithLossFromExpectedPackets() {
        rooms.addObserver(recorder);
        Member alice = enter("alice");
        rooms.find(ROOM).orElseThrow().publish(alice, StreamType.MAIN, "pub-1", true, true);
        String commId = recorder.commId(ROOM).orElseThrow();
        written.clear();
        QualitySampler sampler = new QualitySampler(media, rooms, recorder, written::add, clock);

        publishers = List.of(publisher("pub-1", "alice", 1_000, 100_000, 0), publisher("obs-1", "obs", 10, 1_000, 0));
        sampler.sample();
        clock.advance(Duration.ofSeconds(2));
        // 190 more received, 10 more lost: 5 % of the 200 expected.
        publishers = List.of(publisher("pub-1", "alice", 1_190, 350_000, 10), publisher("obs-1", "obs", 20, 2_000, 0));
        sampler.sample();

        assertThat(written).containsExactly(new RoomHistory.Sample(commId, "alice", "", clock.millis(), 1000, 5.0f,
                null));
    }
}

package io.lianmai.server.history;

import io.lianmai.common.StreamId;
import io.lianmai.media.MediaException;
import io.lianmai.media.MediaPlane;
import io.lianmai.media.PlayerStats;
import io.lianmai.room.MemberInfo;
import io.lianmai.room.Room;
import io.lianmai.room.RoomKey;
import io.lianmai.room.RoomRegistry;
import io.lianmai.store.RoomHistory;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the quality of every room member's WebRTC player sessions: each {@link #sample} reads the media plane's
 * player counters in one pass on the media loop ({@link MediaPlane#playerStats}, nothing on the packet path), and
 * records for each player what the server sent it since the last sample (kbit/s), and the loss and feedback round
 * trip its transport-cc feedback reported. Players that are not room members (WHEP, live output) are not sampled; a
 * session's first sample only starts its interval.
 *
 * <p>Thread: one at a time, on the history service's scheduler (it waits up to 2 s for the media loop).
 */
public final class QualitySampler {
    private static final Logger LOG = LoggerFactory.getLogger(QualitySampler.class);
    /** Players read per sample at most: one node serves a few thousand. */
    static final int MAX_PLAYERS = 20_000;

    private final MediaPlane media;
    private final RoomRegistry rooms;
    private final HistoryRecorder recorder;
    private final Consumer<RoomHistory.Change> sink;
    private final Clock clock;
    /** Per player session: octets sent and when, at the last sample. */
    private Map<String, long[]> last = new HashMap<>();

    public QualitySampler(MediaPlane media, RoomRegistry rooms, HistoryRecorder recorder,
            Consumer<RoomHistory.Change> sink, Clock clock) {
        this.media = media;
        this.rooms = rooms;
        this.recorder = recorder;
        this.sink = sink;
        this.clock = clock;
    }

    /** Takes one sample of every member's players. */
    public void sample() {
        PlayerStats.Page page;
        try {
            page = media.playerStats("", MAX_PLAYERS);
        } catch (MediaException e) {
            LOG.warn("no quality sample this time: {}", e.getMessage());
            return;
        }
        long nowMs = clock.millis();
        Map<String, Player> players = players();
        Map<String, long[]> seen = new HashMap<>();
        for (PlayerStats stats : page.listed()) {
            Player player = players.get(stats.sessionId());
            if (player == null) {
                continue;
            }
            seen.put(stats.sessionId(), new long[] {stats.octetsSent(), nowMs});
            long[] before = last.get(stats.sessionId());
            if (before == null || nowMs <= before[1]) {
                continue;
            }
            long kbps = Math.max(0, stats.octetsSent() - before[0]) * 8 / (nowMs - before[1]);
            sink.accept(new RoomHistory.Sample(player.commId(), player.userId(), player.peerId(), nowMs,
                    (int) Math.min(Integer.MAX_VALUE, kbps),
                    stats.lossPercent() < 0 ? null : (float) stats.lossPercent(),
                    stats.rttMillis() < 0 ? null : (int) Math.min(Integer.MAX_VALUE, stats.rttMillis())));
        }
        last = seen;
    }

    /** The player sessions of every live room's members, by session id. */
    private Map<String, Player> players() {
        Map<String, Player> players = new HashMap<>();
        for (RoomKey key : recorder.liveRooms()) {
            Optional<String> commId = recorder.commId(key);
            Optional<Room> room = rooms.find(key);
            if (commId.isEmpty() || room.isEmpty()) {
                continue;
            }
            for (MemberInfo info : room.get().members()) {
                room.get().member(info.userId()).ifPresent(member -> {
                    for (Map.Entry<StreamId, String> subscription : member.subscriptionSessions().entrySet()) {
                        players.put(subscription.getValue(), new Player(commId.get(), info.userId().toString(),
                                subscription.getKey().userId().toString()));
                    }
                });
            }
        }
        return players;
    }

    /** A member playing {@code peerId}'s stream. */
    private record Player(String commId, String userId, String peerId) {
    }
}

package io.lianmai.server.history;

import io.lianmai.common.StreamId;
import io.lianmai.common.StreamType;
import io.lianmai.media.MediaException;
import io.lianmai.media.MediaPlane;
import io.lianmai.media.PlayerStats;
import io.lianmai.media.SessionStats;
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
 * Samples the quality of every room member's WebRTC sessions. Each {@link #sample} reads the media plane's counters
 * in one pass on the media loop per kind ({@link MediaPlane#playerStats}, {@link MediaPlane#sessionStats}; nothing
 * on the packet path) and records, per session, what flowed since the last sample:
 *
 * <ul>
 *   <li>a player (downlink, {@code peerId} the publisher it plays): kbit/s the server sent, and the loss and feedback
 *       round trip its transport-cc feedback reported;</li>
 *   <li>a publisher (uplink, {@code peerId} empty as in TRTC): kbit/s the server received, and the share of the
 *       packets expected from the sequence numbers that did not arrive (RFC 3550 A.3); no round trip.</li>
 * </ul>
 *
 * <p>Sessions of non-members (WHEP players, live output, RTMP publishers' local streams) are not sampled; a session's
 * first sample only starts its interval. Thread: one at a time, on the history service's scheduler (it waits up to
 * 2 s per read for the media loop).
 */
public final class QualitySampler {
    private static final Logger LOG = LoggerFactory.getLogger(QualitySampler.class);
    /** Sessions read per sample at most, per kind: one node serves a few thousand. */
    static final int MAX_SESSIONS = 20_000;
    /** The {@code peerId} of an uplink sample: TRTC's QualityData leaves PeerId empty for upstream data. */
    static final String UPLINK = "";

    private final MediaPlane media;
    private final RoomRegistry rooms;
    private final HistoryRecorder recorder;
    private final Consumer<RoomHistory.Change> sink;
    private final Clock clock;
    /** Per session, at the last sample: octets, packets expected, packets received (publishers), time. */
    private Map<String, long[]> last = new HashMap<>();

    public QualitySampler(MediaPlane media, RoomRegistry rooms, HistoryRecorder recorder,
            Consumer<RoomHistory.Change> sink, Clock clock) {
        this.media = media;
        this.rooms = rooms;
        this.recorder = recorder;
        this.sink = sink;
        this.clock = clock;
    }

    /** Takes one sample of every member's players and publishers. */
    public void sample() {
        PlayerStats.Page players;
        SessionStats.Page sessionsNow;
        try {
            players = media.playerStats("", MAX_SESSIONS);
            sessionsNow = media.sessionStats("", MAX_SESSIONS);
        } catch (MediaException e) {
            LOG.warn("no quality sample this time: {}", e.getMessage());
            return;
        }
        long nowMs = clock.millis();
        Map<String, Session> sessions = memberSessions();
        Map<String, long[]> seen = new HashMap<>();
        for (PlayerStats stats : players.listed()) {
            Session session = sessions.get(stats.sessionId());
            if (session == null) {
                continue;
            }
            long[] now = {stats.octetsSent(), 0, 0, nowMs};
            seen.put(stats.sessionId(), now);
            long[] before = last.get(stats.sessionId());
            if (before != null && nowMs > before[3]) {
                sink.accept(new RoomHistory.Sample(session.commId(), session.userId(), session.peerId(), nowMs,
                        kbps(before, now), stats.lossPercent() < 0 ? null : (float) stats.lossPercent(),
                        stats.rttMillis() < 0 ? null : (int) Math.min(Integer.MAX_VALUE, stats.rttMillis())));
            }
        }
        for (SessionStats stats : sessionsNow.listed()) {
            Session session = stats.publisher() ? sessions.get(stats.sessionId()) : null;
            if (session == null) {
                continue;
            }
            long[] now = {stats.octets(), stats.packetsLost(), stats.packets(), nowMs};
            seen.put(stats.sessionId(), now);
            long[] before = last.get(stats.sessionId());
            if (before != null && nowMs > before[3]) {
                long lost = Math.max(0, now[1] - before[1]);
                long expected = lost + (now[2] - before[2]);
                Float loss = expected <= 0 ? null : (float) (100.0 * lost / expected);
                sink.accept(new RoomHistory.Sample(session.commId(), session.userId(), UPLINK, nowMs,
                        kbps(before, now), loss, null));
            }
        }
        last = seen;
    }

    /** kbit/s between two reads: octets × 8 / ms. */
    private static int kbps(long[] before, long[] now) {
        long kbps = Math.max(0, now[0] - before[0]) * 8 / (now[3] - before[3]);
        return (int) Math.min(Integer.MAX_VALUE, kbps);
    }

    /** The media sessions of every live room's members, by session id. */
    private Map<String, Session> memberSessions() {
        Map<String, Session> sessions = new HashMap<>();
        for (RoomKey key : recorder.liveRooms()) {
            Optional<String> commId = recorder.commId(key);
            Optional<Room> room = rooms.find(key);
            if (commId.isEmpty() || room.isEmpty()) {
                continue;
            }
            for (MemberInfo info : room.get().members()) {
                String userId = info.userId().toString();
                // A cross-room PK's mirror carries its own room's publication sessions: they are sampled there.
                room.get().member(info.userId()).filter(member -> !member.isMirror()).ifPresent(member -> {
                    for (Map.Entry<StreamId, String> subscription : member.subscriptionSessions().entrySet()) {
                        sessions.put(subscription.getValue(), new Session(commId.get(), userId,
                                subscription.getKey().userId().toString()));
                    }
                    for (Map.Entry<StreamType, String> publication : member.publicationSessions().entrySet()) {
                        sessions.put(publication.getValue(), new Session(commId.get(), userId, UPLINK));
                    }
                });
            }
        }
        return sessions;
    }

    /** A member's media session: playing {@code peerId}'s stream, or publishing ({@code peerId} {@link #UPLINK}). */
    private record Session(String commId, String userId, String peerId) {
    }
}

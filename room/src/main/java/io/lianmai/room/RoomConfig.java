package io.lianmai.room;

import java.time.Duration;

/**
 * Limits and timings of every room on the node.
 *
 * @param rtcMaxMembers members of an {@code rtc} room: 300, TRTC's video-call limit
 * @param rtcMaxPublishers members of an {@code rtc} room publishing at once: 50, TRTC's "cameras on" limit
 * @param liveMaxAnchors anchors of a {@code live} room: 50, TRTC's co-host limit
 * @param liveMaxAudience audience of a {@code live} room; 0 for unbounded (the default: one node holds what its
 *     hardware allows)
 * @param resumeGrace how long a member whose connection dropped stays in the room, resumable: 20 s covers a
 *     Wi-Fi to mobile hand-over
 * @param messageMaxBytes largest custom message, in UTF-8 bytes: 1 KiB as TRTC
 * @param messagesPerSecond custom messages a member may send per second (burst and sustained): 30 as TRTC
 * @param pkMinConnectInterval fewest time between two cross-room PKs one anchor starts: 1 s, so that connect and
 *     disconnect in a loop cannot flood two whole rooms with join and leave events; zero allows any rate
 */
public record RoomConfig(int rtcMaxMembers, int rtcMaxPublishers, int liveMaxAnchors, int liveMaxAudience,
        Duration resumeGrace, int messageMaxBytes, int messagesPerSecond, Duration pkMinConnectInterval) {

    public RoomConfig {
        requirePositive(rtcMaxMembers, "rtcMaxMembers");
        requirePositive(rtcMaxPublishers, "rtcMaxPublishers");
        requirePositive(liveMaxAnchors, "liveMaxAnchors");
        if (liveMaxAudience < 0) {
            throw new IllegalArgumentException("liveMaxAudience must be 0 (unbounded) or positive");
        }
        if (resumeGrace.isNegative()) {
            throw new IllegalArgumentException("resumeGrace must not be negative");
        }
        requirePositive(messageMaxBytes, "messageMaxBytes");
        requirePositive(messagesPerSecond, "messagesPerSecond");
        if (pkMinConnectInterval.isNegative()) {
            throw new IllegalArgumentException("pkMinConnectInterval must not be negative");
        }
    }

    /** TRTC's numbers. */
    public static RoomConfig defaults() {
        return new RoomConfig(300, 50, 50, 0, Duration.ofSeconds(20), 1024, 30, Duration.ofSeconds(1));
    }

    /** The same limits with another grace period. */
    public RoomConfig withResumeGrace(Duration grace) {
        return new RoomConfig(rtcMaxMembers, rtcMaxPublishers, liveMaxAnchors, liveMaxAudience, grace,
                messageMaxBytes, messagesPerSecond, pkMinConnectInterval);
    }

    private static void requirePositive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}

package io.lianmai.live.hls;

import java.time.Duration;

/**
 * How live streams are packaged as HLS: segment length, playlist length and the memory each stream may hold.
 *
 * @param enabled whether streams are segmented at all
 * @param segmentTarget cut a segment at the first keyframe after this much media (audio-only: after this much)
 * @param playlistSize segments listed in the live playlist
 * @param maxSegmentBytes largest segment; a longer GOP is closed there and the rest of it skipped
 * @param maxStreamBytes segment bytes one stream keeps in memory; the oldest go first when it is exceeded
 * @param endedRetention how long a finished playlist (with {@code #EXT-X-ENDLIST}) stays served after its stream ends
 */
public record HlsConfig(boolean enabled, Duration segmentTarget, int playlistSize, int maxSegmentBytes,
        long maxStreamBytes, Duration endedRetention) {
    /** Low latency: one-second segments (players hold about three), six listed. */
    public static final HlsConfig DEFAULT = new HlsConfig(true, Duration.ofSeconds(1), 6,
            // a 10 s GOP at 6 Mbit/s
            8 * 1024 * 1024,
            // the listed segments plus the ones kept for late fetches, with room for 4 Mbit/s streams with 2 s GOPs
            32L * 1024 * 1024,
            // long enough for players polling once a segment to see the end
            Duration.ofSeconds(30));

    public HlsConfig {
        if (segmentTarget.toMillis() < 100 || segmentTarget.toSeconds() > 60) {
            throw new IllegalArgumentException("HLS segment target must be 0.1..60 s, got " + segmentTarget);
        }
        if (playlistSize < 2 || playlistSize > 1000) {
            throw new IllegalArgumentException("HLS playlist size must be 2..1000, got " + playlistSize);
        }
        if (maxSegmentBytes < 64 * 1024 || maxStreamBytes < maxSegmentBytes) {
            throw new IllegalArgumentException("HLS memory bounds too small: segment " + maxSegmentBytes
                    + " B, stream " + maxStreamBytes + " B");
        }
    }

    /** This configuration with another segment target and playlist size. */
    public HlsConfig withSegments(Duration target, int size) {
        return new HlsConfig(enabled, target, size, maxSegmentBytes, maxStreamBytes, endedRetention);
    }

    /** This configuration switched on or off. */
    public HlsConfig withEnabled(boolean on) {
        return new HlsConfig(on, segmentTarget, playlistSize, maxSegmentBytes, maxStreamBytes, endedRetention);
    }
}

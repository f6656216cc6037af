package io.lianmai.server.config;

import java.time.Duration;

/**
 * Room and member history ({@code history.*}): what DescribeRoomInfo, DescribeUserInfo, DescribeCallDetailInfo and
 * DescribeUserEvent read.
 *
 * @param enabled        whether anything is recorded
 * @param retention      how long history is kept after it ends
 * @param sampleInterval how often each WebRTC player's quality is sampled
 */
public record HistoryConfig(boolean enabled, Duration retention, Duration sampleInterval) {
    /** The defaults of {@link ConfigKey}: on, 14 days as TRTC, a sample every 5 s. */
    public static final HistoryConfig DEFAULT = new HistoryConfig(true, Duration.ofDays(14), Duration.ofSeconds(5));
}

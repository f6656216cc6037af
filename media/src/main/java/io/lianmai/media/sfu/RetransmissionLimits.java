package io.lianmai.media.sfu;

/**
 * How much a subscriber's NACKs may make the server resend: what keeps one NACK listing thousands of sequence
 * numbers, repeated, from turning the media thread into an amplifier (docs/security.md, "Media plane").
 *
 * @param repeatIntervalMillis a packet already resent to a subscriber is not resent to it again within this
 *     (about a round trip: the first copy is still on its way); 0 turns the check off
 * @param maxPerSecond retransmissions per second per subscriber, all its tracks together (a token bucket holding
 *     at most one second's worth)
 * @param maxSharePercent retransmitted bytes to a subscriber stay at or below this percentage of the bytes
 *     forwarded to it over the last second or two
 */
public record RetransmissionLimits(long repeatIntervalMillis, int maxPerSecond, int maxSharePercent) {
    /**
     * 100 ms between repeats (a round trip on most paths; the NACK generator of a browser asks again after one);
     * 250 packets per second (all of a 2.5 Mbit/s video stream lost); 50 % of what is forwarded (libwebrtc lets
     * retransmissions reach the media bitrate; half is plenty for the losses a call survives).
     */
    public static final RetransmissionLimits DEFAULT = new RetransmissionLimits(100, 250, 50);

    /** No limit at all: what the server did before budgets existed (tests that measure the raw path). */
    public static final RetransmissionLimits UNLIMITED = new RetransmissionLimits(0, 1_000_000, 1_000_000);

    public RetransmissionLimits {
        if (repeatIntervalMillis < 0 || repeatIntervalMillis > 60_000) {
            throw new IllegalArgumentException("repeatIntervalMillis must be 0..60000, got " + repeatIntervalMillis);
        }
        if (maxPerSecond < 1) {
            throw new IllegalArgumentException("maxPerSecond must be at least 1, got " + maxPerSecond);
        }
        if (maxSharePercent < 1) {
            throw new IllegalArgumentException("maxSharePercent must be at least 1, got " + maxSharePercent);
        }
    }
}

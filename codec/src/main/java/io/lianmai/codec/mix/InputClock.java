package io.lianmai.codec.mix;

/**
 * Maps one input's media timestamps (RTP 90 kHz / 48 kHz, 32-bit, wrapping; or FLV milliseconds) to the mixer clock
 * (milliseconds of the clock the caller's arrival times and sender-report wall clocks are in).
 *
 * <p>A mapping is a pair (media timestamp, mixer millis) as an RTCP sender report gives (RTP timestamp, NTP time
 * converted to the mixer clock). Until one is set, the first timestamp seen is mapped to its arrival time, which
 * aligns inputs only as well as their network and pipeline delays agree. A later mapping replaces it (SRs every few
 * seconds); timestamps are unwrapped so a stream may run for days.
 */
final class InputClock {
    private final int clockRate;
    private boolean started;
    private long lastRaw;
    private long unwrapped;
    private boolean mapped;
    private long mappedTimestamp;
    private double mappedMillis;

    InputClock(int clockRate) {
        this.clockRate = clockRate;
    }

    /** Media timestamp {@code timestamp} was captured at mixer time {@code millis}. */
    void setMapping(long timestamp, double millis) {
        mappedTimestamp = unwrap(timestamp);
        mappedMillis = millis;
        mapped = true;
    }

    /** Mixer time of {@code timestamp}; {@code arrivalMillis} anchors the mapping when none was set. */
    double toMillis(long timestamp, long arrivalMillis) {
        long t = unwrap(timestamp);
        if (!mapped) {
            mappedTimestamp = t;
            mappedMillis = arrivalMillis;
            mapped = true;
        }
        return mappedMillis + (t - mappedTimestamp) * 1000.0 / clockRate;
    }

    private long unwrap(long timestamp) {
        if (clockRate == 1000) {
            return timestamp; // FLV/RTMP milliseconds: already 64-bit in our API
        }
        long raw = timestamp & 0xFFFF_FFFFL;
        if (!started) {
            started = true;
            unwrapped = raw;
        } else {
            unwrapped += (int) (raw - lastRaw);
        }
        lastRaw = raw;
        return unwrapped;
    }
}

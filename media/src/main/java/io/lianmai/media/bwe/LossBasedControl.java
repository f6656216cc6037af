package io.lianmai.media.bwe;

/**
 * The loss-based controller of Google Congestion Control (draft-ietf-rmcat-gcc-02 §6; libwebrtc
 * {@code SendSideBandwidthEstimation}, its classic "v1" rules), fed with the loss the subscriber's transport-cc
 * feedback reports: once at least {@link #MIN_PACKETS} packets were reported, a loss fraction below 2 % lets the rate
 * grow 8 % per second (libwebrtc: 8 % over the lowest rate of the last second), 2–10 % holds it, and more
 * than 10 % cuts it to rate × (1 − loss / 2), at most once per 300 ms + RTT, but never below what the subscriber
 * acknowledged over the last 500 ms × (1 − loss / 2) (as libwebrtc's loss-based v1 bounds its cut by the
 * acknowledged rate). The rate never grows above the delay-based estimate: the target is the smaller of the two.
 *
 * <p>Why the floor: a cut is meant to bring the rate down to what the path carries, and the acknowledged rate is
 * what it carried. Without it, the cuts went on past that point while loss reports from the overflow were still
 * coming in: a player whose downlink was capped at 300 kbit/s under 5 % random loss was cut to 110 kbit/s, below its
 * small layer, and since 5 % loss holds the rate (2–10 %), it stayed there and its video was paused for seconds
 * (docs/media.md, "Layer allocation").
 *
 * <p>Not thread-safe; allocates nothing.
 */
final class LossBasedControl {
    static final int MIN_PACKETS = 20;
    static final double LOW_LOSS = 0.02;
    static final double HIGH_LOSS = 0.10;
    private static final long DECREASE_INTERVAL_MICROS = 300_000;

    private final long minBps;
    private final long maxBps;
    private long bitrate;
    private int expected;
    private int lost;
    private double lastLoss;
    /** Whether {@link #lastLoss} was measured since the last cut: a cut uses a loss figure once. */
    private boolean fresh;
    private long lastUpdateMicros = Long.MIN_VALUE;
    private long lastDecreaseMicros = Long.MIN_VALUE;

    LossBasedControl(long startBps, long minBps, long maxBps) {
        this.bitrate = startBps;
        this.minBps = minBps;
        this.maxBps = maxBps;
    }

    /** Counts one feedback's packets: {@code reported} of ours, {@code missing} of them not received. */
    void onFeedback(int reported, int missing) {
        expected += reported;
        lost += missing;
    }

    /**
     * Updates the rate at {@code nowMicros}, capped at {@code delayBasedBps}; returns it.
     *
     * @param acknowledgedBps what the subscriber acknowledged receiving lately, or -1 when not known yet
     */
    long update(long delayBasedBps, long acknowledgedBps, long rttMicros, long nowMicros) {
        long elapsed = lastUpdateMicros == Long.MIN_VALUE ? 0 : Math.max(0, nowMicros - lastUpdateMicros);
        lastUpdateMicros = nowMicros;
        if (expected >= MIN_PACKETS) {
            lastLoss = (double) lost / expected;
            fresh = true;
            expected = 0;
            lost = 0;
        }
        if (lastLoss < LOW_LOSS) {
            double growth = Math.pow(1.08, Math.min(elapsed, 1_000_000L) / 1e6);
            bitrate = (long) (bitrate * growth);
        } else if (lastLoss > HIGH_LOSS && fresh && (lastDecreaseMicros == Long.MIN_VALUE
                || nowMicros - lastDecreaseMicros >= DECREASE_INTERVAL_MICROS + rttMicros)) {
            long cut = (long) (bitrate * (1 - lastLoss / 2));
            long floor = acknowledgedBps > 0 ? (long) (acknowledgedBps * (1 - lastLoss / 2)) : 0;
            bitrate = Math.min(bitrate, Math.max(cut, floor));
            lastDecreaseMicros = nowMicros;
            fresh = false;
        }
        bitrate = Math.max(minBps, Math.min(Math.min(maxBps, delayBasedBps), bitrate));
        return bitrate;
    }

    /** Sets the rate to what a probe showed the path carries (libwebrtc's {@code SetSendBitrate}). */
    void setBitrate(long bps) {
        bitrate = Math.max(minBps, Math.min(maxBps, bps));
    }

    /** The loss fraction of the last {@link #MIN_PACKETS}+ packets reported, 0..1. */
    double lossFraction() {
        return lastLoss;
    }
}

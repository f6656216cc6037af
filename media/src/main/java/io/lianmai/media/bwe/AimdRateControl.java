package io.lianmai.media.bwe;

/**
 * The delay-based rate controller of Google Congestion Control (draft-ietf-rmcat-gcc-02 §5.5; libwebrtc
 * {@code goog_cc}'s {@code AimdRateControl} and {@code LinkCapacityEstimator}): a state machine driven by the
 * detector's {@link BandwidthUsage} that increases the rate multiplicatively (8 % per second) while no link capacity
 * is known, additively (about one packet per response time) near the capacity last measured, and on overuse drops it
 * to {@link #BETA} × the throughput the receiver acknowledged. An increase never goes above 1.5 × that throughput +
 * 10 kbit/s: the estimate cannot run ahead of what the path has shown it carries.
 *
 * <pre>
 *             overuse          normal          underuse
 *  Hold     → Decrease        → Increase       → Hold
 *  Increase → Decrease        → Increase       → Hold
 *  Decrease → Decrease        → Hold (after it) → Hold
 * </pre>
 *
 * <p>Not thread-safe; allocates nothing.
 */
final class AimdRateControl {
    static final double BETA = 0.85;
    /** Multiplicative increase per second, draft-ietf-rmcat-gcc-02 §5.5 ("eta" = 1.08). */
    static final double INCREASE_PER_SECOND = 1.08;
    /** Response time beyond the RTT: libwebrtc's 100 ms. */
    private static final long RESPONSE_EXTRA_MICROS = 100_000;
    private static final double MIN_ADDITIVE_BPS_PER_SECOND = 4_000;
    private static final double PACKET_BITS = 1200 * 8;

    private enum State { HOLD, INCREASE, DECREASE }

    private final long minBps;
    private final long maxBps;
    private long bitrate;
    private State state = State.INCREASE;
    private long lastChangeMicros = Long.MIN_VALUE;
    /** Link capacity: an average of the throughput at overuse, in bit/s, and its normalised variance (kbit/s). */
    private double capacity = -1;
    private double capacityDeviation = 0.4;

    AimdRateControl(long startBps, long minBps, long maxBps) {
        this.minBps = minBps;
        this.maxBps = maxBps;
        this.bitrate = startBps;
    }

    /**
     * Applies the detector's verdict at {@code nowMicros} with {@code throughputBps} acknowledged lately (-1 if not
     * known yet) and the round-trip time; returns the new delay-based rate.
     */
    long update(BandwidthUsage usage, long throughputBps, long rttMicros, long nowMicros) {
        switch (usage) {
            case OVERUSING -> state = State.DECREASE;
            case UNDERUSING -> state = State.HOLD;
            case NORMAL -> {
                if (state == State.HOLD) {
                    state = State.INCREASE;
                    lastChangeMicros = nowMicros;
                }
            }
        }
        long next = bitrate;
        switch (state) {
            case HOLD -> { }
            case INCREASE -> {
                if (capacity > 0 && throughputBps > upperBound()) {
                    capacity = -1; // the path now carries more than the capacity last measured: search again
                }
                long elapsed = lastChangeMicros == Long.MIN_VALUE ? 0 : Math.max(0, nowMicros - lastChangeMicros);
                double increase = capacity > 0 ? additiveIncrease(elapsed, rttMicros)
                        : multiplicativeIncrease(elapsed);
                if (throughputBps < 0) {
                    next = (long) (bitrate + increase);
                } else {
                    long limit = (long) (1.5 * throughputBps) + 10_000;
                    if (bitrate < limit) {
                        next = Math.max(bitrate, Math.min((long) (bitrate + increase), limit));
                    }
                }
                lastChangeMicros = nowMicros;
            }
            case DECREASE -> {
                if (throughputBps >= 0) {
                    long decreased = (long) (BETA * throughputBps);
                    if (decreased > bitrate && capacity > 0) {
                        decreased = (long) (BETA * capacity);
                    }
                    if (decreased < bitrate) {
                        next = decreased;
                    }
                    if (capacity > 0 && throughputBps < lowerBound()) {
                        capacity = -1;
                    }
                    onOveruse(throughputBps);
                } else {
                    next = (long) (BETA * bitrate);
                }
                state = State.HOLD;
                lastChangeMicros = nowMicros;
            }
        }
        bitrate = Math.max(minBps, Math.min(maxBps, next));
        return bitrate;
    }

    private double multiplicativeIncrease(long elapsedMicros) {
        double alpha = Math.pow(INCREASE_PER_SECOND, Math.min(elapsedMicros, 1_000_000L) / 1e6);
        return Math.max(bitrate * (alpha - 1), 1_000);
    }

    /** About one average packet per response time (RTT + 100 ms), at 30 frames per second. */
    private double additiveIncrease(long elapsedMicros, long rttMicros) {
        double frameBits = bitrate / 30.0;
        double packetsPerFrame = Math.ceil(frameBits / PACKET_BITS);
        double packetBits = frameBits / packetsPerFrame;
        double responseSeconds = (rttMicros + RESPONSE_EXTRA_MICROS) / 1e6;
        double perSecond = Math.max(MIN_ADDITIVE_BPS_PER_SECOND, packetBits / responseSeconds);
        return perSecond * Math.min(elapsedMicros, 1_000_000L) / 1e6;
    }

    private void onOveruse(long throughputBps) {
        double alpha = 0.05;
        double sample = throughputBps;
        if (capacity < 0) {
            capacity = sample;
        } else {
            capacity = (1 - alpha) * capacity + alpha * sample;
        }
        double normKbps = Math.max(capacity / 1000, 1.0);
        double errorKbps = (capacity - sample) / 1000;
        capacityDeviation = (1 - alpha) * capacityDeviation + alpha * errorKbps * errorKbps / normKbps;
        capacityDeviation = Math.max(0.4, Math.min(2.5, capacityDeviation));
    }

    private double upperBound() {
        double kbps = capacity / 1000;
        return (kbps + 3 * Math.sqrt(kbps * capacityDeviation)) * 1000;
    }

    private double lowerBound() {
        double kbps = capacity / 1000;
        return Math.max(0, kbps - 3 * Math.sqrt(kbps * capacityDeviation)) * 1000;
    }

    long bitrate() {
        return bitrate;
    }
}

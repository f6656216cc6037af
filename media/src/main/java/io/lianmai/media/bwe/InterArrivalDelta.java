package io.lianmai.media.bwe;

/**
 * Groups acknowledged packets into send bursts and measures how the spacing of consecutive groups changed on the
 * way: the inter-group delay variation d(i) = (t(i) − t(i−1)) − (T(i) − T(i−1)) of draft-ietf-rmcat-gcc-02 §5.2,
 * with arrival times t and send times T of each group's last packet. A packet sent within
 * {@link #GROUP_SPAN_MICROS} of its group's first starts no new group (libwebrtc {@code InterArrival},
 * {@code kTimestampGroupLengthTicks} = 5 ms), nor does one that arrives within {@link #BURST_MICROS} of the group's
 * last with a negative propagation delta (a burst the network delivered at once, {@code kBurstDeltaThresholdMs} = 5,
 * up to {@code kMaxBurstDurationMs} = 100).
 *
 * <p>Not thread-safe; allocates nothing.
 */
final class InterArrivalDelta {
    static final long GROUP_SPAN_MICROS = 5_000;
    static final long BURST_MICROS = 5_000;
    static final long MAX_BURST_MICROS = 100_000;

    private boolean hasCurrent;
    private long currentFirstSend;
    private long currentLastSend;
    private long currentFirstArrival;
    private long currentLastArrival;
    private boolean hasPrevious;
    private long previousLastSend;
    private long previousLastArrival;

    private long sendDelta;
    private long arrivalDelta;

    /**
     * Adds one acknowledged packet; returns {@code true} when it closed a group, and {@link #sendDeltaMicros()} and
     * {@link #arrivalDeltaMicros()} then compare that group with the one before.
     */
    boolean add(long sendMicros, long arrivalMicros) {
        if (!hasCurrent) {
            startGroup(sendMicros, arrivalMicros);
            return false;
        }
        if (sendMicros < currentFirstSend) {
            return false; // reordered into an earlier group: ignored, as libwebrtc does
        }
        if (belongsToCurrent(sendMicros, arrivalMicros)) {
            currentLastSend = Math.max(currentLastSend, sendMicros);
            currentLastArrival = Math.max(currentLastArrival, arrivalMicros);
            return false;
        }
        boolean measured = false;
        if (hasPrevious) {
            sendDelta = currentLastSend - previousLastSend;
            arrivalDelta = currentLastArrival - previousLastArrival;
            measured = arrivalDelta >= 0;
        }
        hasPrevious = true;
        previousLastSend = currentLastSend;
        previousLastArrival = currentLastArrival;
        startGroup(sendMicros, arrivalMicros);
        return measured;
    }

    private boolean belongsToCurrent(long sendMicros, long arrivalMicros) {
        if (sendMicros - currentFirstSend <= GROUP_SPAN_MICROS) {
            return true;
        }
        long arrival = arrivalMicros - currentLastArrival;
        long propagation = arrival - (sendMicros - currentLastSend);
        return propagation < 0 && arrival <= BURST_MICROS && arrivalMicros - currentFirstArrival < MAX_BURST_MICROS;
    }

    private void startGroup(long sendMicros, long arrivalMicros) {
        hasCurrent = true;
        currentFirstSend = sendMicros;
        currentLastSend = sendMicros;
        currentFirstArrival = arrivalMicros;
        currentLastArrival = arrivalMicros;
    }

    /**
     * Forgets the groups: the next packet starts a new one and no delta is measured until a group after it closes.
     * For a receiver whose send times jumped (a sender's clock reset, or garbage in the abs-send-time element).
     */
    void reset() {
        hasCurrent = false;
        hasPrevious = false;
    }

    long sendDeltaMicros() {
        return sendDelta;
    }

    long arrivalDeltaMicros() {
        return arrivalDelta;
    }

    /** The last arrival time of the group just closed (the trendline's x). */
    long lastArrivalMicros() {
        return previousLastArrival;
    }
}

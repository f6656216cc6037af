package io.lianmai.media.sfu;

/**
 * Aggregates keyframe requests for one published video stream — subscribers' PLI/FIR, new subscribers, layer
 * switches, unrepairable loss — into at most one PLI (or FIR) to the publisher per interval.
 *
 * <p>A request while one was just sent is remembered and sent when the interval has passed, unless a keyframe
 * arrives first. Not thread-safe: owned by the publisher session's thread.
 */
public final class KeyframeRequester {
    private final long minIntervalMillis;
    private boolean pending;
    private long lastSentAt = Long.MIN_VALUE / 2;
    private int firSequenceNumber;
    private long requested;
    private long sent;

    /** @param minIntervalMillis shortest time between two requests to the publisher */
    public KeyframeRequester(long minIntervalMillis) {
        this.minIntervalMillis = minIntervalMillis;
    }

    /** Notes that someone needs a keyframe. */
    public void request() {
        pending = true;
        requested++;
    }

    /** Whether a request should be sent to the publisher now; if so, it counts as sent. */
    public boolean poll(long nowMillis) {
        if (!pending || nowMillis - lastSentAt < minIntervalMillis) {
            return false;
        }
        pending = false;
        lastSentAt = nowMillis;
        firSequenceNumber = (firSequenceNumber + 1) & 0xFF;
        sent++;
        return true;
    }

    /** A keyframe arrived: pending requests are satisfied. */
    public void onKeyframe() {
        pending = false;
    }

    /** The command sequence number for the next FIR (RFC 5104 §4.3.1.1), incremented per request sent. */
    public int firSequenceNumber() {
        return firSequenceNumber;
    }

    /** Whether a request is waiting for the interval to pass. */
    public boolean isPending() {
        return pending;
    }

    /** Requests received in total (for metrics). */
    public long requestedCount() {
        return requested;
    }

    /** Requests sent to the publisher in total (for metrics). */
    public long sentCount() {
        return sent;
    }
}

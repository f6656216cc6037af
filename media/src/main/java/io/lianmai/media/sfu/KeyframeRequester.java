package io.lianmai.media.sfu;

/**
 * Aggregates keyframe requests for one published video stream — subscribers' PLI/FIR, new subscribers, layer
 * switches, unrepairable loss — into at most one PLI (or FIR) to the publisher per interval.
 *
 * <p>A request while one was just sent is remembered and sent when the interval has passed, unless a keyframe
 * arrives first. It also measures how long the publisher takes to answer: some encoders ignore keyframe requests
 * (aiortc 1.4's H.264 encoder, some hardware encoders and RTMP/WHIP tools) and send one only every few seconds, and
 * a new subscriber of theirs is better started from the cached last keyframe at once ({@link DownTrack}). Not
 * thread-safe: owned by the publisher session's thread.
 */
public final class KeyframeRequester {
    private final long minIntervalMillis;
    private boolean pending;
    private long lastSentAt = Long.MIN_VALUE / 2;
    private int firSequenceNumber;
    private long requested;
    private long sent;
    /** Whether a request was sent and no keyframe has come since; then since when. */
    private boolean awaitingAnswer;
    private long awaitingSince;
    /** How long the publisher took to answer the last answered request; -1 before the first. */
    private long lastAnswerMillis = -1;

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
        if (!awaitingAnswer) {
            awaitingAnswer = true;
            awaitingSince = nowMillis;
        }
        return true;
    }

    /** A keyframe arrived: pending requests are satisfied, and a request sent is answered. */
    public void onKeyframe(long nowMillis) {
        pending = false;
        if (awaitingAnswer) {
            awaitingAnswer = false;
            lastAnswerMillis = nowMillis - awaitingSince;
        }
    }

    /**
     * How slowly the publisher answers keyframe requests: the time since the request it has not answered yet, if
     * any, else the time it took to answer the last one; 0 before any was sent (assumed to answer at once).
     */
    public long answerDelayMillis(long nowMillis) {
        if (awaitingAnswer) {
            return Math.max(nowMillis - awaitingSince, lastAnswerMillis);
        }
        return Math.max(lastAnswerMillis, 0);
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

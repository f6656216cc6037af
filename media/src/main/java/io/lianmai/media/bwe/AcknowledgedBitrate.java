package io.lianmai.media.bwe;

/**
 * The rate the subscriber's feedback says arrived: bytes acknowledged over the last {@link #WINDOW_MICROS} of their
 * arrival times (libwebrtc's {@code BitrateEstimator} uses a Bayesian estimate over 150–500 ms windows; a plain
 * sliding window of 500 ms is enough here and deterministic). Unknown (-1) until the acknowledged packets span
 * {@link #MIN_SPAN_MICROS}.
 *
 * <p>Not thread-safe; allocates nothing after construction.
 */
final class AcknowledgedBitrate {
    static final long WINDOW_MICROS = 500_000;
    static final long MIN_SPAN_MICROS = 100_000;
    private static final int CAPACITY = 1 << 12;
    private static final int MASK = CAPACITY - 1;

    private final long[] arrival = new long[CAPACITY];
    private final int[] size = new int[CAPACITY];
    private long head;
    private long tail;
    private long bytesInWindow;
    private long latest = Long.MIN_VALUE;
    private long first = Long.MIN_VALUE;

    /** One acknowledged packet of {@code bytes} that arrived at {@code arrivalMicros} (receiver's clock). */
    void add(long arrivalMicros, int bytes) {
        if (head - tail == CAPACITY) {
            bytesInWindow -= size[(int) (tail++ & MASK)];
        }
        int slot = (int) (head++ & MASK);
        arrival[slot] = arrivalMicros;
        size[slot] = bytes;
        bytesInWindow += bytes;
        if (first == Long.MIN_VALUE) {
            first = arrivalMicros;
        }
        latest = Math.max(latest, arrivalMicros);
        while (tail < head && arrival[(int) (tail & MASK)] < latest - WINDOW_MICROS) {
            bytesInWindow -= size[(int) (tail++ & MASK)];
        }
    }

    /** Bit/s acknowledged over the window, or -1 before enough arrived. */
    long bitrate() {
        if (first == Long.MIN_VALUE || latest - first < MIN_SPAN_MICROS) {
            return -1;
        }
        long span = Math.min(WINDOW_MICROS, latest - first);
        return bytesInWindow * 8 * 1_000_000L / span;
    }
}

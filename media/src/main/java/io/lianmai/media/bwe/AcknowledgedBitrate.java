package io.lianmai.media.bwe;

/**
 * The rate the subscriber's feedback says arrived: bytes acknowledged over the last {@link #WINDOW_MICROS} of their
 * arrival times, kept in {@link #BUCKETS} buckets of 10 ms (libwebrtc's {@code BitrateEstimator} uses a Bayesian
 * estimate over 150–500 ms windows; a plain sliding window of 500 ms is enough here, deterministic, and 400 bytes
 * whatever the rate). Unknown (-1) until the acknowledged packets span {@link #MIN_SPAN_MICROS}.
 *
 * <p>Not thread-safe; allocates nothing after construction.
 */
final class AcknowledgedBitrate {
    static final long WINDOW_MICROS = 500_000;
    static final long MIN_SPAN_MICROS = 100_000;
    private static final long BUCKET_MICROS = 10_000;
    static final int BUCKETS = (int) (WINDOW_MICROS / BUCKET_MICROS);

    private final long[] bytes = new long[BUCKETS];
    private long latestBucket = Long.MIN_VALUE;
    private long firstMicros = Long.MIN_VALUE;
    private long latestMicros = Long.MIN_VALUE;
    private long total;

    /** One acknowledged packet of {@code size} bytes that arrived at {@code arrivalMicros} (receiver's clock). */
    void add(long arrivalMicros, int size) {
        long bucket = Math.floorDiv(arrivalMicros, BUCKET_MICROS);
        if (latestBucket == Long.MIN_VALUE) {
            latestBucket = bucket;
            firstMicros = arrivalMicros;
        }
        if (bucket > latestBucket) {
            long clear = Math.min(bucket - latestBucket, BUCKETS);
            for (long b = 1; b <= clear; b++) {
                int slot = (int) Math.floorMod(latestBucket + b, (long) BUCKETS);
                total -= bytes[slot];
                bytes[slot] = 0;
            }
            latestBucket = bucket;
        } else if (bucket <= latestBucket - BUCKETS) {
            return; // older than the window (reordered far back)
        }
        bytes[(int) Math.floorMod(bucket, (long) BUCKETS)] += size;
        total += size;
        latestMicros = Math.max(latestMicros, arrivalMicros);
    }

    /** Bit/s acknowledged over the window, or -1 before enough arrived. */
    long bitrate() {
        if (firstMicros == Long.MIN_VALUE || latestMicros - firstMicros < MIN_SPAN_MICROS) {
            return -1;
        }
        long span = Math.min(WINDOW_MICROS, latestMicros - firstMicros);
        return total * 8 * 1_000_000L / span;
    }
}

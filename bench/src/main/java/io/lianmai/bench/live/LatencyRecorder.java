package io.lianmai.bench.live;

import java.util.Arrays;

/**
 * One series of latencies in milliseconds (a viewer's glass-to-glass figure per picture, or one step of it), kept
 * from {@link #measureFrom} on: earlier samples (the join, a GOP-cache burst) count only towards the first-picture
 * figures and the readability count. Thread-safe.
 */
final class LatencyRecorder {
    /**
     * What a series measured.
     *
     * @param samples    samples kept (after the warm-up)
     * @param p50        median, ms (NaN without samples)
     * @param p90        90th percentile, ms
     * @param p99        99th percentile, ms
     * @param max        largest, ms
     * @param mean       mean, ms
     */
    record Summary(int samples, double p50, double p90, double p99, double max, double mean) {
        static final Summary EMPTY = new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    private final String name;
    private double measureFrom = Double.POSITIVE_INFINITY;
    private double[] samples = new double[1024];
    private int count;
    private long pictures;
    private long unreadable;
    private double firstPictureAt = Double.NaN;
    private double firstPictureLatency = Double.NaN;

    LatencyRecorder(String name) {
        this.name = name;
    }

    /** Keeps samples that arrive at or after {@code clockMillis} ({@link StampClock#exactMillis()}). */
    synchronized void measureFrom(double clockMillis) {
        measureFrom = clockMillis;
    }

    /**
     * A decoded picture at {@code now} whose barcode read {@code stamp} ({@link TimestampBarcode#INVALID} when it
     * could not be read).
     */
    synchronized void onPicture(double now, long stamp) {
        pictures++;
        if (stamp == TimestampBarcode.INVALID) {
            unreadable++;
            return;
        }
        double latency = now - stamp;
        if (Double.isNaN(firstPictureAt)) {
            firstPictureAt = now;
            firstPictureLatency = latency;
        }
        add(now, latency);
    }

    /** A plain sample {@code value} ms observed at {@code now}. */
    synchronized void onSample(double now, double value) {
        add(now, value);
    }

    private void add(double now, double value) {
        if (now < measureFrom) {
            return;
        }
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = value;
    }

    String name() {
        return name;
    }

    /** Pictures decoded, readable or not, warm-up included. */
    synchronized long pictures() {
        return pictures;
    }

    /** Pictures whose barcode failed its CRC. */
    synchronized long unreadable() {
        return unreadable;
    }

    /** When the first readable picture was decoded (clock ms), NaN before. */
    synchronized double firstPictureAt() {
        return firstPictureAt;
    }

    /** The first readable picture's latency, ms (a GOP-cache start shows here), NaN before. */
    synchronized double firstPictureLatency() {
        return firstPictureLatency;
    }

    /** Percentiles (nearest rank) of the samples kept. */
    synchronized Summary summary() {
        if (count == 0) {
            return Summary.EMPTY;
        }
        double[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        double sum = 0;
        for (double sample : sorted) {
            sum += sample;
        }
        return new Summary(count, rank(sorted, 0.50), rank(sorted, 0.90), rank(sorted, 0.99), sorted[count - 1],
                sum / count);
    }

    private static double rank(double[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}

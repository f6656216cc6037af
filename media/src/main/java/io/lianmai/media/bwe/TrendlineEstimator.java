package io.lianmai.media.bwe;

/**
 * The delay-based detector of Google Congestion Control as libwebrtc runs it today
 * ({@code goog_cc/trendline_estimator.cc}, which replaced the Kalman filter of draft-ietf-rmcat-gcc-02 §5.3): the
 * inter-group delay variations are accumulated into a queuing-delay curve, smoothed exponentially, and a least-squares
 * line is fitted over the last {@link #WINDOW} points; its slope (how fast the queue grows, ms per ms) is scaled and
 * compared with an adaptive threshold (§5.4, §5.5):
 *
 * <ul>
 *   <li>modified trend = min(deltas, {@link #MIN_DELTAS}) × slope × {@link #THRESHOLD_GAIN};
 *   <li>above +threshold for more than {@link #OVERUSING_TIME_MS} and two samples, with a slope not falling:
 *       {@link BandwidthUsage#OVERUSING}; below −threshold: {@link BandwidthUsage#UNDERUSING}; else normal;
 *   <li>the threshold follows |modified trend| at {@link #K_UP} per ms when below it and {@link #K_DOWN} when above
 *       (a far outlier, more than {@link #MAX_ADAPT_OFFSET_MS} over, does not move it), within 6..600, starting at
 *       12.5 — so that a competing TCP flow's standing queue does not starve the estimate.
 * </ul>
 *
 * Parameters are libwebrtc's defaults (window 20, smoothing 0.9, gain 4, k_up 0.0087, k_down 0.039).
 *
 * <p>Not thread-safe; allocates nothing after construction.
 */
final class TrendlineEstimator {
    static final int WINDOW = 20;
    static final double SMOOTHING = 0.9;
    static final double THRESHOLD_GAIN = 4.0;
    static final int MIN_DELTAS = 60;
    static final double OVERUSING_TIME_MS = 10;
    static final double K_UP = 0.0087;
    static final double K_DOWN = 0.039;
    static final double MAX_ADAPT_OFFSET_MS = 15;
    static final double INITIAL_THRESHOLD = 12.5;
    private static final int MAX_DELTA_COUNT = 1000;

    private final double[] x = new double[WINDOW];
    private final double[] y = new double[WINDOW];
    private int points;
    private int head;

    private int deltas;
    private long firstArrivalMicros = Long.MIN_VALUE;
    private double accumulatedDelay;
    private double smoothedDelay;
    private double previousTrend;

    private double threshold = INITIAL_THRESHOLD;
    private long lastThresholdUpdateMicros = Long.MIN_VALUE;
    private double timeOverUsing = -1;
    private int overuseCounter;
    private BandwidthUsage state = BandwidthUsage.NORMAL;

    /**
     * One inter-group delta: arrival and send spacing (µs) of the group that arrived last at {@code arrivalMicros}.
     * Returns the state after it.
     */
    BandwidthUsage update(long arrivalDeltaMicros, long sendDeltaMicros, long arrivalMicros) {
        double deltaMs = (arrivalDeltaMicros - sendDeltaMicros) / 1000.0;
        deltas = Math.min(deltas + 1, MAX_DELTA_COUNT);
        if (firstArrivalMicros == Long.MIN_VALUE) {
            firstArrivalMicros = arrivalMicros;
        }
        accumulatedDelay += deltaMs;
        smoothedDelay = SMOOTHING * smoothedDelay + (1 - SMOOTHING) * accumulatedDelay;
        x[head] = (arrivalMicros - firstArrivalMicros) / 1000.0;
        y[head] = smoothedDelay;
        head = (head + 1) % WINDOW;
        points = Math.min(points + 1, WINDOW);
        double trend = previousTrend;
        if (points == WINDOW) {
            trend = slope(trend);
        }
        detect(trend, sendDeltaMicros / 1000.0, arrivalMicros);
        return state;
    }

    /** Least-squares slope of the window, or {@code fallback} when all x are equal. */
    private double slope(double fallback) {
        double sumX = 0;
        double sumY = 0;
        for (int i = 0; i < WINDOW; i++) {
            sumX += x[i];
            sumY += y[i];
        }
        double meanX = sumX / WINDOW;
        double meanY = sumY / WINDOW;
        double numerator = 0;
        double denominator = 0;
        for (int i = 0; i < WINDOW; i++) {
            double dx = x[i] - meanX;
            numerator += dx * (y[i] - meanY);
            denominator += dx * dx;
        }
        return denominator == 0 ? fallback : numerator / denominator;
    }

    private void detect(double trend, double sendDeltaMs, long nowMicros) {
        if (deltas < 2) {
            state = BandwidthUsage.NORMAL;
            return;
        }
        double modified = Math.min(deltas, MIN_DELTAS) * trend * THRESHOLD_GAIN;
        if (modified > threshold) {
            if (timeOverUsing == -1) {
                // Assume the overuse began half-way through the last delta.
                timeOverUsing = sendDeltaMs / 2;
            } else {
                timeOverUsing += sendDeltaMs;
            }
            overuseCounter++;
            if (timeOverUsing > OVERUSING_TIME_MS && overuseCounter > 1 && trend >= previousTrend) {
                timeOverUsing = 0;
                overuseCounter = 0;
                state = BandwidthUsage.OVERUSING;
            }
        } else if (modified < -threshold) {
            timeOverUsing = -1;
            overuseCounter = 0;
            state = BandwidthUsage.UNDERUSING;
        } else {
            timeOverUsing = -1;
            overuseCounter = 0;
            state = BandwidthUsage.NORMAL;
        }
        previousTrend = trend;
        updateThreshold(modified, nowMicros);
    }

    private void updateThreshold(double modified, long nowMicros) {
        if (lastThresholdUpdateMicros == Long.MIN_VALUE) {
            lastThresholdUpdateMicros = nowMicros;
        }
        double magnitude = Math.abs(modified);
        if (magnitude > threshold + MAX_ADAPT_OFFSET_MS) {
            lastThresholdUpdateMicros = nowMicros;
            return;
        }
        double k = magnitude < threshold ? K_DOWN : K_UP;
        double elapsedMs = Math.min((nowMicros - lastThresholdUpdateMicros) / 1000.0, 100);
        threshold = Math.max(6, Math.min(600, threshold + k * (magnitude - threshold) * elapsedMs));
        lastThresholdUpdateMicros = nowMicros;
    }

    BandwidthUsage state() {
        return state;
    }

    /** The adaptive threshold now (for tests and stats). */
    double threshold() {
        return threshold;
    }
}

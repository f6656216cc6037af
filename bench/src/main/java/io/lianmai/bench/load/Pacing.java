package io.lianmai.bench.load;

import java.time.Duration;
import java.util.Locale;

/**
 * How a simulated publisher paces its video, as libwebrtc's pacer does in a browser ({@link Pacer}): a browser does
 * not send a video frame as one burst but at a pacing rate a few times its bitrate, so only a frame larger than the
 * burst interval's worth (a keyframe) is spread out.
 *
 * @param factor the pacing rate ÷ the publisher's video bitrate; 0 turns pacing off (every frame leaves at once)
 * @param burstInterval how much of the pacing rate may leave ahead of time, at once
 */
record Pacing(double factor, Duration burstInterval) {
    /** libwebrtc's pacing factor: {@code PacingController::kDefaultPaceMultiplier} (and goog_cc's) = 2.5. */
    static final double DEFAULT_FACTOR = 2.5;
    /** libwebrtc's {@code PacingController::kDefaultBurstInterval} = 40 ms. */
    static final Duration DEFAULT_BURST_INTERVAL = Duration.ofMillis(40);
    /** What a browser does. */
    static final Pacing DEFAULT = new Pacing(DEFAULT_FACTOR, DEFAULT_BURST_INTERVAL);
    /** No pacer: each video frame leaves in one burst, as the load generator sent before it paced. */
    static final Pacing OFF = new Pacing(0, DEFAULT_BURST_INTERVAL);

    Pacing {
        if (!(factor >= 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("--pacing must be 0 (off) or a positive factor, got " + factor);
        }
        if (burstInterval.isNegative()) {
            throw new IllegalArgumentException("--burst-interval must not be negative, got " + burstInterval);
        }
    }

    boolean enabled() {
        return factor > 0;
    }

    double burstIntervalMillis() {
        return burstInterval.toNanos() / 1e6;
    }

    /** One line for the report, {@code videoBitrate} being a publisher's video over all its layers. */
    String describe(long videoBitrate) {
        if (!enabled()) {
            return "off: each video frame leaves in one burst";
        }
        if (videoBitrate <= 0) {
            return "no video to pace";
        }
        double rate = factor * videoBitrate;
        return String.format(Locale.ROOT, "video at %s × its bitrate (%,.0f kbit/s), up to %s ms of it at once "
                + "(libwebrtc's pacer); audio and RTCP unpaced", trim(factor), rate / 1000,
                trim(burstIntervalMillis()));
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}

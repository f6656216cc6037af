package io.lianmai.media.bwe;

/**
 * What the simulcast layer allocation needs of a subscriber's downlink estimate: the rate it may send, whether the
 * path is congested now, and probes that can raise the estimate. Two kinds: the server's own estimate from the
 * subscriber's transport-cc feedback ({@link SendSideBandwidthEstimator}), where a probe is a short burst the server
 * measures itself; and the subscriber's own estimate from its REMB ({@link RembEstimate}), where a probe is seconds of
 * padding under which the subscriber's estimate climbs.
 */
public interface DownlinkEstimate {
    /** A probe's padding, where the server measures its result itself: one burst (libwebrtc sends 15 ms clusters). */
    long PROBE_BURST_MILLIS = 40;

    /** The bitrate the subscriber's downlink is estimated to carry now, bit/s; meaningful once {@link #known()}. */
    long targetBitrate();

    /**
     * Whether there is an estimate yet. Until there is, the layers stay as the subscriber's preferences chose them:
     * a REMB subscriber reports its first estimate seconds after its video starts.
     */
    default boolean known() {
        return true;
    }

    /**
     * What the path is seen delivering now, bit/s: the subscriber's acknowledged throughput where the server measures
     * it, else the estimate. Pausing the video needs both this and the estimate low: an estimate a stall or a loss
     * burst cut for a moment must not stop video the path is still carrying.
     */
    default long deliveredBitrate() {
        return targetBitrate();
    }

    /** Whether the path shows congestion now (queuing delay growing, or heavy loss): no time to probe. */
    boolean congested();

    /** Starts a probe cluster: what is sent until {@link #endProbe} measures the path. */
    void startProbe();

    /** Ends the probe cluster; its result comes with the feedback on it. */
    void endProbe(long nowMillis);

    /** Whether a probe is open or waiting for its result. */
    boolean probing();

    /** How long one probe pads, ms. */
    default long probeMillis() {
        return PROBE_BURST_MILLIS;
    }

    /**
     * The rate a probe may bring the sending to now, bit/s, when the upgrade it probes for wants {@code wantedBps}:
     * all of it where the result is measured from the probe itself.
     */
    default long probeRate(long wantedBps) {
        return wantedBps;
    }
}

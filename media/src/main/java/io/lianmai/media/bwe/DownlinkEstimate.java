package io.lianmai.media.bwe;

/**
 * What the simulcast layer allocation needs of a subscriber's downlink estimate: the rate it may send, whether the
 * path is congested now, and probes that can raise the estimate ({@link SendSideBandwidthEstimator}).
 */
public interface DownlinkEstimate {
    /** The bitrate the subscriber's downlink is estimated to carry now, bit/s. */
    long targetBitrate();

    /** Whether the path shows congestion now (queuing delay growing, or heavy loss): no time to probe. */
    boolean congested();

    /** Starts a probe cluster: what is sent until {@link #endProbe} measures the path. */
    void startProbe();

    /** Ends the probe cluster; its result comes with the feedback on it. */
    void endProbe(long nowMillis);

    /** Whether a probe is open or waiting for its result. */
    boolean probing();
}

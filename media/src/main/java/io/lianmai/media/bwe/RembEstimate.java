package io.lianmai.media.bwe;

import io.lianmai.wire.rtcp.ReceiverEstimatedMaximumBitrate;

/**
 * A subscriber's downlink as the subscriber itself estimates it and reports it in REMB (receiver estimated maximum
 * bitrate, draft-alvestrand-rmcat-remb-03): for subscribers that negotiated {@code goog-remb} but not transport-cc, so
 * give the server no feedback to run {@link SendSideBandwidthEstimator} on. aiortc is one: its receiver estimates
 * from the absolute send time of the video it gets (which the server stamps with its own send time,
 * {@code AbsSendTimeStamper}) and sends a REMB every half second or so once its estimate has settled (about 3 s after
 * video starts), or at once on overuse.
 *
 * <p>The estimate is the latest well-formed REMB's bitrate as reported (whatever SSRCs it lists: REMB gives the
 * total for the subscriber's stream), -1 until the first. A REMB that stops coming leaves the last value in place,
 * however old ({@link #lastReportMillis()} tells its age): receivers send REMB only while media reaches them, so
 * silence says nothing new about the path, and a subscriber whose path really broke is ended by ICE consent.
 * Anything that is not a well-formed REMB (another application-layer feedback, a short packet, an SSRC count the
 * packet cannot hold) is ignored and counted.
 *
 * <p>As a {@link DownlinkEstimate} for the simulcast layer allocation: a report under {@link #DROP_SHARE} of the one
 * before is the receiver's congestion signal (its estimator cuts only on over-use), held until a report comes
 * {@link #CONGESTION_HOLD_MILLIS} after it. A probe cannot be measured by the server here: the receiver's estimate
 * grows by itself, about 8 % a second (GCC's multiplicative increase, draft-ietf-rmcat-gcc-02 §5.5; aiortc's and
 * libwebrtc's {@code AimdRateControl}), but never above 1.5 × what it receives. So a probe is a ramp: for
 * {@link #RAMP_MILLIS} the sending is padded up to {@link #RAMP_HEADROOM} × the estimate, so that what arrives never
 * holds the estimate back, and the estimate climbs under it; the allocation ends the ramp early when the estimate
 * fits the upgrade or the receiver reports congestion.
 *
 * <p>On the media thread (the subscriber's RTCP); allocates nothing.
 */
public final class RembEstimate implements DownlinkEstimate {
    /**
     * A report under this share of the one before is a cut: libwebrtc's receivers send a REMB at once when their
     * estimate falls under 97 % of the last one sent; aiortc's cut to 0.85 × what they receive.
     */
    static final double DROP_SHARE = 0.97;
    /** Reports are taken as an estimate of the path this long after the first (or at once with a cut). */
    static final long SETTLE_MILLIS = 2000;
    /** A cut keeps the path congested until a report comes this long after it. */
    static final long CONGESTION_HOLD_MILLIS = 2000;
    /** How long one probe pads. */
    static final long RAMP_MILLIS = 5000;
    /**
     * A ramp pads up to this × the estimate. The receiver's estimate may grow only to 1.5 × what it receives (plus
     * 10 kbit/s); and after a cut it grows additively (tens of kbit/s a second) until what it receives exceeds what
     * it received at the cut by three deviations (≈ 1.1 × for a few hundred kbit/s; aiortc's and libwebrtc's
     * {@code near_max}), the cut having left the estimate at 0.85 × that: 1.5 × the estimate is 1.28 × it.
     */
    static final double RAMP_HEADROOM = 1.5;
    private static final long NONE = Long.MIN_VALUE;

    private final ReceiverEstimatedMaximumBitrate remb = new ReceiverEstimatedMaximumBitrate();
    private long bitrate = -1;
    private long lastReportMillis = -1;
    private long firstReportMillis = -1;
    private long lastCutMillis = NONE;
    private boolean congested;
    private boolean ramping;
    private long cuts;
    private long reports;
    private long ignored;

    /**
     * Reads one application-layer feedback packet (PSFB FMT 15, RFC 4585 §6.4) at {@code (buf, off, len)}: a
     * well-formed REMB replaces the estimate; anything else changes nothing and is counted in {@link #ignored()}.
     * Never throws on malformed input. Reads the bytes only.
     *
     * @return whether it was a well-formed REMB
     */
    public boolean onFeedback(byte[] buf, int off, int len, long nowMillis) {
        if (!remb.wrap(buf, off, len)) {
            ignored++;
            return false;
        }
        long previous = bitrate;
        bitrate = remb.bitrate();
        if (firstReportMillis < 0) {
            firstReportMillis = nowMillis;
        }
        lastReportMillis = nowMillis;
        reports++;
        if (previous > 0 && bitrate < DROP_SHARE * previous) {
            lastCutMillis = nowMillis;
            cuts++;
        }
        congested = lastCutMillis != NONE && nowMillis - lastCutMillis < CONGESTION_HOLD_MILLIS;
        return true;
    }

    @Override
    public long targetBitrate() {
        return bitrate;
    }

    /**
     * Whether the reports tell what the path carries: once they have come for {@link #SETTLE_MILLIS}, or at once with
     * a cut. A receiver's first report is what it received (aiortc: its mean over the last second), not what its path
     * carries: taken as the estimate, any shortfall (its count leaves out the RTP header) would move a subscriber
     * down from a layer its path carries. Where the path allows, the estimate has grown by 17 % two seconds later.
     */
    @Override
    public boolean known() {
        return bitrate >= 0 && (congested || lastReportMillis - firstReportMillis >= SETTLE_MILLIS);
    }

    /** Whether the receiver cut its estimate in a report under {@link #CONGESTION_HOLD_MILLIS} before its latest. */
    @Override
    public boolean congested() {
        return congested;
    }

    @Override
    public void startProbe() {
        ramping = true;
    }

    @Override
    public void endProbe(long nowMillis) {
        ramping = false;
    }

    /** Whether a ramp is open: its result is the estimate itself, nothing to wait for after it. */
    @Override
    public boolean probing() {
        return ramping;
    }

    @Override
    public long probeMillis() {
        return RAMP_MILLIS;
    }

    /** Up to {@link #RAMP_HEADROOM} × the estimate, and no more than the upgrade wants. */
    @Override
    public long probeRate(long wantedBps) {
        return Math.min(wantedBps, (long) (RAMP_HEADROOM * Math.max(0, bitrate)));
    }

    /** Reports that cut the estimate (under {@link #DROP_SHARE} of the one before). */
    public long cuts() {
        return cuts;
    }

    /** The latest REMB's bitrate in bit/s, or -1 before the first. */
    public long bitrate() {
        return bitrate;
    }

    /** When the latest REMB arrived (the media clock's milliseconds), or -1 before the first. */
    public long lastReportMillis() {
        return lastReportMillis;
    }

    /** Well-formed REMBs read. */
    public long reports() {
        return reports;
    }

    /** Application-layer feedback packets ignored: not a REMB, or a malformed one. */
    public long ignored() {
        return ignored;
    }
}

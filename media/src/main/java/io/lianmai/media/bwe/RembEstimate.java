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
 * <p>On the media thread (the subscriber's RTCP); allocates nothing.
 */
public final class RembEstimate {
    private final ReceiverEstimatedMaximumBitrate remb = new ReceiverEstimatedMaximumBitrate();
    private long bitrate = -1;
    private long lastReportMillis = -1;
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
        bitrate = remb.bitrate();
        lastReportMillis = nowMillis;
        reports++;
        return true;
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

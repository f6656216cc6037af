package io.lianmai.wire.rtcp;

/**
 * A picture loss indication (PLI, PSFB FMT 1, RFC 4585 §6.3.1): a request for a keyframe, with no FCI. The SFU sends
 * one to a publisher when a subscriber joins or switches layers, and relays subscribers' PLIs.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| FMT=1   |   PT=206      |          length=2             |
 * |                  SSRC of packet sender                        |
 * |                  SSRC of media source                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class PictureLossIndication extends RtcpFeedbackMessage {
    /** Packet length in bytes. */
    public static final int LENGTH = RtcpFeedback.HEADER_LENGTH;

    /** An unbound view; bind it with {@link #wrap}. */
    public PictureLossIndication() {
        super(RtcpPacketType.PSFB, RtcpFeedback.FMT_PLI, 0);
    }

    /** SSRC of the media source a keyframe is wanted from. */
    public long mediaSsrc() {
        return RtcpFeedback.mediaSsrc(buffer(), offset());
    }

    /** Rewrites the media source SSRC in place. */
    public void setMediaSsrc(long ssrc) {
        RtcpFeedback.setMediaSsrc(buffer(), offset(), ssrc);
    }

    /** Writes a PLI; returns {@link #LENGTH}, or -1 if it does not fit in {@code buf}. */
    public static int write(byte[] buf, int off, long senderSsrc, long mediaSsrc) {
        if (!RtcpHeader.fits(buf, off, LENGTH)) {
            return -1;
        }
        RtcpFeedback.writeHeader(buf, off, RtcpFeedback.FMT_PLI, RtcpPacketType.PSFB, LENGTH, senderSsrc, mediaSsrc);
        return LENGTH;
    }
}

package io.lianmai.wire.rtcp;

import io.lianmai.common.BigEndian;
/**
 * The common packet format of RTCP feedback messages (RFC 4585 §6.1), shared by RTPFB and PSFB: header fields read
 * and written in place, and the FMT values the SFU handles. The SFU rewrites the two SSRCs when it relays a
 * subscriber's NACK or PLI to the publisher.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|   FMT   |       PT      |          length               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of media source                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * :            Feedback Control Information (FCI)                 :
 * </pre>
 *
 * <p>The offsets passed here belong to a packet bounds-checked by {@link RtcpIterator} or a view's {@code wrap}.
 */
public final class RtcpFeedback {
    /** Header and both SSRCs: where the FCI starts. */
    public static final int HEADER_LENGTH = 12;
    /** RTPFB FMT of the generic NACK, RFC 4585 §6.2.1. */
    public static final int FMT_NACK = 1;
    /** RTPFB FMT of transport-wide congestion control feedback. */
    public static final int FMT_TRANSPORT_CC = 15;
    /** PSFB FMT of the picture loss indication, RFC 4585 §6.3.1. */
    public static final int FMT_PLI = 1;
    /** PSFB FMT of the full intra request, RFC 5104 §4.3.1. */
    public static final int FMT_FIR = 4;
    /** PSFB FMT of application layer feedback (REMB), RFC 4585 §6.4. */
    public static final int FMT_AFB = 15;

    private RtcpFeedback() {
    }

    /** The FMT field. */
    public static int format(byte[] buf, int off) {
        return RtcpHeader.count(buf, off);
    }

    /** SSRC of the packet sender. */
    public static long senderSsrc(byte[] buf, int off) {
        return BigEndian.u32(buf, off + 4);
    }

    /** SSRC of the media source the feedback is about. */
    public static long mediaSsrc(byte[] buf, int off) {
        return BigEndian.u32(buf, off + 8);
    }

    /** Rewrites the sender SSRC in place. */
    public static void setSenderSsrc(byte[] buf, int off, long ssrc) {
        BigEndian.put32(buf, off + 4, ssrc);
    }

    /** Rewrites the media source SSRC in place. */
    public static void setMediaSsrc(byte[] buf, int off, long ssrc) {
        BigEndian.put32(buf, off + 8, ssrc);
    }

    /**
     * Content length of a valid feedback packet of {@code packetType} and {@code fmt} at {@code off} with at least
     * {@code minContent} bytes before padding, or -1.
     */
    static int checkedContentLength(byte[] buf, int off, int len, int packetType, int fmt, int minContent) {
        int content = RtcpHeader.checkedContentLength(buf, off, len, packetType);
        if (content < minContent || content < HEADER_LENGTH || RtcpHeader.count(buf, off) != fmt) {
            return -1;
        }
        return content;
    }

    /** Writes the common header; the caller has checked that {@code packetLength} bytes fit. */
    static void writeHeader(byte[] buf, int off, int fmt, int packetType, int packetLength, long senderSsrc,
            long mediaSsrc) {
        RtcpHeader.write(buf, off, fmt, packetType, packetLength);
        BigEndian.put32(buf, off + 4, senderSsrc);
        BigEndian.put32(buf, off + 8, mediaSsrc);
    }
}

package io.lianmai.wire.rtcp;

import io.lianmai.common.BigEndian;
/**
 * A receiver estimated maximum bitrate message (REMB, draft-alvestrand-rmcat-remb-03 §2.2): application layer
 * feedback (PSFB FMT 15) identified by the ASCII {@code "REMB"}, carrying a bitrate as an 18-bit mantissa and a 6-bit
 * exponent and the SSRCs it applies to. The SFU reads subscribers' REMBs and sends its own to publishers.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| FMT=15  |   PT=206      |             length            |
 * |                  SSRC of packet sender                        |
 * |                  SSRC of media source (0)                     |
 * |  Unique identifier 'R' 'E' 'M' 'B'                            |
 * |  Num SSRC     | BR Exp    |  BR Mantissa                      |   bitrate = mantissa * 2^exp bps
 * |   SSRC feedback (Num SSRC times)                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class ReceiverEstimatedMaximumBitrate {
    /** Bytes before the SSRC list. */
    public static final int MIN_LENGTH = 20;
    /** {@code "REMB"} as a big-endian 32-bit number. */
    private static final long IDENTIFIER = 0x52454D42L;
    private static final int MAX_MANTISSA = 0x3FFFF;

    private byte[] buffer;
    private int offset;

    /**
     * Binds the view to the REMB at {@code off}; {@code false} if it is not a PSFB FMT 15 packet with the REMB
     * identifier and room for the SSRCs it announces.
     */
    public boolean wrap(byte[] buf, int off, int len) {
        buffer = null;
        int content = RtcpFeedback.checkedContentLength(buf, off, len, RtcpPacketType.PSFB, RtcpFeedback.FMT_AFB,
                MIN_LENGTH);
        if (content < 0 || BigEndian.u32(buf, off + 12) != IDENTIFIER
                || MIN_LENGTH + 4 * (buf[off + 16] & 0xFF) > content) {
            return false;
        }
        buffer = buf;
        offset = off;
        return true;
    }

    /**
     * Whether the PSFB packet {@code (buf, off, len)} is application layer feedback carrying the REMB identifier; a
     * cheap test before {@link #wrap}.
     */
    public static boolean isRemb(byte[] buf, int off, int len) {
        return buf != null && len >= MIN_LENGTH && RtcpHeader.fits(buf, off, len)
                && RtcpFeedback.format(buf, off) == RtcpFeedback.FMT_AFB
                && BigEndian.u32(buf, off + 12) == IDENTIFIER;
    }

    /** SSRC of the packet sender. */
    public long senderSsrc() {
        return RtcpFeedback.senderSsrc(buffer, offset);
    }

    /** The bitrate in bits per second, {@link Long#MAX_VALUE} if it overflows a long. */
    public long bitrate() {
        int exponent = (buffer[offset + 17] & 0xFC) >>> 2;
        long mantissa = BigEndian.u24(buffer, offset + 17) & MAX_MANTISSA;
        if (exponent > 63 - 18 && mantissa > Long.MAX_VALUE >>> exponent) {
            return Long.MAX_VALUE;
        }
        return mantissa << exponent;
    }

    /** Number of SSRCs the estimate applies to. */
    public int ssrcCount() {
        return buffer[offset + 16] & 0xFF;
    }

    /** The {@code index}-th SSRC (below {@link #ssrcCount()}). */
    public long ssrc(int index) {
        return BigEndian.u32(buffer, offset + MIN_LENGTH + 4 * index);
    }

    /** Rewrites the sender SSRC in place. */
    public void setSenderSsrc(long ssrc) {
        RtcpFeedback.setSenderSsrc(buffer, offset, ssrc);
    }

    /** Rewrites the {@code index}-th SSRC in place. */
    public void setSsrc(int index, long ssrc) {
        BigEndian.put32(buffer, offset + MIN_LENGTH + 4 * index, ssrc);
    }

    /** Bytes a REMB for {@code count} SSRCs takes. */
    public static int lengthFor(int count) {
        return MIN_LENGTH + 4 * count;
    }

    /**
     * Writes a REMB of {@code bitrate} bits per second (rounded down to what an 18-bit mantissa can express) for {@code
     * count} SSRCs from {@code ssrcs[from]}. Returns the packet length, or -1 if {@code bitrate} is negative, {@code
     * count} is not 0..255 or the packet does not fit in {@code buf}.
     */
    public static int write(byte[] buf, int off, long senderSsrc, long bitrate, long[] ssrcs, int from, int count) {
        int length = lengthFor(count);
        if (bitrate < 0 || count < 0 || count > 255 || !RtcpHeader.fits(buf, off, length)) {
            return -1;
        }
        int exponent = 0;
        while ((bitrate >>> exponent) > MAX_MANTISSA) {
            exponent++;
        }
        long mantissa = bitrate >>> exponent;
        RtcpFeedback.writeHeader(buf, off, RtcpFeedback.FMT_AFB, RtcpPacketType.PSFB, length, senderSsrc, 0);
        BigEndian.put32(buf, off + 12, IDENTIFIER);
        buf[off + 16] = (byte) count;
        BigEndian.put24(buf, off + 17, (int) (exponent << 18 | mantissa));
        for (int i = 0; i < count; i++) {
            BigEndian.put32(buf, off + MIN_LENGTH + 4 * i, ssrcs[from + i]);
        }
        return length;
    }
}

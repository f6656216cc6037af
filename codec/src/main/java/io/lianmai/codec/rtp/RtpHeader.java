package io.lianmai.codec.rtp;

import io.lianmai.common.BigEndian;

/**
 * The RTP fixed header (RFC 3550 §5.1), read and written in place on {@code (buffer, offset, length)}: just what the
 * packetizers and depacketizers of this module need (the SFU's full packet view is {@code io.lianmai.media.rtp}).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                             SSRC                              |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            CSRC list (CC × 32 bit), extension (if X)          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class RtpHeader {
    /** Length of the fixed header without CSRCs or extension. */
    public static final int FIXED_LENGTH = 12;

    private RtpHeader() {
    }

    /**
     * Offset of the payload relative to {@code off} (past CSRCs and the header extension), or -1 if the packet is not
     * version 2 or shorter than its header says.
     */
    public static int payloadOffset(byte[] buf, int off, int len) {
        if (len < FIXED_LENGTH || (buf[off] & 0xC0) != 0x80) {
            return -1;
        }
        int pos = FIXED_LENGTH + 4 * (buf[off] & 0x0F);
        if ((buf[off] & 0x10) != 0) {
            if (len < pos + 4) {
                return -1;
            }
            pos += 4 + 4 * BigEndian.u16(buf, off + pos + 2);
        }
        return pos <= len ? pos : -1;
    }

    /**
     * Payload length without padding (RFC 3550 §5.1, P bit), or -1 if the packet is malformed; {@code payloadOffset}
     * is {@link #payloadOffset}'s answer.
     */
    public static int payloadLength(byte[] buf, int off, int len, int payloadOffset) {
        if (payloadOffset < 0) {
            return -1;
        }
        int length = len - payloadOffset;
        if ((buf[off] & 0x20) != 0) {
            int padding = length > 0 ? buf[off + len - 1] & 0xFF : 0;
            if (padding == 0 || padding > length) {
                return -1;
            }
            length -= padding;
        }
        return length;
    }

    /** The marker bit; the caller has checked {@code len >= 12}. */
    public static boolean marker(byte[] buf, int off) {
        return (buf[off + 1] & 0x80) != 0;
    }

    /** The payload type; the caller has checked {@code len >= 12}. */
    public static int payloadType(byte[] buf, int off) {
        return buf[off + 1] & 0x7F;
    }

    /** The 16-bit sequence number; the caller has checked {@code len >= 12}. */
    public static int sequenceNumber(byte[] buf, int off) {
        return BigEndian.u16(buf, off + 2);
    }

    /** The 32-bit timestamp; the caller has checked {@code len >= 12}. */
    public static long timestamp(byte[] buf, int off) {
        return BigEndian.u32(buf, off + 4);
    }

    /** The SSRC; the caller has checked {@code len >= 12}. */
    public static long ssrc(byte[] buf, int off) {
        return BigEndian.u32(buf, off + 8);
    }

    /** Writes a 12-byte header (version 2, no padding, extension or CSRC) at {@code off}. */
    public static void write(byte[] buf, int off, boolean marker, int payloadType, int sequenceNumber, long timestamp,
            long ssrc) {
        buf[off] = (byte) 0x80;
        buf[off + 1] = (byte) ((marker ? 0x80 : 0) | (payloadType & 0x7F));
        BigEndian.put16(buf, off + 2, sequenceNumber);
        BigEndian.put32(buf, off + 4, timestamp);
        BigEndian.put32(buf, off + 8, ssrc);
    }
}

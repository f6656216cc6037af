package io.lianmai.wire.rtcp;

import io.lianmai.common.BigEndian;
/**
 * The header common to every RTCP packet (RFC 3550 §6.4.1), read and written in place, and the RFC 5761 §4 test that
 * tells RTCP from RTP on a multiplexed port.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| RC/SC/FMT |      PT       |  length: 32-bit words - 1     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The readers take the offset of a packet already bounds-checked by {@link RtcpIterator} or a view's {@code wrap}.
 */
public final class RtcpHeader {
    /** Header length in bytes. */
    public static final int LENGTH = 4;

    private RtcpHeader() {
    }

    /** The version field; 2 for valid packets. */
    public static int version(byte[] buf, int off) {
        return (buf[off] & 0xFF) >>> 6;
    }

    /** The P bit. */
    public static boolean hasPadding(byte[] buf, int off) {
        return (buf[off] & 0x20) != 0;
    }

    /** The 5-bit count field: report count, source count, or feedback message type (FMT). */
    public static int count(byte[] buf, int off) {
        return buf[off] & 0x1F;
    }

    /** The packet type, 0..255. */
    public static int packetType(byte[] buf, int off) {
        return buf[off + 1] & 0xFF;
    }

    /** The whole packet's length in bytes as its length field declares: (length + 1) × 4. */
    public static int packetLength(byte[] buf, int off) {
        return (BigEndian.u16(buf, off + 2) + 1) * 4;
    }

    /**
     * Writes a header without padding for a packet of {@code packetLength} bytes (a multiple of 4, at least 4).
     *
     * @param count the RC/SC/FMT field, 0..31
     */
    public static void write(byte[] buf, int off, int count, int packetType, int packetLength) {
        buf[off] = (byte) (0x80 | (count & 0x1F));
        buf[off + 1] = (byte) packetType;
        BigEndian.put16(buf, off + 2, packetLength / 4 - 1);
    }

    /**
     * Length of a packet's content without its padding: {@code len} itself without the P bit, otherwise {@code len}
     * minus the count in its last byte; -1 if that count is 0 or larger than the packet after its header. {@code
     * (off, len)} is one packet, as delimited by its length field.
     */
    public static int contentLength(byte[] buf, int off, int len) {
        if ((buf[off] & 0x20) == 0) {
            return len;
        }
        int padding = buf[off + len - 1] & 0xFF;
        if (padding == 0 || padding > len - LENGTH) {
            return -1;
        }
        return len - padding;
    }

    /**
     * Whether a datagram on an RTP/RTCP-multiplexed port is RTCP (RFC 5761 §4): version 2 and a second byte of 192..223,
     * i.e. packet types 200..204 and the feedback types an RTP payload type cannot collide with. Call after RFC 7983
     * demultiplexing has picked SRTP/SRTCP.
     */
    public static boolean isRtcp(byte[] buf, int off, int len) {
        if (buf == null || len < LENGTH + 4 || !fits(buf, off, len)) {
            return false;
        }
        int type = buf[off + 1] & 0xFF;
        return (buf[off] & 0xC0) == 0x80 && type >= 192 && type <= 223;
    }
    /**
     * Checks that {@code (buf, off, len)} begins with one whole RTCP packet of {@code packetType} and returns its
     * length without padding, or -1. The packet's own length field decides where it ends, so a compound packet may be
     * passed and its first packet is checked.
     */
    static int checkedContentLength(byte[] buf, int off, int len, int packetType) {
        if (buf == null || off < 0 || len < LENGTH || off > buf.length - len
                || version(buf, off) != 2 || packetType(buf, off) != packetType) {
            return -1;
        }
        int declared = packetLength(buf, off);
        if (declared > len) {
            return -1;
        }
        return contentLength(buf, off, declared);
    }

    /** Whether {@code length} bytes fit in {@code buf} from {@code off}. */
    static boolean fits(byte[] buf, int off, int length) {
        return off >= 0 && length >= 0 && off <= buf.length - length;
    }
}

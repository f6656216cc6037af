package io.lianmai.wire.rtcp;

import io.lianmai.common.BigEndian;
/**
 * One reception report block (RFC 3550 §6.4.1), 24 bytes inside an SR or RR, read and written in place. The offsets
 * passed here come from {@link SenderReport#reportBlockOffset} or {@link ReceiverReport#reportBlockOffset}, which have
 * checked the bounds.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 SSRC_n (SSRC of source n)                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | fraction lost |       cumulative number of packets lost       |  (24-bit signed)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           extended highest sequence number received           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      interarrival jitter                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         last SR (LSR)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   delay since last SR (DLSR)                  |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * </pre>
 */
public final class ReportBlock {
    /** Block length in bytes. */
    public static final int LENGTH = 24;

    private ReportBlock() {
    }

    /** SSRC of the source this block reports on. */
    public static long ssrc(byte[] buf, int off) {
        return BigEndian.u32(buf, off);
    }

    /** Rewrites the reported SSRC in place (the SFU translating reports between publisher and subscriber SSRCs). */
    public static void setSsrc(byte[] buf, int off, long ssrc) {
        BigEndian.put32(buf, off, ssrc);
    }

    /** Fraction lost since the previous report, in 1/256 (0..255). */
    public static int fractionLost(byte[] buf, int off) {
        return buf[off + 4] & 0xFF;
    }

    /** Cumulative packets lost, sign-extended from 24 bits (-8388608..8388607). */
    public static int cumulativeLost(byte[] buf, int off) {
        return BigEndian.u24(buf, off + 5) << 8 >> 8;
    }

    /** Extended highest sequence number received (unsigned 32-bit). */
    public static long extendedHighestSequenceNumber(byte[] buf, int off) {
        return BigEndian.u32(buf, off + 8);
    }

    /** Interarrival jitter in RTP timestamp units (unsigned 32-bit). */
    public static long jitter(byte[] buf, int off) {
        return BigEndian.u32(buf, off + 12);
    }

    /** LSR: the middle 32 bits of the NTP timestamp of the last SR received from this source, 0 if none. */
    public static long lastSenderReport(byte[] buf, int off) {
        return BigEndian.u32(buf, off + 16);
    }

    /** DLSR: the delay since that SR was received, in units of 1/65536 s. */
    public static long delaySinceLastSenderReport(byte[] buf, int off) {
        return BigEndian.u32(buf, off + 20);
    }

    /**
     * Writes a block at {@code off}; returns {@link #LENGTH}, or -1 if it does not fit in {@code buf}.
     *
     * @param fractionLost   0..255 (low 8 bits used)
     * @param cumulativeLost clamped to the 24-bit signed range
     */
    public static int write(byte[] buf, int off, long ssrc, int fractionLost, int cumulativeLost,
            long extendedHighestSequenceNumber, long jitter, long lastSenderReport, long delaySinceLastSenderReport) {
        if (!RtcpHeader.fits(buf, off, LENGTH)) {
            return -1;
        }
        int lost = Math.max(-0x80_0000, Math.min(0x7F_FFFF, cumulativeLost));
        BigEndian.put32(buf, off, ssrc);
        buf[off + 4] = (byte) fractionLost;
        BigEndian.put24(buf, off + 5, lost);
        BigEndian.put32(buf, off + 8, extendedHighestSequenceNumber);
        BigEndian.put32(buf, off + 12, jitter);
        BigEndian.put32(buf, off + 16, lastSenderReport);
        BigEndian.put32(buf, off + 20, delaySinceLastSenderReport);
        return LENGTH;
    }
}

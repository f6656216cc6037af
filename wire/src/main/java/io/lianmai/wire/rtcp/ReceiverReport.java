package io.lianmai.wire.rtcp;

import io.lianmai.common.BigEndian;
/**
 * A reusable view of a receiver report (RR, RFC 3550 §6.4.2), with in-place SSRC rewriting, and a writer for the SFU's
 * own RRs to publishers.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    RC   |   PT=RR=201   |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     SSRC of packet sender                     |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 report block 1 .. RC ({@link ReportBlock})     |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * </pre>
 *
 * <p>Bound with {@link #wrap} to one packet in the caller's buffer; setters write into that buffer. Not thread-safe.
 */
public final class ReceiverReport {
    /** Header and sender SSRC: the length of an RR without report blocks. */
    public static final int MIN_LENGTH = 8;

    private byte[] buffer;
    private int offset;
    private int length;

    /** Binds the view to the RR at {@code off}; {@code false} if it is not a valid RR (see {@link SenderReport#wrap}). */
    public boolean wrap(byte[] buf, int off, int len) {
        buffer = null;
        int content = RtcpHeader.checkedContentLength(buf, off, len, RtcpPacketType.RR);
        if (content < 0 || content < MIN_LENGTH + RtcpHeader.count(buf, off) * ReportBlock.LENGTH) {
            return false;
        }
        buffer = buf;
        offset = off;
        length = RtcpHeader.packetLength(buf, off);
        return true;
    }

    /** The bound buffer. */
    public byte[] buffer() {
        return buffer;
    }

    /** Absolute offset of the packet. */
    public int offset() {
        return offset;
    }

    /** Packet length in bytes, as its length field declares. */
    public int length() {
        return length;
    }

    /** SSRC of the packet's sender. */
    public long senderSsrc() {
        return BigEndian.u32(buffer, offset + 4);
    }

    /** Number of report blocks (RC). */
    public int reportCount() {
        return RtcpHeader.count(buffer, offset);
    }

    /** Absolute offset of report block {@code index} (below {@link #reportCount()}), for {@link ReportBlock}. */
    public int reportBlockOffset(int index) {
        return offset + MIN_LENGTH + index * ReportBlock.LENGTH;
    }

    /** Rewrites the sender SSRC in place. */
    public void setSenderSsrc(long ssrc) {
        BigEndian.put32(buffer, offset + 4, ssrc);
    }

    /** Rewrites the media SSRC of report block {@code index} in place. */
    public void setReportBlockSsrc(int index, long ssrc) {
        ReportBlock.setSsrc(buffer, reportBlockOffset(index), ssrc);
    }

    /** Bytes an RR with {@code reportCount} blocks takes. */
    public static int lengthFor(int reportCount) {
        return MIN_LENGTH + reportCount * ReportBlock.LENGTH;
    }

    /**
     * Writes an RR with room for {@code reportCount} report blocks, which the caller then writes at {@code off +
     * MIN_LENGTH + i * ReportBlock.LENGTH}. Returns the packet length, or -1 if it does not fit in {@code buf}.
     *
     * @param reportCount 0..31
     */
    public static int write(byte[] buf, int off, long senderSsrc, int reportCount) {
        if (reportCount < 0 || reportCount > 31) {
            return -1;
        }
        int length = lengthFor(reportCount);
        if (!RtcpHeader.fits(buf, off, length)) {
            return -1;
        }
        RtcpHeader.write(buf, off, reportCount, RtcpPacketType.RR, length);
        BigEndian.put32(buf, off + 4, senderSsrc);
        return length;
    }
}

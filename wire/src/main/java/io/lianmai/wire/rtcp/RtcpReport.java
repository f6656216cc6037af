package io.lianmai.wire.rtcp;

import io.lianmai.common.BigEndian;

/**
 * What a sender report and a receiver report share (RFC 3550 §6.4): the header with the report count (RC), the SSRC
 * of the packet's sender, a part of fixed length (the sender info of an SR, nothing in an RR), then RC report blocks
 * ({@link ReportBlock}). The view binds to one packet in the caller's buffer; setters write into that buffer.
 * Not thread-safe.
 */
public abstract sealed class RtcpReport permits SenderReport, ReceiverReport {
    /** Bytes before the first report block: the header, the sender SSRC and the fixed part. */
    private final int blocksStart;
    private final int packetType;

    private byte[] buffer;
    private int offset;
    private int length;

    RtcpReport(int packetType, int blocksStart) {
        this.packetType = packetType;
        this.blocksStart = blocksStart;
    }

    /**
     * Binds the view to the report at {@code off}; {@code false} if it is not a valid report of this type: wrong
     * version or type, a length field beyond {@code len}, bad padding, or fewer bytes than its report count needs.
     */
    public final boolean wrap(byte[] buf, int off, int len) {
        buffer = null;
        int content = RtcpHeader.checkedContentLength(buf, off, len, packetType);
        if (content < 0 || content < blocksStart + RtcpHeader.count(buf, off) * ReportBlock.LENGTH) {
            return false;
        }
        buffer = buf;
        offset = off;
        length = RtcpHeader.packetLength(buf, off);
        return true;
    }

    /** The bound buffer. */
    public final byte[] buffer() {
        return buffer;
    }

    /** Absolute offset of the packet. */
    public final int offset() {
        return offset;
    }

    /** Packet length in bytes, as its length field declares. */
    public final int length() {
        return length;
    }

    /** SSRC of the packet's sender. */
    public final long senderSsrc() {
        return BigEndian.u32(buffer, offset + 4);
    }

    /** Number of report blocks (RC). */
    public final int reportCount() {
        return RtcpHeader.count(buffer, offset);
    }

    /** Absolute offset of report block {@code index} (below {@link #reportCount()}), for {@link ReportBlock}. */
    public final int reportBlockOffset(int index) {
        return offset + blocksStart + index * ReportBlock.LENGTH;
    }

    /** Rewrites the sender SSRC in place. */
    public final void setSenderSsrc(long ssrc) {
        BigEndian.put32(buffer, offset + 4, ssrc);
    }

    /** Rewrites the media SSRC of report block {@code index} in place. */
    public final void setReportBlockSsrc(int index, long ssrc) {
        ReportBlock.setSsrc(buffer, reportBlockOffset(index), ssrc);
    }

    /**
     * Writes the header and sender SSRC of a report of {@code packetType} whose blocks start at {@code blocksStart},
     * with room for {@code reportCount} blocks; the caller writes the rest. Returns the packet length, or -1 if
     * {@code reportCount} is not 0..31 or the packet does not fit in {@code buf}.
     */
    static int writeStart(byte[] buf, int off, int packetType, int blocksStart, long senderSsrc, int reportCount) {
        if (reportCount < 0 || reportCount > 31) {
            return -1;
        }
        int length = blocksStart + reportCount * ReportBlock.LENGTH;
        if (!RtcpHeader.fits(buf, off, length)) {
            return -1;
        }
        RtcpHeader.write(buf, off, reportCount, packetType, length);
        BigEndian.put32(buf, off + 4, senderSsrc);
        return length;
    }
}

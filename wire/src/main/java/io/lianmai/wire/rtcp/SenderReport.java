package io.lianmai.wire.rtcp;

import io.lianmai.common.BigEndian;
/**
 * A reusable view of a sender report (SR, RFC 3550 §6.4.1), with the in-place edits the SFU needs to translate a
 * publisher's SR towards a subscriber, and a writer for the SFU's own SRs.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    RC   |   PT=SR=200   |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         SSRC of sender                        |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |              NTP timestamp, most significant word             |  sender info
 * |             NTP timestamp, least significant word             |
 * |                         RTP timestamp                         |
 * |                     sender's packet count                     |
 * |                      sender's octet count                     |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 report block 1 .. RC ({@link ReportBlock})     |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                  profile-specific extensions                  |
 * </pre>
 *
 * <p>The view, its common accessors and setters are {@link RtcpReport}'s. Not thread-safe.
 */
public final class SenderReport extends RtcpReport {
    /** Header, sender SSRC and sender info: the length of an SR without report blocks. */
    public static final int MIN_LENGTH = 28;

    /** An unbound view; bind it with {@link #wrap}. */
    public SenderReport() {
        super(RtcpPacketType.SR, MIN_LENGTH);
    }

    /** The 64-bit NTP timestamp (see {@link NtpTimestamp}). */
    public long ntpTimestamp() {
        return BigEndian.i64(buffer(), offset() + 8);
    }

    /** The RTP timestamp corresponding to {@link #ntpTimestamp()} (unsigned 32-bit). */
    public long rtpTimestamp() {
        return BigEndian.u32(buffer(), offset() + 16);
    }

    /** Sender's packet count (unsigned 32-bit). */
    public long packetCount() {
        return BigEndian.u32(buffer(), offset() + 20);
    }

    /** Sender's octet count (unsigned 32-bit). */
    public long octetCount() {
        return BigEndian.u32(buffer(), offset() + 24);
    }

    /** Rewrites the NTP timestamp in place. */
    public void setNtpTimestamp(long ntp) {
        BigEndian.put64(buffer(), offset() + 8, ntp);
    }

    /** Rewrites the RTP timestamp in place (for streams whose timestamps the SFU offsets). */
    public void setRtpTimestamp(long rtpTimestamp) {
        BigEndian.put32(buffer(), offset() + 16, rtpTimestamp);
    }

    /** Rewrites the packet count in place. */
    public void setPacketCount(long packetCount) {
        BigEndian.put32(buffer(), offset() + 20, packetCount);
    }

    /** Rewrites the octet count in place. */
    public void setOctetCount(long octetCount) {
        BigEndian.put32(buffer(), offset() + 24, octetCount);
    }

    /** Bytes an SR with {@code reportCount} blocks takes. */
    public static int lengthFor(int reportCount) {
        return MIN_LENGTH + reportCount * ReportBlock.LENGTH;
    }

    /**
     * Writes an SR with room for {@code reportCount} report blocks, which the caller then writes at {@code off +
     * MIN_LENGTH + i * ReportBlock.LENGTH} (for example with {@code RtpStreamStatistics.writeReportBlock}). Returns the
     * packet length, or -1 if it does not fit in {@code buf}.
     *
     * @param reportCount 0..31
     */
    public static int write(byte[] buf, int off, long senderSsrc, long ntpTimestamp, long rtpTimestamp,
            long packetCount, long octetCount, int reportCount) {
        int length = writeStart(buf, off, RtcpPacketType.SR, MIN_LENGTH, senderSsrc, reportCount);
        if (length < 0) {
            return -1;
        }
        BigEndian.put64(buf, off + 8, ntpTimestamp);
        BigEndian.put32(buf, off + 16, rtpTimestamp);
        BigEndian.put32(buf, off + 20, packetCount);
        BigEndian.put32(buf, off + 24, octetCount);
        return length;
    }
}

package io.lianmai.wire.rtcp;

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
 * <p>The view and its setters are {@link RtcpReport}'s. Not thread-safe.
 */
public final class ReceiverReport extends RtcpReport {
    /** Header and sender SSRC: the length of an RR without report blocks. */
    public static final int MIN_LENGTH = 8;

    /** An unbound view; bind it with {@link #wrap}. */
    public ReceiverReport() {
        super(RtcpPacketType.RR, MIN_LENGTH);
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
        return writeStart(buf, off, RtcpPacketType.RR, MIN_LENGTH, senderSsrc, reportCount);
    }
}

package io.lianmai.wire.rtcp;

import io.lianmai.common.BigEndian;
/**
 * A full intra request (FIR, PSFB FMT 4, RFC 5104 §4.3.1): a keyframe request for one or more media senders, each
 * entry carrying a command sequence number the requester increments per new request (§4.3.1.2), so that
 * retransmitted FIRs are recognised. The caller keeps those per-SSRC numbers.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| FMT=4   |   PT=206      |          length               |
 * |                  SSRC of packet sender                        |
 * |                  SSRC of media source (unused, 0)             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              SSRC                             |  1..n times
 * | Seq nr.       |    Reserved (0)                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class FullIntraRequest extends RtcpFeedbackMessage {
    /** Length of one FCI entry. */
    public static final int FCI_LENGTH = 8;

    /** An unbound view; bind it with {@link #wrap}. */
    public FullIntraRequest() {
        super(RtcpPacketType.PSFB, RtcpFeedback.FMT_FIR, FCI_LENGTH);
    }

    /** Number of FCI entries. */
    public int entryCount() {
        return entries();
    }

    /** SSRC of the media sender entry {@code index} asks for a keyframe. */
    public long ssrc(int index) {
        return BigEndian.u32(buffer(), entryOffset(index));
    }

    /** Command sequence number (0..255) of entry {@code index}. */
    public int sequenceNumber(int index) {
        return buffer()[entryOffset(index) + 4] & 0xFF;
    }

    /** Rewrites the SSRC of entry {@code index} in place. */
    public void setSsrc(int index, long ssrc) {
        BigEndian.put32(buffer(), entryOffset(index), ssrc);
    }

    /** Bytes a FIR with {@code count} entries takes. */
    public static int lengthFor(int count) {
        return RtcpFeedback.HEADER_LENGTH + FCI_LENGTH * count;
    }

    /** Writes a FIR with one entry; returns the packet length, or -1 if it does not fit in {@code buf}. */
    public static int write(byte[] buf, int off, long senderSsrc, long mediaSsrc, int sequenceNumber) {
        int length = lengthFor(1);
        if (!RtcpHeader.fits(buf, off, length)) {
            return -1;
        }
        RtcpFeedback.writeHeader(buf, off, RtcpFeedback.FMT_FIR, RtcpPacketType.PSFB, length, senderSsrc, 0);
        writeEntry(buf, off + RtcpFeedback.HEADER_LENGTH, mediaSsrc, sequenceNumber);
        return length;
    }

    /**
     * Writes a FIR with {@code count} entries: {@code ssrcs[from + i]} with {@code sequenceNumbers[from + i]}. Returns
     * the packet length, or -1 if {@code count} is 0 or it does not fit in {@code buf}.
     */
    public static int write(byte[] buf, int off, long senderSsrc, long[] ssrcs, int[] sequenceNumbers, int from,
            int count) {
        int length = lengthFor(count);
        if (count < 1 || !RtcpHeader.fits(buf, off, length)) {
            return -1;
        }
        RtcpFeedback.writeHeader(buf, off, RtcpFeedback.FMT_FIR, RtcpPacketType.PSFB, length, senderSsrc, 0);
        for (int i = 0; i < count; i++) {
            writeEntry(buf, off + RtcpFeedback.HEADER_LENGTH + FCI_LENGTH * i, ssrcs[from + i],
                    sequenceNumbers[from + i]);
        }
        return length;
    }

    private static void writeEntry(byte[] buf, int at, long ssrc, int sequenceNumber) {
        BigEndian.put32(buf, at, ssrc);
        BigEndian.put32(buf, at + 4, (long) (sequenceNumber & 0xFF) << 24);
    }
}

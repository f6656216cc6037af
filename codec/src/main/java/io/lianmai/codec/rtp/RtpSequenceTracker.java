package io.lianmai.codec.rtp;

/**
 * Follows one stream's 16-bit RTP sequence numbers (RFC 3550 §A.1) in arrival order and classifies each packet as the
 * expected next one, one after a gap (loss), or an old one (duplicate or late). Depacketizers expect packets in order,
 * so a reordered packet shows here as a gap followed by an old packet.
 */
public final class RtpSequenceTracker {
    /** The packet follows the previous one (or is the first). */
    public static final int IN_ORDER = 0;
    /** One or more packets before this one are missing (or the stream jumped). */
    public static final int GAP = 1;
    /** The packet is a duplicate or arrived after a newer one; it should be ignored. */
    public static final int OLD = 2;

    private boolean started;
    private int highest;
    private long lost;

    /** Classifies {@code sequenceNumber} (0..65535) and, unless it is {@link #OLD}, makes it the highest seen. */
    public int accept(int sequenceNumber) {
        int seq = sequenceNumber & 0xFFFF;
        if (!started) {
            started = true;
            highest = seq;
            return IN_ORDER;
        }
        int delta = (short) (seq - highest);
        if (delta <= 0) {
            return OLD;
        }
        highest = seq;
        if (delta == 1) {
            return IN_ORDER;
        }
        lost += delta - 1;
        return GAP;
    }

    /** Packets that never arrived in order (sum of the gaps seen), since creation. */
    public long lostPackets() {
        return lost;
    }

    /** Forgets the stream, so the next packet counts as the first. */
    public void reset() {
        started = false;
    }
}

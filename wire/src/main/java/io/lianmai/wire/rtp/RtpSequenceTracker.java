package io.lianmai.wire.rtp;

/**
 * Follows one stream's 16-bit RTP sequence numbers (RFC 3550 §A.1) in arrival order and classifies each packet as the
 * expected next one, one after a gap (loss), or an old one (duplicate or late). Depacketizers expect packets in order,
 * so a reordered packet shows here as a gap followed by an old packet. The roll-over is {@link
 * SequenceNumberUnwrapper}'s: the highest number seen is kept unwrapped, and an old packet does not move it.
 */
public final class RtpSequenceTracker {
    /** The packet follows the previous one (or is the first). */
    public static final int IN_ORDER = 0;
    /** One or more packets before this one are missing (or the stream jumped). */
    public static final int GAP = 1;
    /** The packet is a duplicate or arrived after a newer one; it should be ignored. */
    public static final int OLD = 2;

    private final SequenceNumberUnwrapper highest = new SequenceNumberUnwrapper();
    private long lost;

    /** Classifies {@code sequenceNumber} (0..65535) and, unless it is {@link #OLD}, makes it the highest seen. */
    public int accept(int sequenceNumber) {
        long previous = highest.last();
        if (previous < 0) {
            highest.unwrap(sequenceNumber);
            return IN_ORDER;
        }
        long delta = highest.peek(sequenceNumber) - previous;
        if (delta <= 0) {
            return OLD;
        }
        highest.unwrap(sequenceNumber);
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
        highest.reset();
    }
}

package io.lianmai.media.bwe;

/**
 * What the SFU sent to one subscriber, by transport-wide sequence number: send time and size, in a ring of
 * {@link #CAPACITY} packets (21 KB; at 1,000 packets/s, about 10 Mbit/s, that is 1 s, several times what feedback
 * takes), so that the
 * subscriber's feedback can be matched to send times. Sequence numbers are 16-bit on the wire; the history numbers
 * them on 64 bits and resolves a feedback's 16-bit number to the nearest sent one.
 *
 * <p>On the media loop; allocates nothing after construction.
 */
final class SentPacketHistory {
    static final int CAPACITY = 1 << 10;
    private static final int MASK = CAPACITY - 1;

    private final long[] sequence = new long[CAPACITY];
    private final long[] sendMicros = new long[CAPACITY];
    private final int[] size = new int[CAPACITY];
    private final boolean[] acknowledged = new boolean[CAPACITY];
    /** The next sequence number to give, on 64 bits. */
    private long next;

    SentPacketHistory() {
        java.util.Arrays.fill(sequence, -1);
    }

    /** Numbers a packet of {@code bytes} sent at {@code nowMicros}; returns its 16-bit transport-wide number. */
    int onSent(int bytes, long nowMicros) {
        int slot = (int) (next & MASK);
        sequence[slot] = next;
        sendMicros[slot] = nowMicros;
        size[slot] = bytes;
        acknowledged[slot] = false;
        return (int) (next++ & 0xFFFF);
    }

    /** The 64-bit number of the sent packet whose 16-bit number is {@code seq16}, or -1 if no longer (or never) held. */
    long find(int seq16) {
        long last = next - 1;
        long candidate = last - ((last - seq16) & 0xFFFF);
        int slot = (int) (candidate & MASK);
        return candidate >= 0 && sequence[slot] == candidate ? candidate : -1;
    }

    long sendMicros(long seq) {
        return sendMicros[(int) (seq & MASK)];
    }

    int size(long seq) {
        return size[(int) (seq & MASK)];
    }

    /** Marks {@code seq} acknowledged; {@code false} if it already was (a feedback reporting it again). */
    boolean acknowledge(long seq) {
        int slot = (int) (seq & MASK);
        boolean first = !acknowledged[slot];
        acknowledged[slot] = true;
        return first;
    }

    /** Packets numbered so far. */
    long sent() {
        return next;
    }
}

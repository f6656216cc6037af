package io.lianmai.bench.load;

import java.util.SplittableRandom;

/**
 * One direction of one simulated client's media under an {@link Impairment}: decides per packet whether it is
 * dropped, passes at once or waits, and holds the waiting ones in preallocated slots until they are due. Packets
 * that only wait for jitter leave in order; reordered ones wait longer and leave when due, after later packets.
 *
 * <p>Confined to the client's event loop. Allocates nothing per packet: the slots are made once, on first use.
 */
final class ImpairedPath {
    /** The packet was dropped. */
    static final int DROP = 0;
    /** The packet goes on at once (unchanged in the caller's buffer). */
    static final int PASS = 1;
    /** The packet was copied and waits; {@link #poll} hands it back when due. */
    static final int QUEUED = 2;

    /** Slots for waiting packets: 20 ms of jitter at ~1,000 packets/s, with room to spare. */
    private static final int CAPACITY = 64;
    private static final int HELD_CAPACITY = 16;

    private final Impairment impairment;
    private final SplittableRandom random;
    private byte[][] slots;
    private int[] lengths;
    private long[] due;
    private int head;
    private int size;
    private byte[][] held;
    private int[] heldLengths;
    private long[] heldDue;
    private int heldSize;
    private long lastDue;

    private long dropped;
    private long reordered;
    private long overflowed;

    ImpairedPath(Impairment impairment, long seed) {
        this.impairment = impairment;
        this.random = new SplittableRandom(seed);
    }

    /** The fate of {@code buf[off, off + len)} at {@code now}: {@link #DROP}, {@link #PASS} or {@link #QUEUED}. */
    int admit(byte[] buf, int off, int len, long now) {
        if (impairment.loss() > 0 && random.nextDouble() < impairment.loss()) {
            dropped++;
            return DROP;
        }
        if (!impairment.delays()) {
            return PASS;
        }
        long jitter = impairment.jitterNanos() > 0 ? (long) (random.nextDouble() * impairment.jitterNanos()) : 0;
        if (impairment.reorder() > 0 && random.nextDouble() < impairment.reorder()) {
            if (heldSize == HELD_CAPACITY) {
                overflowed++;
                return DROP;
            }
            ensureSlots();
            System.arraycopy(buf, off, held[heldSize], 0, len);
            heldLengths[heldSize] = len;
            heldDue[heldSize] = now + jitter + Impairment.REORDER_HOLD_NANOS;
            heldSize++;
            reordered++;
            return QUEUED;
        }
        long when = Math.max(now + jitter, lastDue);
        if (when <= now && size == 0) {
            return PASS;
        }
        if (size == CAPACITY) {
            overflowed++;
            return DROP;
        }
        ensureSlots();
        int slot = (head + size) % CAPACITY;
        System.arraycopy(buf, off, slots[slot], 0, len);
        lengths[slot] = len;
        due[slot] = when;
        size++;
        lastDue = when;
        return QUEUED;
    }

    /**
     * Copies the next packet due at {@code now} into {@code out} and returns its length, or -1 when none is due.
     */
    int poll(long now, byte[] out) {
        for (int i = 0; i < heldSize; i++) {
            if (heldDue[i] <= now) {
                int len = heldLengths[i];
                System.arraycopy(held[i], 0, out, 0, len);
                // Swap the last held slot in (the array objects are kept, not lost).
                heldSize--;
                byte[] freed = held[i];
                held[i] = held[heldSize];
                held[heldSize] = freed;
                heldLengths[i] = heldLengths[heldSize];
                heldDue[i] = heldDue[heldSize];
                return len;
            }
        }
        if (size > 0 && due[head] <= now) {
            int len = lengths[head];
            System.arraycopy(slots[head], 0, out, 0, len);
            head = (head + 1) % CAPACITY;
            size--;
            return len;
        }
        return -1;
    }

    private void ensureSlots() {
        if (slots == null) {
            slots = new byte[CAPACITY][SyntheticStream.BUFFER_LENGTH];
            lengths = new int[CAPACITY];
            due = new long[CAPACITY];
            held = new byte[HELD_CAPACITY][SyntheticStream.BUFFER_LENGTH];
            heldLengths = new int[HELD_CAPACITY];
            heldDue = new long[HELD_CAPACITY];
        }
    }

    /** Packets dropped by the loss setting. */
    long dropped() {
        return dropped;
    }

    /** Packets held back to be overtaken. */
    long reordered() {
        return reordered;
    }

    /** Packets dropped because every slot was taken (the jitter was too large for the packet rate). */
    long overflowed() {
        return overflowed;
    }
}

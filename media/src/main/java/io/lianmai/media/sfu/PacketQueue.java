package io.lianmai.media.sfu;

/**
 * A bounded single-producer/single-consumer queue of packets in preallocated slots: one thread copies packets in
 * (a bridge feeding the media loop, or the media loop feeding a bridge), the other reads them in place. Allocates nothing per packet; a full queue drops the new packet.
 */
public final class PacketQueue {
    private final byte[][] slots;
    private final int[] lengths;
    private final int mask;
    /** Next slot the producer writes; written only by the producer. */
    private volatile long head;
    /** Next slot the consumer reads; written only by the consumer. */
    private volatile long tail;

    /** @param capacity a power of two */
    public PacketQueue(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        slots = new byte[capacity][];
        lengths = new int[capacity];
        mask = capacity - 1;
    }

    /** Producer: copies a packet in; false when the queue is full or the packet is larger than a slot allows. */
    public boolean offer(byte[] buf, int off, int len) {
        if (len <= 0 || len > Buffers.MAX_PACKET) {
            return false;
        }
        long h = head;
        if (h - tail >= slots.length) {
            return false;
        }
        int index = (int) (h & mask);
        byte[] slot = slots[index];
        if (slot == null) {
            slot = Buffers.packetArray();
            slots[index] = slot;
        }
        System.arraycopy(buf, off, slot, 0, len);
        lengths[index] = len;
        head = h + 1;
        return true;
    }

    /** Consumer: whether a packet is waiting. */
    public boolean isEmpty() {
        return tail == head;
    }

    /** Consumer: the oldest packet's slot (valid until {@link #pop}); call only when not empty. */
    public byte[] peekBuffer() {
        return slots[(int) (tail & mask)];
    }

    /** Consumer: the oldest packet's length. */
    public int peekLength() {
        return lengths[(int) (tail & mask)];
    }

    /** Consumer: releases the oldest packet's slot. */
    public void pop() {
        tail = tail + 1;
    }
}

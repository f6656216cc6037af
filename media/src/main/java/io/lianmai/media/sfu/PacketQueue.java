package io.lianmai.media.sfu;

/**
 * A bounded single-producer/single-consumer queue of packets in preallocated slots: one thread copies packets in
 * (a bridge feeding the media loop, the media loop feeding a bridge or an egress thread), the other reads them in
 * place. Each packet may carry a tag (where it goes, where it came from). Allocates nothing per packet (a slot's
 * array is made the first time the slot is used); a full queue drops the new packet.
 */
public final class PacketQueue {
    private final byte[][] slots;
    private final int[] lengths;
    private final Object[] tags;
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
        tags = new Object[capacity];
        mask = capacity - 1;
    }

    /** Producer: copies a packet in; false when the queue is full or the packet is larger than a slot allows. */
    public boolean offer(byte[] buf, int off, int len) {
        return offer(buf, off, len, null);
    }

    /** Producer: copies a packet in with its tag; false when the queue is full or the packet too large. */
    public boolean offer(byte[] buf, int off, int len, Object tag) {
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
        tags[index] = tag;
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

    /** Consumer: the oldest packet's tag (null when offered without one). */
    public Object peekTag() {
        return tags[(int) (tail & mask)];
    }

    /** Consumer: releases the oldest packet's slot. */
    public void pop() {
        long t = tail;
        tags[(int) (t & mask)] = null;
        tail = t + 1;
    }
}

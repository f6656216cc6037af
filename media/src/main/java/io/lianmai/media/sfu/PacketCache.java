package io.lianmai.media.sfu;

/**
 * The last packets of one incoming RTP stream, kept (decrypted) so that a subscriber's NACK can be answered without
 * asking the publisher again.
 *
 * <p>A ring of preallocated slots indexed by sequence number: storing copies the packet into its slot, looking up
 * checks the slot still holds that sequence number and is young enough. Sized in packets (a power of two); a slot's
 * array is allocated once, when first used.
 *
 * <p>Not thread-safe: owned by the thread of the publisher's session. No allocation after warm-up.
 */
public final class PacketCache {
    /** Largest packet kept; larger ones (never seen from WebRTC senders, which stay under the path MTU) are skipped. */
    public static final int MAX_PACKET_SIZE = 1500;

    private final byte[][] slots;
    private final int[] lengths;
    private final int[] sequenceNumbers;
    private final long[] storedAtMillis;
    private final int mask;
    private final long maxAgeMillis;

    /**
     * @param capacity packets kept, a power of two (512 holds about 1.5 s of 2.5 Mbit/s video)
     * @param maxAgeMillis packets older than this are not resent: the subscriber has given up on them by then
     */
    public PacketCache(int capacity, long maxAgeMillis) {
        if (capacity < 1 || Integer.bitCount(capacity) != 1 || capacity > 65536) {
            throw new IllegalArgumentException("capacity must be a power of two up to 65536, got " + capacity);
        }
        this.slots = new byte[capacity][];
        this.lengths = new int[capacity];
        this.sequenceNumbers = new int[capacity];
        this.storedAtMillis = new long[capacity];
        this.mask = capacity - 1;
        this.maxAgeMillis = maxAgeMillis;
        java.util.Arrays.fill(sequenceNumbers, -1);
    }

    /** Copies a packet in (only reads {@code buf}); returns false when it is too large to keep. */
    public boolean store(int seq, byte[] buf, int off, int len, long nowMillis) {
        if (len > MAX_PACKET_SIZE || len <= 0) {
            return false;
        }
        int index = seq & mask;
        byte[] slot = slots[index];
        if (slot == null) {
            slot = new byte[MAX_PACKET_SIZE];
            slots[index] = slot;
        }
        System.arraycopy(buf, off, slot, 0, len);
        lengths[index] = len;
        sequenceNumbers[index] = seq;
        storedAtMillis[index] = nowMillis;
        return true;
    }

    /**
     * Copies the packet with sequence number {@code seq} into {@code out} at {@code outOff}.
     *
     * @return its length, or -1 when it is not (or no longer) cached
     */
    public int copyTo(int seq, byte[] out, int outOff, long nowMillis) {
        int index = seq & mask;
        if (sequenceNumbers[index] != seq || nowMillis - storedAtMillis[index] > maxAgeMillis) {
            return -1;
        }
        int len = lengths[index];
        if (outOff + len > out.length) {
            return -1;
        }
        System.arraycopy(slots[index], 0, out, outOff, len);
        return len;
    }

    /** The length of the packet with sequence number {@code seq}, or -1 when it is not (or no longer) cached. */
    public int lengthOf(int seq, long nowMillis) {
        int index = seq & mask;
        if (sequenceNumbers[index] != seq || nowMillis - storedAtMillis[index] > maxAgeMillis) {
            return -1;
        }
        return lengths[index];
    }

    /**
     * Copies the packet with sequence number {@code seq} into {@code out} whatever its age: for starting a new
     * subscriber from a keyframe the publisher sent seconds ago ({@link DownTrack}).
     *
     * @return its length, or -1 when it is not (or no longer) cached
     */
    public int copyAnyAge(int seq, byte[] out, int outOff) {
        int index = seq & mask;
        int len = lengths[index];
        if (sequenceNumbers[index] != seq || outOff + len > out.length) {
            return -1;
        }
        System.arraycopy(slots[index], 0, out, outOff, len);
        return len;
    }

    /** The length of the cached packet {@code seq} whatever its age, or -1 when it is not cached. */
    public int lengthAnyAge(int seq) {
        int index = seq & mask;
        return sequenceNumbers[index] == seq ? lengths[index] : -1;
    }

    /** Whether the packet with sequence number {@code seq} is cached, whatever its age. */
    public boolean contains(int seq) {
        return sequenceNumbers[seq & mask] == seq;
    }

    /** The RTP timestamp of the cached packet {@code seq} (RFC 3550 §5.1, bytes 4–7), or -1 when not cached. */
    public long timestampOf(int seq) {
        int index = seq & mask;
        if (sequenceNumbers[index] != seq || lengths[index] < 12) {
            return -1;
        }
        byte[] slot = slots[index];
        return ((slot[4] & 0xFFL) << 24) | ((slot[5] & 0xFFL) << 16) | ((slot[6] & 0xFFL) << 8) | (slot[7] & 0xFFL);
    }

    /** Packets the cache can hold. */
    public int capacity() {
        return slots.length;
    }

    /**
     * The heap the cache holds now: its slot arrays (allocated as first used, {@link #MAX_PACKET_SIZE} bytes each)
     * and its index arrays. At most {@link #bytesWhenFull(int)}.
     */
    public long retainedBytes() {
        long bytes = indexBytes(slots.length);
        for (byte[] slot : slots) {
            if (slot != null) {
                bytes += arrayBytes(slot.length);
            }
        }
        return bytes;
    }

    /** The heap a cache of {@code capacity} packets holds once every slot has been used (64-bit JVM, arrays). */
    public static long bytesWhenFull(int capacity) {
        return indexBytes(capacity) + capacity * arrayBytes(MAX_PACKET_SIZE);
    }

    private static long indexBytes(int capacity) {
        // slots (references), lengths and sequence numbers (ints), storage times (longs)
        return arrayBytes(capacity * 8L) + 2 * arrayBytes(capacity * 4L) + arrayBytes(capacity * 8L);
    }

    /** An array of {@code payload} bytes with its 16-byte header, rounded up to 8 bytes. */
    private static long arrayBytes(long payload) {
        return (16 + payload + 7) & ~7L;
    }
}

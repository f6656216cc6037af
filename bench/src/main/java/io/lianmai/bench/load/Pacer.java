package io.lianmai.bench.load;

/**
 * The video pacer of one simulated publisher, shaped like libwebrtc's {@code PacingController} (one per
 * PeerConnection, shared by all its video layers): a leaky bucket that lets packets leave at {@link Pacing#factor}
 * × the video bitrate and lets through at most {@link Pacing#burstInterval} worth of that rate ahead of time. A
 * packet may leave while the bucket has room (debt ≤ depth); it leaves whole and its bytes are then added to the
 * debt, which drains at the pacing rate and never below zero — so however late a tick runs, the bucket never holds
 * more than one burst interval of budget. Retransmissions wait in a queue of their own that is always drained first
 * (libwebrtc gives them a higher priority than video). Audio and RTCP do not pass through here.
 *
 * <p>Packets that cannot leave at once are copied into preallocated slots, in order. When a queue is full, its oldest
 * packet leaves at once, over the budget (counted in {@link #overflows()}): nothing is dropped and nothing is
 * allocated. A factor of 0 makes the pacer a pass-through: every packet leaves when it is offered, as whole-frame
 * bursts.
 *
 * <p>Time is the caller's {@code now} in nanoseconds (the loop's tick time), so a test drives it directly. Confined
 * to its publisher's event loop; allocates and logs nothing per packet.
 */
final class Pacer {
    /** Where released packets go; called on the loop, from {@link #offer} or {@link #process}. */
    interface Sink {
        /**
         * Packet {@code buf[0, len)} leaves now. The sink may edit the array in place (stamp, protect; the array has
         * {@link SyntheticStream#BUFFER_LENGTH} bytes) but must not keep it after returning.
         *
         * @param tag what the packet was offered with
         * @param retransmission whether it came through {@link #offerRetransmission}
         */
        void onPacketReleased(byte[] buf, int len, int tag, boolean retransmission, long now);
    }

    private final Sink sink;
    private final boolean passThrough;
    /** The pacing rate, bytes per nanosecond. */
    private final double bytesPerNano;
    /** The bucket's depth: a burst interval at the pacing rate, bytes. */
    private final double depthBytes;
    private final Queue media;
    private final Queue retransmissions;

    private double debtBytes;
    private long lastNanos;
    private boolean started;

    private long held;
    private long overflows;
    private long maxWaitNanos;

    /**
     * @param videoBitrate the publisher's video bits per second over all layers
     * @param mediaSlots how many video packets may wait (a power of two)
     * @param retransmissionSlots how many retransmissions may wait (a power of two)
     */
    Pacer(Pacing pacing, long videoBitrate, int mediaSlots, int retransmissionSlots, Sink sink) {
        this.sink = sink;
        this.passThrough = !pacing.enabled() || videoBitrate <= 0;
        this.bytesPerNano = passThrough ? 0 : pacing.factor() * videoBitrate / 8 / 1e9;
        this.depthBytes = bytesPerNano * pacing.burstInterval().toNanos();
        this.media = new Queue(passThrough ? 0 : mediaSlots);
        this.retransmissions = new Queue(passThrough ? 0 : retransmissionSlots);
    }

    /**
     * Offers video packet {@code buf[0, len)}: it leaves now if nothing waits (after what the budget lets out) and the
     * bucket has room; else it waits behind the packets offered before it.
     */
    void offer(byte[] buf, int len, int tag, long now) {
        if (passThrough) {
            sink.onPacketReleased(buf, len, tag, false, now);
            return;
        }
        process(now);
        if (media.isEmpty() && retransmissions.isEmpty() && debtBytes <= depthBytes) {
            send(buf, len, tag, false, now);
            return;
        }
        enqueue(media, buf, len, tag, false, now);
    }

    /**
     * Offers retransmission {@code buf[0, len)}: it leaves now if no other retransmission waits and the bucket has
     * room, ahead of any waiting video; else it waits ahead of the video.
     */
    void offerRetransmission(byte[] buf, int len, int tag, long now) {
        if (passThrough) {
            sink.onPacketReleased(buf, len, tag, true, now);
            return;
        }
        drain(now);
        if (retransmissions.isEmpty() && debtBytes <= depthBytes) {
            send(buf, len, tag, true, now);
        } else {
            enqueue(retransmissions, buf, len, tag, true, now);
        }
        process(now);
    }

    /** Releases what the budget allows, retransmissions first; on every tick. */
    void process(long now) {
        if (passThrough) {
            return;
        }
        drain(now);
        while (debtBytes <= depthBytes) {
            if (!retransmissions.isEmpty()) {
                release(retransmissions, true, now);
            } else if (!media.isEmpty()) {
                release(media, false, now);
            } else {
                return;
            }
        }
    }

    /** Pays the debt down for the time since the last call; the floor at 0 caps the budget at the bucket's depth. */
    private void drain(long now) {
        if (!started) {
            started = true;
            lastNanos = now;
            return;
        }
        long elapsed = now - lastNanos;
        if (elapsed > 0) {
            debtBytes = Math.max(0, debtBytes - elapsed * bytesPerNano);
            lastNanos = now;
        }
    }

    private void enqueue(Queue queue, byte[] buf, int len, int tag, boolean retransmission, long now) {
        if (queue.isFull()) {
            overflows++;
            release(queue, retransmission, now);
        }
        queue.add(buf, len, tag, now);
        held++;
    }

    private void release(Queue queue, boolean retransmission, long now) {
        int slot = queue.head();
        maxWaitNanos = Math.max(maxWaitNanos, now - queue.since[slot]);
        // The sink runs before the slot is freed: it edits the slot's array in place.
        send(queue.slots[slot], queue.lengths[slot], queue.tags[slot], retransmission, now);
        queue.removeHead();
    }

    private void send(byte[] buf, int len, int tag, boolean retransmission, long now) {
        debtBytes += len;
        sink.onPacketReleased(buf, len, tag, retransmission, now);
    }

    /** Packets waiting now, retransmissions included. */
    int queued() {
        return media.size + retransmissions.size;
    }

    /** Packets that could not leave when offered and waited in a queue. */
    long held() {
        return held;
    }

    /** Packets that left over the budget because their queue was full. */
    long overflows() {
        return overflows;
    }

    /** The longest a released packet waited, in nanoseconds. */
    long maxWaitNanos() {
        return maxWaitNanos;
    }

    /** Starts {@link #maxWaitNanos} over (a measurement window). */
    void resetMaxWait() {
        maxWaitNanos = 0;
    }

    /** The budget left in the bucket now, in bytes (negative: the debt beyond the burst interval). */
    double budgetBytes(long now) {
        if (!passThrough) {
            drain(now);
        }
        return depthBytes - debtBytes;
    }

    /** A ring of preallocated packet slots, oldest first. */
    private static final class Queue {
        final byte[][] slots;
        final int[] lengths;
        final int[] tags;
        final long[] since;
        private final int mask;
        private int head;
        private int size;

        Queue(int capacity) {
            if (capacity != 0 && Integer.bitCount(capacity) != 1) {
                throw new IllegalArgumentException("a pacer queue needs a power-of-two size, got " + capacity);
            }
            slots = new byte[capacity][SyntheticStream.BUFFER_LENGTH];
            lengths = new int[capacity];
            tags = new int[capacity];
            since = new long[capacity];
            mask = capacity - 1;
        }

        boolean isEmpty() {
            return size == 0;
        }

        boolean isFull() {
            return size == slots.length;
        }

        int head() {
            return head;
        }

        void add(byte[] buf, int len, int tag, long now) {
            int slot = (head + size) & mask;
            System.arraycopy(buf, 0, slots[slot], 0, len);
            lengths[slot] = len;
            tags[slot] = tag;
            since[slot] = now;
            size++;
        }

        void removeHead() {
            head = (head + 1) & mask;
            size--;
        }
    }
}

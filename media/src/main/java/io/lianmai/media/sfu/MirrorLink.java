package io.lianmai.media.sfu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A published stream's copy for the players of another media loop: the publishing loop offers each packet its
 * {@link Publication} receives (plaintext RTP and RTCP, as they arrived) into a bounded single-producer,
 * single-consumer queue; the other loop drains it into a mirror publication built from the same negotiation, whose
 * players it forwards to as if the publisher were its own. What flows back is small and lock-free: keyframe requests
 * (a bit per layer, taken on the publishing loop's tick) and, per track, which simulcast layers the mirror's players
 * want (so the publisher is not told to pause a layer only they watch).
 *
 * <p>One copy per packet per other loop, whatever its number of players there: the point of sharding a big fan-out.
 */
public final class MirrorLink {
    private final PacketQueue queue;
    private final Runnable wake;
    private final AtomicInteger keyframeRequests = new AtomicInteger();
    private final AtomicIntegerArray wantedLayers;
    private final AtomicInteger scheduled = new AtomicInteger();
    private volatile boolean closed;
    private long dropped;

    /**
     * @param capacity packets the queue holds (a power of two); a full queue drops the new packet
     * @param tracks the publication's track count
     * @param wake schedules {@link #drainScheduled the drain} on the mirror's loop (must not allocate per call)
     */
    public MirrorLink(int capacity, int tracks, Runnable wake) {
        this.queue = new PacketQueue(capacity);
        this.wake = wake;
        this.wantedLayers = new AtomicIntegerArray(tracks);
        for (int t = 0; t < tracks; t++) {
            wantedLayers.set(t, -1); // until the mirror has decided: every layer
        }
    }

    // ---- publishing loop ----

    /** Copies one packet (RTP or an RTCP compound) in and wakes the mirror's loop unless it is awake already. */
    public void offer(byte[] buf, int off, int len) {
        if (closed) {
            return;
        }
        if (!queue.offer(buf, off, len)) {
            dropped++;
            return;
        }
        // A plain read first: while the mirror's loop is awake (most packets of a burst) no CAS is needed.
        if (scheduled.get() == 0 && scheduled.compareAndSet(0, 1)) {
            wake.run();
        }
    }

    /** Packets the queue had no room for (the mirror's loop is far behind). On the publishing loop. */
    public long dropped() {
        return dropped;
    }

    /** The layers of track {@code track} the mirror's players want, a bit per layer (-1: all). */
    int wantedLayers(int track) {
        return track < wantedLayers.length() ? wantedLayers.get(track) : -1;
    }

    /** Keyframe requests since the last call, a bit per layer index (all tracks together), and clears them. */
    int takeKeyframeRequests() {
        return keyframeRequests.getAndSet(0);
    }

    // ---- mirror loop ----

    /** The queue the mirror drains (consumer side only). */
    public PacketQueue queue() {
        return queue;
    }

    /** Call first in the drain: a packet offered from now on wakes the loop again. */
    public void drainScheduled() {
        scheduled.set(0);
    }

    /**
     * Call when a drain stops with packets still queued (it does a bounded batch, so that a loop that cannot keep up
     * still reads its socket, runs its timers and flushes): wakes the loop again unless an offer already did.
     */
    public void drainAgain() {
        if (!queue.isEmpty() && scheduled.compareAndSet(0, 1)) {
            wake.run();
        }
    }

    /** The mirror's players want a keyframe on layer {@code layerIndex} of some video track. */
    public void requestKeyframe(int layerIndex) {
        if (layerIndex >= 0 && layerIndex < 31) {
            int bit = 1 << layerIndex;
            int bits;
            do {
                bits = keyframeRequests.get();
            } while ((bits & bit) == 0 && !keyframeRequests.compareAndSet(bits, bits | bit));
        }
    }

    /** What the mirror's players of track {@code track} want now, a bit per layer. */
    public void setWantedLayers(int track, int layers) {
        if (track < wantedLayers.length()) {
            wantedLayers.set(track, layers);
        }
    }

    // ---- either ----

    /** The mirror has ended (or its publication has): nothing more is offered. */
    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }
}

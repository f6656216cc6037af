package io.lianmai.live.flv;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Merges the writes of the live players on one event loop, as SRS's {@code mw_latency} does: a player whose queue
 * goes from empty to non-empty asks for a flush; the first such request in a window schedules one wake-up of the
 * loop, one window later, that writes every waiting player's queued tags with one write and one flush each. So a tag
 * waits at most one window, and a player costs one system call per window instead of one per tag, and the loop
 * one task per window instead of one per tag per player.
 *
 * <p>{@link #request} is called from any thread (the publisher's); players are flushed on the loop.
 */
public final class WriteMerger {
    private final EventExecutor loop;
    private final long windowNanos;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Players with tags queued since their last flush, each at most once (its own flag guards that). */
    private final Queue<MergingPlayer> waiting = PlatformDependent.newMpscQueue();
    private final Runnable flush = this::flush;
    private volatile long wakeups;

    /**
     * @param windowNanos how long the first queued tag waits for others to join it; 0 flushes on the loop's next
     *                    turn (merging only what arrives together)
     */
    public WriteMerger(EventExecutor loop, long windowNanos) {
        if (windowNanos < 0) {
            throw new IllegalArgumentException("merge window must be >= 0 ns, got " + windowNanos);
        }
        this.loop = loop;
        this.windowNanos = windowNanos;
    }

    /** The loop whose players this merger flushes. */
    public EventExecutor loop() {
        return loop;
    }

    /** How many times the loop woke up to flush (for tests and metrics). */
    public long wakeups() {
        return wakeups;
    }

    /** {@code player} has tags queued and none waiting for a flush before; any thread. */
    void request(MergingPlayer player) {
        waiting.offer(player);
        if (scheduled.compareAndSet(false, true)) {
            if (windowNanos == 0) {
                loop.execute(flush);
            } else {
                loop.schedule(flush, windowNanos, TimeUnit.NANOSECONDS);
            }
        }
    }

    /** On the loop. A request that races this flush either is drained here or schedules the next wake-up. */
    private void flush() {
        scheduled.set(false);
        wakeups++;
        for (MergingPlayer player; (player = waiting.poll()) != null; ) {
            player.flushQueued();
        }
    }
}

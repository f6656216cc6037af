package io.lianmai.live.flv;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A player whose tags are queued as the hub offers them and written in batches by its loop's {@link WriteMerger}:
 * one write and one flush per merge window instead of one per tag (HTTP-FLV and RTMP play).
 *
 * <p>Ownership: {@link #offer} takes the tag; a queued tag is handed to {@link #write} (which consumes it) or released
 * when the player closes. The backlog is what was offered and not yet written to the socket (queued here, or handed
 * to the connection and not yet written); a player more than {@code maxBacklogBytes} behind is dropped, as before.
 *
 * <p>Threads: {@link #offer} on the publisher's thread (under the hub stream's lock, so one at a time); the flush,
 * {@link #write} and {@link #closeQueue} on the player's loop. The queue has its own small lock, never shared with
 * another player.
 */
public abstract class MergingPlayer implements FlvPlayer {
    private final WriteMerger merger;
    private final long maxBacklogBytes;
    private final AtomicLong backlog = new AtomicLong();
    /** Guarded by {@code this}: tags offered and not yet taken by a flush. */
    private ArrayDeque<ByteBuf> queued = new ArrayDeque<>();
    /** Loop only: the batch being written; swapped with {@link #queued} so neither is reallocated. */
    private ArrayDeque<ByteBuf> batch = new ArrayDeque<>();
    /** Guarded by {@code this}: a flush was requested and has not taken the queue yet. */
    private boolean flushRequested;
    /** Guarded by {@code this}: no more tags are queued (closed, dropped or ended). */
    private boolean closed;
    private volatile boolean dropped;

    protected MergingPlayer(WriteMerger merger, long maxBacklogBytes) {
        this.merger = merger;
        this.maxBacklogBytes = maxBacklogBytes;
    }

    @Override
    public final boolean offer(ByteBuf bytes) {
        if (!isOpen()) {
            bytes.release();
            return false;
        }
        if (backlog.get() > maxBacklogBytes) {
            dropped = true;
            bytes.release();
            return false;
        }
        boolean request;
        synchronized (this) {
            if (closed) {
                bytes.release();
                return false;
            }
            queued.add(bytes);
            request = !flushRequested;
            flushRequested = true;
        }
        backlog.addAndGet(bytes.readableBytes());
        if (request) {
            merger.request(this);
        }
        return true;
    }

    /** On the loop: writes everything queued now in one batch; nothing when the queue is empty or closed. */
    protected final void flushQueued() {
        ArrayDeque<ByteBuf> taken;
        synchronized (this) {
            flushRequested = false;
            if (closed || queued.isEmpty()) {
                return;
            }
            taken = queued;
            queued = batch;
        }
        batch = taken;
        long bytes = 0;
        for (ByteBuf tag : taken) {
            bytes += tag.readableBytes();
        }
        write(taken, bytes);
        if (!taken.isEmpty()) {
            release(taken); // a write that threw part-way must not leak the rest
        }
    }

    /**
     * On the loop: writes and consumes every tag of {@code tags} (FLV bytes, in order), leaving it empty, with one
     * flush; calls {@link #written} with {@code bytes} when the write completes, successfully or not.
     */
    protected abstract void write(ArrayDeque<ByteBuf> tags, long bytes);

    /** Whether the connection can still take tags; any thread. */
    protected abstract boolean isOpen();

    /** {@code bytes} handed to {@link #write} have left the process (or failed): they no longer count as backlog. */
    protected final void written(long bytes) {
        backlog.addAndGet(-bytes);
    }

    /** Takes no more tags and releases those still queued; any thread, idempotent. */
    protected final void closeQueue() {
        ArrayDeque<ByteBuf> left;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            left = queued;
            queued = new ArrayDeque<>(0);
        }
        long bytes = 0;
        for (ByteBuf tag : left) {
            bytes += tag.readableBytes();
        }
        release(left);
        written(bytes);
    }

    private static void release(ArrayDeque<ByteBuf> tags) {
        for (ByteBuf tag; (tag = tags.poll()) != null; ) {
            tag.release();
        }
    }

    /** The loop this player is written on. */
    protected final io.netty.util.concurrent.EventExecutor loop() {
        return merger.loop();
    }

    /** Bytes offered and not yet written to the socket. */
    public final long backlogBytes() {
        return backlog.get();
    }

    /** Whether the player was dropped for falling more than its backlog limit behind. */
    public final boolean dropped() {
        return dropped;
    }
}

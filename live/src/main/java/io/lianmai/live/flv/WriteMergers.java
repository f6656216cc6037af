package io.lianmai.live.flv;

import io.netty.util.concurrent.EventExecutor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The {@link WriteMerger} of each event loop that serves live players, all with one merge window. */
public final class WriteMergers {
    private final long windowNanos;
    private final Map<EventExecutor, WriteMerger> byLoop = new ConcurrentHashMap<>();

    /** @param windowNanos see {@link WriteMerger#WriteMerger} */
    public WriteMergers(long windowNanos) {
        if (windowNanos < 0) {
            throw new IllegalArgumentException("merge window must be >= 0 ns, got " + windowNanos);
        }
        this.windowNanos = windowNanos;
    }

    /** The merger of {@code loop}, created at its first player; any thread (called once per player, not per tag). */
    public WriteMerger forLoop(EventExecutor loop) {
        return byLoop.computeIfAbsent(loop, l -> new WriteMerger(l, windowNanos));
    }
}

package io.lianmai.bench.live;

/**
 * The one clock the pusher stamps frames with and every in-process viewer reads: wall-clock milliseconds at start,
 * then advanced by {@link System#nanoTime()}, so it never jumps (NTP) yet stays close to the wall clock a viewer in
 * another process (a browser) compares it with.
 */
public final class StampClock {
    private final long startMillis;
    private final long startNanos;

    /** A clock anchored now. */
    public static StampClock start() {
        return new StampClock(System.currentTimeMillis(), System.nanoTime());
    }

    private StampClock(long startMillis, long startNanos) {
        this.startMillis = startMillis;
        this.startNanos = startNanos;
    }

    /** Now, whole milliseconds: what a frame is stamped with. */
    public long millis() {
        return startMillis + (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Now, in milliseconds with a fraction: what a viewer subtracts a stamp from. */
    public double exactMillis() {
        return startMillis + (System.nanoTime() - startNanos) / 1e6;
    }
}

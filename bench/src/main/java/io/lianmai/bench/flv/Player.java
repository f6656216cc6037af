package io.lianmai.bench.flv;

/**
 * One simulated player's counters, written by its connection's event loop and read by the report: bytes received,
 * when the first and the latest arrived, and whether it ever went more than {@link PlayerLoad#STARVED_NANOS} without
 * data once started.
 */
final class Player {
    final int index;
    volatile long connectedNanos;
    volatile long firstByteNanos;
    volatile long lastByteNanos;
    volatile long bytes;
    volatile long longestGapNanos;
    volatile boolean starved;
    volatile boolean closed;
    /** Why it failed to start or stopped (a refused request, a closed connection), or null. */
    volatile String problem;

    Player(int index) {
        this.index = index;
    }

    /** On the event loop: {@code n} bytes arrived at {@code now}. */
    void received(int n, long now) {
        if (firstByteNanos == 0) {
            firstByteNanos = now;
        } else {
            noteGap(now);
        }
        lastByteNanos = now;
        bytes += n;
    }

    /** On the event loop (also from the periodic check): the silence since the last byte, if longest so far. */
    void noteGap(long now) {
        long since = firstByteNanos == 0 ? 0 : now - lastByteNanos;
        if (since > longestGapNanos) {
            longestGapNanos = since;
        }
        if (since > PlayerLoad.STARVED_NANOS) {
            starved = true;
        }
    }

    /** Whether data has arrived. */
    boolean started() {
        return firstByteNanos != 0;
    }
}

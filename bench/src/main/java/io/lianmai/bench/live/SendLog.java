package io.lianmai.bench.live;

import java.util.Arrays;

/**
 * When the anchor handed each recent picture to its RTMP connection, by stamp: lets a viewer split its figure into
 * the pusher's part (capture to encoded) and everything after (RTMP, the node, the output protocol, the player).
 * Keeps the last {@value #CAPACITY} pictures; thread-safe.
 */
final class SendLog {
    private static final int CAPACITY = 512;

    private final long[] stamps = new long[CAPACITY];
    private final double[] sentAt = new double[CAPACITY];
    private int next;

    SendLog() {
        Arrays.fill(stamps, TimestampBarcode.INVALID);
    }

    /** The picture stamped {@code stamp} was sent at {@code at} (clock ms). */
    synchronized void onSent(long stamp, double at) {
        stamps[next] = stamp;
        sentAt[next] = at;
        next = (next + 1) % CAPACITY;
    }

    /** When the picture stamped {@code stamp} was sent (clock ms), or NaN when it is not among the recent ones. */
    synchronized double sentAt(long stamp) {
        for (int i = 1; i <= CAPACITY; i++) {
            int index = (next - i + CAPACITY) % CAPACITY;
            if (stamps[index] == stamp) {
                return sentAt[index];
            }
        }
        return Double.NaN;
    }
}

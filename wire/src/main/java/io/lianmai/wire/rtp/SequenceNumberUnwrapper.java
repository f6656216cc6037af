package io.lianmai.wire.rtp;

/**
 * Extends 16-bit RTP sequence numbers to a 64-bit count that does not wrap, so that ordering and distance survive the
 * 65535 → 0 roll-over. Each value is placed at the signed 16-bit distance from the previous one, so reordering of up
 * to 32767 packets in either direction is unwrapped correctly.
 *
 * <p>The first value unwraps to itself; a packet older than the first can unwrap to a negative number. One instance
 * per stream; not thread-safe.
 */
public final class SequenceNumberUnwrapper {
    private long last;
    private boolean started;

    /** Unwraps {@code sequenceNumber} (low 16 bits used) and remembers it as the reference for the next call. */
    public long unwrap(int sequenceNumber) {
        last = peek(sequenceNumber);
        started = true;
        return last;
    }

    /** What {@link #unwrap} would return, without changing the reference. */
    public long peek(int sequenceNumber) {
        int value = sequenceNumber & 0xFFFF;
        if (!started) {
            return value;
        }
        int delta = (short) (value - (int) (last & 0xFFFF));
        return last + delta;
    }

    /** The last unwrapped value, or -1 before the first call. */
    public long last() {
        return started ? last : -1;
    }

    /** Forgets all state, as when a stream restarts. */
    public void reset() {
        started = false;
        last = 0;
    }
}

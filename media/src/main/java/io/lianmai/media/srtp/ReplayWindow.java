package io.lianmai.media.srtp;

/**
 * The sliding replay window of RFC 3711 §3.3.2 over a packet index (48-bit SRTP index or 31-bit SRTCP index),
 * as a ring of 64-bit words so that sliding forward clears whole words (the scheme of RFC 6479).
 *
 * <p>An index newer than the highest seen is accepted; one more than {@code size - 1} behind it is too old; one
 * in between is accepted once. {@link #check} only reads; the caller {@link #accept}s an index after the
 * packet authenticated, so forged packets cannot move the window.
 */
final class ReplayWindow {
    static final int OK = 0;
    static final int REPLAYED = 1;
    static final int TOO_OLD = 2;

    private final long size;
    private final long[] words;
    private long highest = -1;

    /** A window remembering the last {@code size} indices; {@code size} a positive multiple of 64. */
    ReplayWindow(int size) {
        if (size < 64 || size % 64 != 0) {
            throw new IllegalArgumentException("replay window must be a positive multiple of 64, got " + size);
        }
        this.size = size;
        // One spare word: the word holding `highest` is only partly inside the window.
        this.words = new long[size / 64 + 1];
    }

    /** {@link #OK}, {@link #REPLAYED} or {@link #TOO_OLD} for {@code index} (≥ 0). */
    int check(long index) {
        if (index > highest) {
            return OK;
        }
        if (highest - index >= size) {
            return TOO_OLD;
        }
        long word = words[slot(index)];
        return (word & (1L << (index & 63))) != 0 ? REPLAYED : OK;
    }

    /** Records {@code index}, which {@link #check} returned {@link #OK} for. */
    void accept(long index) {
        if (index > highest) {
            long fromWord = highest < 0 ? (index >>> 6) : (highest >>> 6) + 1;
            long toWord = index >>> 6;
            // Words that slid into the window are cleared; at most all of them, whatever the jump.
            long clear = Math.min(toWord - fromWord + 1, words.length);
            for (long i = 0; i < clear; i++) {
                words[slot((toWord - i) << 6)] = 0;
            }
            highest = index;
        }
        words[slot(index)] |= 1L << (index & 63);
    }

    private int slot(long index) {
        return (int) ((index >>> 6) % words.length);
    }
}

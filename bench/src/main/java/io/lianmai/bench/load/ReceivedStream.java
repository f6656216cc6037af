package io.lianmai.bench.load;

import io.lianmai.wire.rtp.SequenceNumberUnwrapper;

/**
 * What one subscriber knows about one RTP stream it receives (one SSRC): which sequence numbers arrived, loss by
 * RFC 3550's count (expected minus received), duplicates, packets that filled a gap late, and the NACKs it owes
 * the sender for gaps — sent at once, repeated every {@link #NACK_RETRY_NANOS} up to {@link #NACK_TRIES} times,
 * as libwebrtc's NACK module does.
 *
 * <p>Confined to the subscriber's event loop; allocates nothing per packet.
 */
final class ReceivedStream {
    /** Arrival classes returned by {@link #onPacket}. */
    static final int FRESH = 0;
    static final int RECOVERED = 1;
    static final int REORDERED = 2;
    static final int DUPLICATE = 3;
    static final int TOO_OLD = 4;

    /** Sequence numbers remembered for duplicate and gap detection. */
    private static final int WINDOW = 2048;
    private static final int MAX_PENDING = 256;
    static final long NACK_RETRY_NANOS = 50_000_000L;
    static final int NACK_TRIES = 10;

    private final long ssrc;
    private final boolean video;
    private final boolean nack;
    private final SequenceNumberUnwrapper unwrapper = new SequenceNumberUnwrapper();
    private final long[] seen = new long[WINDOW / 64];
    private long base = -1;
    private long highest;

    private final long[] pending = new long[MAX_PENDING];
    private final long[] pendingSentAt = new long[MAX_PENDING];
    private final int[] pendingTries = new int[MAX_PENDING];
    private int pendingCount;

    private long packets;
    private long bytes;
    private long unique;
    private long duplicates;
    private long recovered;
    private long reordered;
    private long tooOld;
    private long late;
    private long nackedSequenceNumbers;
    private long nackGaveUp;

    ReceivedStream(long ssrc, boolean video, boolean nack) {
        this.ssrc = ssrc;
        this.video = video;
        this.nack = nack;
    }

    long ssrc() {
        return ssrc;
    }

    boolean isVideo() {
        return video;
    }

    /** Records the arrival of {@code sequenceNumber} ({@code len} bytes); returns its arrival class. */
    int onPacket(int sequenceNumber, int len) {
        packets++;
        bytes += len;
        long s = unwrapper.unwrap(sequenceNumber);
        if (base < 0) {
            base = s;
            highest = s;
            mark(s);
            unique++;
            return FRESH;
        }
        if (s > highest) {
            long gapStart = Math.max(highest + 1, s - WINDOW + 1);
            for (long missing = highest + 1; missing < s; missing++) {
                if (missing >= gapStart) {
                    clear(missing);
                    if (nack && pendingCount < MAX_PENDING) {
                        pending[pendingCount] = missing;
                        pendingSentAt[pendingCount] = 0;
                        pendingTries[pendingCount] = 0;
                        pendingCount++;
                    }
                }
            }
            highest = s;
            mark(s);
            unique++;
            return FRESH;
        }
        if (highest - s >= WINDOW) {
            tooOld++;
            return TOO_OLD;
        }
        if (isMarked(s)) {
            duplicates++;
            return DUPLICATE;
        }
        mark(s);
        unique++;
        for (int i = 0; i < pendingCount; i++) {
            if (pending[i] == s) {
                boolean asked = pendingTries[i] > 0;
                removePending(i);
                if (asked) {
                    recovered++;
                    return RECOVERED;
                }
                break;
            }
        }
        reordered++;
        return REORDERED;
    }

    /** Counts a packet that arrived after its playout deadline. */
    void countLate() {
        late++;
    }

    /**
     * Collects the sequence numbers to NACK now into {@code out} (16-bit values, oldest first) and returns how many.
     */
    int pollNacks(long now, int[] out) {
        int count = 0;
        for (int i = 0; i < pendingCount && count < out.length; i++) {
            if (highest - pending[i] >= WINDOW || pendingTries[i] >= NACK_TRIES) {
                nackGaveUp++;
                removePending(i);
                i--;
                continue;
            }
            if (pendingTries[i] == 0 || now - pendingSentAt[i] >= NACK_RETRY_NANOS) {
                out[count++] = (int) (pending[i] & 0xFFFF);
                pendingSentAt[i] = now;
                pendingTries[i]++;
                nackedSequenceNumbers++;
            }
        }
        return count;
    }

    private void removePending(int i) {
        pendingCount--;
        pending[i] = pending[pendingCount];
        pendingSentAt[i] = pendingSentAt[pendingCount];
        pendingTries[i] = pendingTries[pendingCount];
        // Keep the oldest-first order the NACK writer packs best: re-sort the moved one into place.
        for (int j = i; j + 1 < pendingCount && pending[j] > pending[j + 1]; j++) {
            swap(j, j + 1);
        }
        for (int j = i; j > 0 && pending[j - 1] > pending[j]; j--) {
            swap(j - 1, j);
        }
    }

    private void swap(int a, int b) {
        long p = pending[a];
        pending[a] = pending[b];
        pending[b] = p;
        long t = pendingSentAt[a];
        pendingSentAt[a] = pendingSentAt[b];
        pendingSentAt[b] = t;
        int n = pendingTries[a];
        pendingTries[a] = pendingTries[b];
        pendingTries[b] = n;
    }

    private void mark(long s) {
        int bit = (int) (s & (WINDOW - 1));
        seen[bit >>> 6] |= 1L << (bit & 63);
    }

    private void clear(long s) {
        int bit = (int) (s & (WINDOW - 1));
        seen[bit >>> 6] &= ~(1L << (bit & 63));
    }

    private boolean isMarked(long s) {
        int bit = (int) (s & (WINDOW - 1));
        return (seen[bit >>> 6] & 1L << (bit & 63)) != 0;
    }

    /** Packets expected from the first to the highest sequence number (RFC 3550 §A.3). */
    long expected() {
        return base < 0 ? 0 : highest - base + 1;
    }

    /** The extended highest sequence number received (RFC 3550 §6.4.1), 0 before the first packet. */
    long highest() {
        return base < 0 ? 0 : highest;
    }

    /** Expected but never received. */
    long lost() {
        return expected() - unique;
    }

    long packets() {
        return packets;
    }

    long bytes() {
        return bytes;
    }

    long unique() {
        return unique;
    }

    long duplicates() {
        return duplicates;
    }

    long recovered() {
        return recovered;
    }

    long reordered() {
        return reordered;
    }

    long tooOld() {
        return tooOld;
    }

    long late() {
        return late;
    }

    long nackedSequenceNumbers() {
        return nackedSequenceNumbers;
    }

    long nackGaveUp() {
        return nackGaveUp;
    }
}

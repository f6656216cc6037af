package io.lianmai.media.sfu;

/**
 * Notices gaps in one incoming RTP stream and says which sequence numbers to NACK to its publisher, and when
 * (RFC 4585 §6.2.1 generic NACK), so that losses on the publisher's path are repaired before subscribers see them.
 *
 * <p>A missing packet is NACKed as soon as a later one shows the gap, then again every retry interval (about one
 * round trip) until it arrives, it has been asked for {@code maxRetries} times, or it is older than
 * {@code maxAgeMillis}. A gap larger than the tracker can hold is not NACKed at all: {@link #onPacket} reports it so
 * that the caller asks for a keyframe instead.
 *
 * <p>Not thread-safe: owned by the publisher session's thread. No allocation after construction.
 */
public final class NackGenerator {
    /** {@link #onPacket} result: an in-order or new packet. */
    public static final int NEW = 0;
    /** {@link #onPacket} result: a packet that was missing and has now arrived (a retransmission or a late one). */
    public static final int RECOVERED = 1;
    /** {@link #onPacket} result: a duplicate or a packet too old to matter. */
    public static final int OLD = 2;
    /** {@link #onPacket} result: a gap too large to repair by NACK; request a keyframe. */
    public static final int GAP_TOO_LARGE = 3;

    private static final int SEQ_MASK = 0xFFFF;
    private static final int HALF_SEQ = 0x8000;

    private final int capacity;
    private final int maxRetries;
    private final long maxAgeMillis;
    private final int[] missingSeq;
    private final long[] missingSince;
    private final long[] lastNackAt;
    private final int[] retries;
    private final boolean[] active;
    private int activeCount;
    private boolean started;
    private int highestSeq;
    private long retryIntervalMillis;

    /**
     * @param capacity most missing packets tracked at once (a power of two)
     * @param maxRetries NACKs sent for one packet before giving up
     * @param maxAgeMillis a missing packet older than this is given up
     * @param retryIntervalMillis time between NACKs for the same packet; {@link #setRoundTripTime} updates it
     */
    public NackGenerator(int capacity, int maxRetries, long maxAgeMillis, long retryIntervalMillis) {
        if (capacity < 1 || Integer.bitCount(capacity) != 1 || capacity > 32768) {
            throw new IllegalArgumentException("capacity must be a power of two up to 32768, got " + capacity);
        }
        this.capacity = capacity;
        this.maxRetries = maxRetries;
        this.maxAgeMillis = maxAgeMillis;
        this.retryIntervalMillis = retryIntervalMillis;
        this.missingSeq = new int[capacity];
        this.missingSince = new long[capacity];
        this.lastNackAt = new long[capacity];
        this.retries = new int[capacity];
        this.active = new boolean[capacity];
    }

    /** Records an arrived packet; returns {@link #NEW}, {@link #RECOVERED}, {@link #OLD} or {@link #GAP_TOO_LARGE}. */
    public int onPacket(int seq, long nowMillis) {
        seq &= SEQ_MASK;
        if (!started) {
            started = true;
            highestSeq = seq;
            return NEW;
        }
        int ahead = (seq - highestSeq) & SEQ_MASK;
        if (ahead == 0) {
            return OLD;
        }
        if (ahead < HALF_SEQ) {
            int gap = ahead - 1;
            highestSeq = seq;
            if (gap == 0) {
                return NEW;
            }
            if (gap > capacity - activeCount) {
                clear();
                return GAP_TOO_LARGE;
            }
            for (int i = 1; i <= gap; i++) {
                track((seq - i) & SEQ_MASK, nowMillis);
            }
            return NEW;
        }
        int index = seq & (capacity - 1);
        if (active[index] && missingSeq[index] == seq) {
            active[index] = false;
            activeCount--;
            return RECOVERED;
        }
        return OLD;
    }

    /**
     * Writes into {@code out} the sequence numbers to NACK now and marks them as asked.
     *
     * @return how many were written (at most {@code out.length})
     */
    public int poll(long nowMillis, int[] out) {
        if (activeCount == 0) {
            return 0;
        }
        int count = 0;
        for (int i = 0; i < capacity && count < out.length; i++) {
            if (!active[i]) {
                continue;
            }
            if (retries[i] >= maxRetries || nowMillis - missingSince[i] > maxAgeMillis) {
                active[i] = false;
                activeCount--;
                continue;
            }
            if (retries[i] == 0 || nowMillis - lastNackAt[i] >= retryIntervalMillis) {
                out[count++] = missingSeq[i];
                lastNackAt[i] = nowMillis;
                retries[i]++;
            }
        }
        return count;
    }

    /** Sets the retry interval from a measured round-trip time (clamped to 10..500 ms). */
    public void setRoundTripTime(long rttMillis) {
        retryIntervalMillis = Math.max(10, Math.min(500, rttMillis));
    }

    /** Missing packets currently tracked. */
    public int missingCount() {
        return activeCount;
    }

    /** Forgets every missing packet (after a keyframe request makes them moot). */
    public void clear() {
        java.util.Arrays.fill(active, false);
        activeCount = 0;
    }

    private void track(int seq, long nowMillis) {
        int index = seq & (capacity - 1);
        if (!active[index]) {
            activeCount++;
        }
        active[index] = true;
        missingSeq[index] = seq;
        missingSince[index] = nowMillis;
        lastNackAt[index] = 0;
        retries[index] = 0;
    }
}

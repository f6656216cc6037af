package io.lianmai.media.sfu;

/**
 * Gives one subscriber a continuous RTP sequence-number and timestamp space for a track whose source may change:
 * a publisher that restarts with a new SSRC, or a simulcast layer switch.
 *
 * <p>Within one source, output = input + offset (mod 2^16 for sequence numbers, 2^32 for timestamps), so reordered
 * packets and retransmissions keep their order. When the source changes, the offsets are chosen so that the first
 * packet of the new source follows the last packet sent: sequence number + 1, timestamp + the elapsed wall-clock
 * time in the codec's clock (at least 1 tick). Refused: packets of the current source from before its first
 * forwarded packet, and packets far behind the newest. Which source to forward is the caller's choice (layer
 * selection); every packet of another SSRC than the current one is taken as a switch to it.
 *
 * <p>Not thread-safe: used by the thread that owns the subscriber. No allocation.
 */
public final class RtpSequenceRewriter {
    private static final int SEQ_MASK = 0xFFFF;
    private static final long TS_MASK = 0xFFFF_FFFFL;
    private static final int HALF_SEQ = 0x8000;
    /** How far behind the newest packet a packet of the current source may be and still be forwarded. */
    private static final int MAX_REORDER = 1000;

    private final int clockRate;

    private boolean started;
    private long sourceSsrc = -1;
    private int seqOffset;
    private long tsOffset;
    private int firstSourceSeq;
    private int highestSourceSeq;
    private int lastOutSeq;
    private long lastOutTs;
    private long lastOutMillis;
    private int outSeq;
    private long outTs;
    private long runs;

    /** @param clockRate the codec's RTP clock rate (90000 for video, 48000 for Opus) */
    public RtpSequenceRewriter(int clockRate) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive, got " + clockRate);
        }
        this.clockRate = clockRate;
    }

    /**
     * Chooses the output numbers for one packet, or refuses it.
     *
     * @param ssrc the packet's source SSRC
     * @param seq its sequence number, 0..65535
     * @param timestamp its RTP timestamp, 0..2^32-1
     * @param nowMillis the arrival time, for timestamp continuity across a source switch
     * @return false when the packet must not be forwarded; else {@link #sequenceNumber()} and {@link #timestamp()}
     *     hold its output values
     */
    public boolean rewrite(long ssrc, int seq, long timestamp, long nowMillis) {
        if (!started || ssrc != sourceSsrc) {
            switchTo(ssrc, seq, timestamp, nowMillis);
        } else {
            int sinceFirst = (seq - firstSourceSeq) & SEQ_MASK;
            int behindHighest = (highestSourceSeq - seq) & SEQ_MASK;
            if (sinceFirst >= HALF_SEQ || (behindHighest > MAX_REORDER && behindHighest < HALF_SEQ)) {
                return false;
            }
            if (((seq - highestSourceSeq) & SEQ_MASK) < HALF_SEQ) {
                highestSourceSeq = seq;
            }
            if (((seq - firstSourceSeq) & SEQ_MASK) > MAX_REORDER) {
                // Slide the "before the switch" bound along behind the stream: the reorder limit already refuses
                // anything older, and a fixed bound would reject the whole stream after 32,768 packets.
                firstSourceSeq = (seq - MAX_REORDER) & SEQ_MASK;
            }
        }
        outSeq = (seq + seqOffset) & SEQ_MASK;
        outTs = (timestamp + tsOffset) & TS_MASK;
        if (((outSeq - lastOutSeq) & SEQ_MASK) < HALF_SEQ) {
            lastOutSeq = outSeq;
            lastOutTs = outTs;
            lastOutMillis = nowMillis;
        }
        return true;
    }

    /** The output sequence number of the last packet {@link #rewrite} accepted. */
    public int sequenceNumber() {
        return outSeq;
    }

    /** The output timestamp of the last packet {@link #rewrite} accepted. */
    public long timestamp() {
        return outTs;
    }

    /** The source sequence number that {@code outputSeq} was made from, for answering a subscriber's NACK. */
    public int sourceSequenceNumber(int outputSeq) {
        return (outputSeq - seqOffset) & SEQ_MASK;
    }

    /** Whether {@code outputSeq} was made from the current source, so that its cache can answer a NACK for it. */
    public boolean isCurrentSource(int outputSeq) {
        return started && ((sourceSequenceNumber(outputSeq) - firstSourceSeq) & SEQ_MASK) < HALF_SEQ;
    }

    /**
     * Which run of packets the last accepted packet belongs to: it changes at every source switch and restart (each
     * run has its own offsets), so that what rewrites more than these numbers (a codec's picture numbering) can
     * follow the same switches.
     */
    public long run() {
        return runs;
    }

    /** The source SSRC currently forwarded, or -1 before the first packet. */
    public long sourceSsrc() {
        return sourceSsrc;
    }

    /** The output timestamp the next packet would get if sent now, for translating sender reports. */
    public long timestampAt(long sourceTimestamp) {
        return (sourceTimestamp + tsOffset) & TS_MASK;
    }

    /**
     * Makes the next packet start a new run, as a switch to another source does, even from the same source: the
     * numbering goes on from the last packet sent, with the timestamps advanced by the time that passed. For a
     * stream resumed after a pause, whose packets skipped in between the receiver must not take for losses.
     */
    public void restartAtNextPacket() {
        sourceSsrc = -1;
    }

    private void switchTo(long ssrc, int seq, long timestamp, long nowMillis) {
        if (started) {
            long elapsedTicks = Math.max(1, (nowMillis - lastOutMillis) * clockRate / 1000);
            seqOffset = (lastOutSeq + 1 - seq) & SEQ_MASK;
            tsOffset = (lastOutTs + elapsedTicks - timestamp) & TS_MASK;
        } else {
            seqOffset = 0;
            tsOffset = 0;
            lastOutSeq = (seq - 1) & SEQ_MASK;
            lastOutTs = timestamp;
            lastOutMillis = nowMillis;
        }
        started = true;
        runs++;
        sourceSsrc = ssrc;
        firstSourceSeq = seq;
        highestSourceSeq = seq;
    }
}

package io.lianmai.wire.rtp;

import io.lianmai.wire.rtcp.NtpTimestamp;
import io.lianmai.wire.rtcp.ReportBlock;

/**
 * Receive statistics of one incoming RTP stream, kept as RFC 3550 Appendix A describes (A.1 sequence number
 * validation, A.3 expected and lost packets, A.8 interarrival jitter), producing the values of an RTCP report block
 * (§6.4.1) for the SFU's receiver reports to a publisher.
 *
 * <p>Feed every received packet of the stream to {@link #onPacket} and every sender report to {@link
 * #onSenderReport}; call {@link #writeReportBlock} when sending a report, which also starts the next fraction-lost
 * interval. Times are passed in by the caller (nanoseconds from any monotonic clock, the same for all calls), so the
 * class needs no clock and tests drive it with made-up times. Feeding allocates nothing.
 *
 * <p>Differences from the appendix, and why:
 * <ul>
 *   <li>No probation: the stream is SRTP-authenticated and signalled, so its first packet is trusted and counted.</li>
 *   <li>Jitter is updated only by packets that advance the highest sequence number, so late retransmissions and
 *       reordered packets do not count as jitter; a transit difference above five seconds of media time (a
 *       timestamp discontinuity) is ignored rather than added.</li>
 * </ul>
 *
 * <p>One instance per SSRC; confine it to one thread.
 */
public final class RtpStreamStatistics {
    private static final int MAX_DROPOUT = 3000;
    private static final int MAX_MISORDER = 100;
    private static final int SEQ_MOD = 1 << 16;
    private static final int MAX_CUMULATIVE_LOST = 0x7F_FFFF;
    private static final int MIN_CUMULATIVE_LOST = -0x80_0000;

    private final long ssrc;
    private final int clockRate;

    private boolean started;
    private int maxSequenceNumber;
    private long cycles;
    private long baseSequenceNumber;
    private int badSequenceNumber = SEQ_MOD + 1;
    private long received;
    private long receivedBytes;
    private long expectedPrior;
    private long receivedPrior;

    private long firstArrivalNanos;
    private boolean haveTransit;
    private int lastTransit;
    private int jitterQ4;

    private boolean haveSenderReport;
    private long lastSenderReportNtpMiddle;
    private long lastSenderReportArrivalNanos;

    /**
     * @param ssrc      the stream's SSRC, written into report blocks
     * @param clockRate RTP timestamp ticks per second of the stream's codec, for jitter
     */
    public RtpStreamStatistics(long ssrc, int clockRate) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive, got " + clockRate);
        }
        this.ssrc = ssrc & 0xFFFF_FFFFL;
        this.clockRate = clockRate;
    }

    /**
     * Accounts one received packet. Returns {@code false} if RFC 3550 A.1 rejects it as a very large sequence jump
     * (until the next packet confirms the jump and the statistics restart from it).
     *
     * @param sequenceNumber the packet's 16-bit sequence number
     * @param rtpTimestamp   the packet's RTP timestamp (low 32 bits used)
     * @param payloadBytes   payload bytes, for the byte counter
     * @param arrivalNanos   arrival time, monotonic nanoseconds
     */
    public boolean onPacket(int sequenceNumber, long rtpTimestamp, int payloadBytes, long arrivalNanos) {
        int seq = sequenceNumber & 0xFFFF;
        boolean advanced;
        if (!started) {
            start(seq);
            started = true;
            firstArrivalNanos = arrivalNanos;
            advanced = true;
        } else {
            int delta = (seq - maxSequenceNumber) & 0xFFFF;
            if (delta == 0) {
                advanced = false;
            } else if (delta < MAX_DROPOUT) {
                if (seq < maxSequenceNumber) {
                    cycles += SEQ_MOD;
                }
                maxSequenceNumber = seq;
                advanced = true;
            } else if (delta <= SEQ_MOD - MAX_MISORDER) {
                if (seq != badSequenceNumber) {
                    badSequenceNumber = (seq + 1) & 0xFFFF;
                    return false;
                }
                // Two sequential packets after a big jump: the sender restarted; so do the statistics.
                start(seq);
                haveTransit = false;
                advanced = true;
            } else {
                advanced = false;
            }
        }
        received++;
        receivedBytes += payloadBytes;
        if (advanced) {
            updateJitter((int) rtpTimestamp, arrivalNanos);
        }
        return true;
    }

    private void start(int seq) {
        baseSequenceNumber = seq;
        maxSequenceNumber = seq;
        badSequenceNumber = SEQ_MOD + 1;
        cycles = 0;
        received = 0;
        expectedPrior = 0;
        receivedPrior = 0;
    }

    private void updateJitter(int rtpTimestamp, long arrivalNanos) {
        long elapsedMicros = (arrivalNanos - firstArrivalNanos) / 1_000;
        int arrival = (int) (elapsedMicros * clockRate / 1_000_000);
        int transit = arrival - rtpTimestamp;
        if (haveTransit) {
            int d = Math.abs(transit - lastTransit);
            if (d <= 5 * clockRate) {
                jitterQ4 += d - ((jitterQ4 + 8) >> 4);
            }
        }
        lastTransit = transit;
        haveTransit = true;
    }

    /**
     * Remembers a sender report of this stream for the LSR and DLSR fields of the next report block.
     *
     * @param ntpTimestamp the report's 64-bit NTP timestamp
     * @param arrivalNanos its arrival time, on the clock used for {@link #onPacket}
     */
    public void onSenderReport(long ntpTimestamp, long arrivalNanos) {
        haveSenderReport = true;
        lastSenderReportNtpMiddle = NtpTimestamp.middle32(ntpTimestamp);
        lastSenderReportArrivalNanos = arrivalNanos;
    }

    /** The stream's SSRC. */
    public long ssrc() {
        return ssrc;
    }

    /** Packets received, duplicates included (RFC 3550 A.3). */
    public long received() {
        return received;
    }

    /** Payload bytes received. */
    public long receivedBytes() {
        return receivedBytes;
    }

    /** Extended highest sequence number received: cycles × 65536 + highest 16-bit number. */
    public long extendedHighestSequenceNumber() {
        return cycles + maxSequenceNumber;
    }

    /** Packets expected: extended highest minus base plus one; 0 before the first packet. */
    public long expected() {
        return started ? extendedHighestSequenceNumber() - baseSequenceNumber + 1 : 0;
    }

    /** Cumulative packets lost: expected minus received; negative when duplicates arrived. */
    public long cumulativeLost() {
        return expected() - received;
    }

    /** Interarrival jitter in RTP timestamp units (RFC 3550 A.8). */
    public long jitter() {
        return jitterQ4 >>> 4;
    }

    /** Fraction of packets lost since the last report block, in 1/256 (0..255), without starting a new interval. */
    public int fractionLost() {
        long expectedInterval = expected() - expectedPrior;
        long receivedInterval = received - receivedPrior;
        long lostInterval = expectedInterval - receivedInterval;
        if (expectedInterval <= 0 || lostInterval <= 0) {
            return 0;
        }
        return (int) Math.min(255, (lostInterval << 8) / expectedInterval);
    }

    /**
     * Writes this stream's report block (RFC 3550 §6.4.1) at {@code off} and starts the next fraction-lost interval.
     * Returns {@link ReportBlock#LENGTH}, or -1 (and starts no interval) if it does not fit in {@code buf}.
     *
     * @param nowNanos the send time, on the clock used for {@link #onPacket}, for DLSR
     */
    public int writeReportBlock(byte[] buf, int off, long nowNanos) {
        long cumulative = Math.max(MIN_CUMULATIVE_LOST, Math.min(MAX_CUMULATIVE_LOST, cumulativeLost()));
        long lsr = 0;
        long dlsr = 0;
        if (haveSenderReport) {
            lsr = lastSenderReportNtpMiddle;
            long delay = Math.max(0, nowNanos - lastSenderReportArrivalNanos);
            // 1/65536 s units; 32 bits hold up to 18 hours.
            dlsr = Math.min(0xFFFF_FFFFL, (delay / 1_000) * 65_536 / 1_000_000);
        }
        int written = ReportBlock.write(buf, off, ssrc, fractionLost(), (int) cumulative,
                extendedHighestSequenceNumber(), jitter(), lsr, dlsr);
        if (written > 0) {
            expectedPrior = expected();
            receivedPrior = received;
        }
        return written;
    }
}

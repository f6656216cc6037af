package io.lianmai.wire.rtcp;

import io.lianmai.common.BigEndian;

/**
 * Writes transport-wide congestion control feedback (RTPFB FMT 15, draft-holmer-rmcat-transport-wide-cc-extensions-01
 * §3.1; the layout is drawn on {@link TransportFeedback}, which reads what this writes) from a receiver's ring of
 * arrival times, so that a sender's estimator learns when each of its packets arrived.
 *
 * <p>Chunks are chosen greedily: a run-length chunk for 14 or more equal symbols, else a one-bit status vector when
 * none of the next 14 packets needs a large delta, else a run-length chunk for 7 or more equal symbols, else a two-bit
 * vector of 7. Receive deltas are rounded to 250 µs against the running sum of the deltas already written (not the
 * raw previous arrival), so rounding errors never accumulate; a delta outside the signed 16-bit range ends the
 * packet before that packet, as does {@code maxLength}. The reference time is the first received packet's arrival
 * rounded down to 64 ms, modulo 2^24 (the sender uses only differences between feedbacks). Padding, when the length is not a
 * multiple of 4, sets the P bit and ends with its count (RFC 3550 §6.4.1), as libwebrtc's writer does.
 *
 * <p>Allocates nothing after construction (two arrays of {@link #MAX_PACKETS}, 3 KB); not thread-safe (one per
 * receiver).
 */
public final class TransportFeedbackWriter {
    /** In the arrival ring: the packet has not arrived. */
    public static final long NOT_RECEIVED = Long.MIN_VALUE;
    /** The most packets one feedback reports: more than a 1,200-byte feedback of received packets holds. */
    public static final int MAX_PACKETS = 1024;

    private static final long DELTA_MICROS = 250;
    private static final long REFERENCE_MICROS = 64_000;
    private static final int MAX_RUN = 0x1FFF;

    private final byte[] symbols = new byte[MAX_PACKETS];
    private final short[] deltas = new short[MAX_PACKETS];
    private int reported;

    /**
     * Writes one feedback for packets {@code baseSequence, baseSequence + 1, …}, at most {@code count}, whose arrival
     * times (µs, any epoch; {@link #NOT_RECEIVED} for a loss) are {@code arrivals[(first + i) & mask]}. Returns the
     * packet length, or -1 when none of the first {@link #MAX_PACKETS} arrived, {@code count} is below 1, or not even
     * the first packet fits; {@link #reportedPackets()} then says how many it covers (fewer
     * than {@code count} when the length, {@link #MAX_PACKETS} or a delta's range ended it early: write the rest in
     * another feedback starting there).
     *
     * @param maxLength the most bytes the packet may take from {@code off} (also bounded by {@code buf})
     * @param feedbackCount the feedback packet count, incremented by the caller per feedback sent (mod 256)
     */
    public int write(byte[] buf, int off, int maxLength, long senderSsrc, long mediaSsrc, int baseSequence,
            int feedbackCount, long[] arrivals, int first, int mask, int count) {
        reported = 0;
        int room = off < 0 || off > buf.length ? -1 : Math.min(maxLength, buf.length - off);
        int limit = Math.min(count, MAX_PACKETS);
        int received = 0;
        while (received < limit && arrivals[(first + received) & mask] == NOT_RECEIVED) {
            received++;
        }
        if (received == limit || room < TransportFeedback.MIN_LENGTH + 4) {
            return -1;
        }
        long referenceUnits = Math.floorDiv(arrivals[(first + received) & mask], REFERENCE_MICROS);
        int packets = encode(room, arrivals, first, mask, limit, referenceUnits * REFERENCE_MICROS);
        if (packets < 1) {
            return -1;
        }
        int at = off + TransportFeedback.MIN_LENGTH;
        for (int i = 0; i < packets; ) {
            i += writeChunk(buf, at, i, packets);
            at += 2;
        }
        for (int i = 0; i < packets; i++) {
            if (symbols[i] == TransportFeedback.RECEIVED_SMALL_DELTA) {
                buf[at++] = (byte) deltas[i];
            } else if (symbols[i] == TransportFeedback.RECEIVED_LARGE_DELTA) {
                BigEndian.put16(buf, at, deltas[i]);
                at += 2;
            }
        }
        int content = at - off;
        int length = (content + 3) & ~3;
        int padding = length - content;
        for (int i = 0; i < padding; i++) {
            buf[at + i] = 0;
        }
        RtcpFeedback.writeHeader(buf, off, RtcpFeedback.FMT_TRANSPORT_CC, RtcpPacketType.RTPFB, length, senderSsrc,
                mediaSsrc);
        if (padding > 0) {
            buf[off] |= 0x20;
            buf[off + length - 1] = (byte) padding;
        }
        BigEndian.put16(buf, off + 12, baseSequence);
        BigEndian.put16(buf, off + 14, packets);
        BigEndian.put24(buf, off + 16, (int) (referenceUnits & 0xFFFFFF));
        buf[off + 19] = (byte) feedbackCount;
        reported = packets;
        return length;
    }

    /** How many packets the last {@link #write} reported (0 if it wrote nothing). */
    public int reportedPackets() {
        return reported;
    }

    /** The most bytes a feedback of {@code packets} packets can take (all with large deltas, one chunk per 7). */
    public static int maxLengthFor(int packets) {
        return (TransportFeedback.MIN_LENGTH + 2 * ((packets + 6) / 7) + 2 * packets + 3) & ~3;
    }

    /**
     * Fills {@link #symbols} and {@link #deltas} for as many of the first {@code count} packets as fit in {@code room}
     * bytes (chunks counted pessimistically, one per 7 packets), stopping before a delta no 16-bit field holds.
     */
    private int encode(int room, long[] arrivals, int first, int mask, int count, long reference) {
        int deltaBytes = 0;
        long last = reference;
        for (int i = 0; i < count; i++) {
            long arrival = arrivals[(first + i) & mask];
            if (arrival == NOT_RECEIVED) {
                symbols[i] = TransportFeedback.NOT_RECEIVED;
                deltas[i] = 0;
            } else {
                long delta = Math.floorDiv(arrival - last + DELTA_MICROS / 2, DELTA_MICROS);
                if (delta < Short.MIN_VALUE || delta > Short.MAX_VALUE) {
                    return i;
                }
                boolean small = delta >= 0 && delta <= 0xFF;
                symbols[i] = (byte) (small ? TransportFeedback.RECEIVED_SMALL_DELTA
                        : TransportFeedback.RECEIVED_LARGE_DELTA);
                deltas[i] = (short) delta;
                deltaBytes += small ? 1 : 2;
                last += delta * DELTA_MICROS;
            }
            int total = TransportFeedback.MIN_LENGTH + 2 * ((i + 7) / 7) + deltaBytes;
            if (((total + 3) & ~3) > room) {
                return i;
            }
        }
        return count;
    }

    /** Writes the chunk that starts at packet {@code from} at {@code at}; returns how many packets it covers. */
    private int writeChunk(byte[] buf, int at, int from, int count) {
        int symbol = symbols[from];
        int run = 1;
        while (from + run < count && run < MAX_RUN && symbols[from + run] == symbol) {
            run++;
        }
        if (run >= 14) {
            BigEndian.put16(buf, at, symbol << 13 | run);
            return run;
        }
        int vector = Math.min(14, count - from);
        boolean oneBit = true;
        for (int i = 0; i < vector; i++) {
            oneBit &= symbols[from + i] != TransportFeedback.RECEIVED_LARGE_DELTA;
        }
        if (oneBit) {
            int value = 0x8000;
            for (int i = 0; i < vector; i++) {
                value |= symbols[from + i] << (13 - i);
            }
            BigEndian.put16(buf, at, value);
            return vector;
        }
        if (run >= 7) {
            BigEndian.put16(buf, at, symbol << 13 | run);
            return run;
        }
        vector = Math.min(7, count - from);
        int value = 0xC000;
        for (int i = 0; i < vector; i++) {
            value |= symbols[from + i] << (12 - 2 * i);
        }
        BigEndian.put16(buf, at, value);
        return vector;
    }
}

package io.lianmai.wire.rtcp;

import io.lianmai.common.BigEndian;
/**
 * A reusable view of a transport-wide congestion control feedback message (RTPFB FMT 15,
 * draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1), which reports the arrival of each packet by its
 * transport-wide sequence number. The header fields are read directly; {@link #forEachPacket} walks the packet status
 * chunks and receive deltas.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  FMT=15 |    PT=205     |           length              |
 * |                     SSRC of packet sender                     |
 * |                      SSRC of media source                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      base sequence number     |      packet status count      |
 * |                 reference time                | fb pkt. count |   reference time: signed, x 64 ms
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          packet chunk         |         packet chunk          |   until status count symbols
 * .                                                               .
 * |         packet chunk          |  recv delta   |  recv delta   |   1 byte (small) or 2 (large, signed), x 250 us
 * .                                                               .
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * run length chunk:    |0| S (2) |       run length (13)       |
 * status vector chunk: |1|0| 14 one-bit symbols |  or  |1|1| 7 two-bit symbols |
 * symbols: 0 not received, 1 received with small delta, 2 received with large or negative delta
 * </pre>
 */
public final class TransportFeedback {
    /** Bytes before the first packet chunk. */
    public static final int MIN_LENGTH = 20;
    /** Status symbol: packet not received. */
    public static final int NOT_RECEIVED = 0;
    /** Status symbol: received, one-byte unsigned delta. */
    public static final int RECEIVED_SMALL_DELTA = 1;
    /** Status symbol: received, two-byte signed delta. */
    public static final int RECEIVED_LARGE_DELTA = 2;

    /** Receives the per-packet results of {@link #forEachPacket}; implement once and reuse. */
    @FunctionalInterface
    public interface PacketStatusHandler {
        /**
         * Called for each reported packet in sequence order, on the caller's thread, during {@link #forEachPacket}.
         *
         * @param sequenceNumber    transport-wide sequence number, 0..65535
         * @param status            {@link #NOT_RECEIVED}, {@link #RECEIVED_SMALL_DELTA} or {@link #RECEIVED_LARGE_DELTA}
         * @param arrivalTimeMicros for received packets, reference time plus the deltas so far, in microseconds; 0
         *                          otherwise
         */
        void onPacketStatus(int sequenceNumber, int status, long arrivalTimeMicros);
    }

    private byte[] buffer;
    private int offset;
    private int end;

    /** Binds the view to the feedback at {@code off}; {@code false} if it is not a valid header (chunks unchecked). */
    public boolean wrap(byte[] buf, int off, int len) {
        buffer = null;
        int content = RtcpFeedback.checkedContentLength(buf, off, len, RtcpPacketType.RTPFB,
                RtcpFeedback.FMT_TRANSPORT_CC, MIN_LENGTH);
        if (content < 0) {
            return false;
        }
        buffer = buf;
        offset = off;
        end = off + content;
        return true;
    }

    /** SSRC of the packet sender. */
    public long senderSsrc() {
        return RtcpFeedback.senderSsrc(buffer, offset);
    }

    /** SSRC of the media source (by convention the first stream's; the feedback covers the whole transport). */
    public long mediaSsrc() {
        return RtcpFeedback.mediaSsrc(buffer, offset);
    }

    /** Transport-wide sequence number of the first packet reported. */
    public int baseSequenceNumber() {
        return BigEndian.u16(buffer, offset + 12);
    }

    /** Number of packets reported. */
    public int packetStatusCount() {
        return BigEndian.u16(buffer, offset + 14);
    }

    /** Reference time, signed 24-bit, in multiples of 64 ms. */
    public int referenceTime() {
        return BigEndian.u24(buffer, offset + 16) << 8 >> 8;
    }

    /** Reference time in microseconds. */
    public long referenceTimeMicros() {
        return referenceTime() * 64_000L;
    }

    /** Feedback packet count, 0..255, incremented by the sender for each feedback it sends. */
    public int feedbackPacketCount() {
        return buffer[offset + 19] & 0xFF;
    }

    /**
     * Walks the packet status chunks and receive deltas, calling {@code handler} once per reported packet. Returns the
     * number of packets reported, or -1 if the chunks or deltas are malformed or truncated; the handler may have been
     * called for packets before the fault. Allocates nothing.
     */
    public int forEachPacket(PacketStatusHandler handler) {
        int count = packetStatusCount();
        int deltas = deltasOffset(count);
        if (deltas < 0) {
            return -1;
        }
        int base = baseSequenceNumber();
        long arrival = referenceTimeMicros();
        int chunk = offset + MIN_LENGTH;
        int reported = 0;
        while (reported < count) {
            int value = BigEndian.u16(buffer, chunk);
            chunk += 2;
            int symbols = symbolsIn(value);
            for (int i = 0; i < symbols && reported < count; i++) {
                int status = symbol(value, i);
                if (status == NOT_RECEIVED) {
                    handler.onPacketStatus((base + reported) & 0xFFFF, NOT_RECEIVED, 0);
                } else {
                    int size = status == RECEIVED_SMALL_DELTA ? 1 : 2;
                    if (end - deltas < size) {
                        return -1;
                    }
                    long delta = size == 1 ? buffer[deltas] & 0xFF : (short) BigEndian.u16(buffer, deltas);
                    deltas += size;
                    arrival += delta * 250;
                    handler.onPacketStatus((base + reported) & 0xFFFF, status, arrival);
                }
                reported++;
            }
        }
        return reported;
    }

    /** Absolute offset where the receive deltas start after the chunks covering {@code count} packets, or -1. */
    private int deltasOffset(int count) {
        int chunk = offset + MIN_LENGTH;
        int covered = 0;
        while (covered < count) {
            if (end - chunk < 2) {
                return -1;
            }
            int value = BigEndian.u16(buffer, chunk);
            chunk += 2;
            if ((value & 0x8000) == 0 && (value & 0x6000) == 0x6000) {
                return -1;
            }
            int symbols = symbolsIn(value);
            for (int i = 0; i < symbols && covered < count; i++) {
                if (symbol(value, i) == 3) {
                    return -1;
                }
                covered++;
            }
        }
        return chunk;
    }

    private static int symbolsIn(int chunk) {
        if ((chunk & 0x8000) == 0) {
            return chunk & 0x1FFF;
        }
        return (chunk & 0x4000) == 0 ? 14 : 7;
    }

    private static int symbol(int chunk, int index) {
        if ((chunk & 0x8000) == 0) {
            return (chunk >>> 13) & 0x3;
        }
        if ((chunk & 0x4000) == 0) {
            return (chunk >>> (13 - index)) & 0x1;
        }
        return (chunk >>> (12 - 2 * index)) & 0x3;
    }
}

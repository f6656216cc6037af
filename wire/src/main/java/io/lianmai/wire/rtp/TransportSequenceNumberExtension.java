package io.lianmai.wire.rtp;

import io.lianmai.common.BigEndian;
/**
 * The transport-wide sequence number header extension (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2): one
 * 16-bit counter across all streams of a transport, which transport-cc feedback refers to. The SFU numbers packets
 * towards each subscriber with its own counter and rewrites this value in place.
 *
 * <pre>
 *  0                   1
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | transport-wide sequence number|   (transport-wide-cc-02 may append 2 more bytes; they are left untouched)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class TransportSequenceNumberExtension {
    /** Minimum value length in bytes. */
    public static final int LENGTH = 2;

    private TransportSequenceNumberExtension() {
    }

    /** The sequence number (0..65535) in element {@code id}, or -1 if absent or shorter than 2 bytes. */
    public static int read(RtpPacket packet, int id) {
        long element = packet.findExtension(id);
        if (element == RtpPacket.NOT_FOUND || RtpPacket.extensionValueLength(element) < LENGTH) {
            return -1;
        }
        return BigEndian.u16(packet.buffer(), RtpPacket.extensionValueOffset(element));
    }

    /** Rewrites element {@code id} with the low 16 bits of {@code sequenceNumber}; {@code false} if absent. */
    public static boolean write(RtpPacket packet, int id, int sequenceNumber) {
        long element = packet.findExtension(id);
        if (element == RtpPacket.NOT_FOUND || RtpPacket.extensionValueLength(element) < LENGTH) {
            return false;
        }
        BigEndian.put16(packet.buffer(), RtpPacket.extensionValueOffset(element), sequenceNumber);
        return true;
    }
}

package io.lianmai.wire.rtp;

import io.lianmai.common.BigEndian;
/**
 * Building and unwrapping retransmission packets in the RTP retransmission payload format (RFC 4588 §4): the SFU
 * answers a subscriber's NACK with an RTX packet on the subscriber's RTX stream, and restores RTX packets from
 * publishers that send them to the original stream.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   RTP header: RTX SSRC, RTX payload type, RTX sequence number, |
 * |   the original timestamp, marker, CSRCs and header extensions |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            OSN                |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
 * |                  Original RTP Packet Payload                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class RtxPacket {
    /** Length of the original sequence number (OSN) field. */
    public static final int OSN_LENGTH = 2;

    private RtxPacket() {
    }

    /** Bytes {@link #build} needs for a retransmission of {@code original}. */
    public static int lengthFor(RtpPacket original) {
        return original.headerLength() + OSN_LENGTH + original.payloadLength();
    }

    /**
     * Writes a retransmission of {@code original} into {@code dst} at {@code dstOffset}: the original header with
     * {@code rtxSsrc}, {@code rtxPayloadType} and {@code rtxSequenceNumber}, then the original sequence number and
     * payload. The original's padding is dropped. Returns the bytes written, or -1 if {@code dst} has no room (see
     * {@link #lengthFor}). Only reads {@code original}; {@code dst} must not overlap it.
     */
    public static int build(RtpPacket original, byte[] dst, int dstOffset, long rtxSsrc, int rtxPayloadType,
            int rtxSequenceNumber) {
        int header = original.headerLength();
        int payload = original.payloadLength();
        int total = header + OSN_LENGTH + payload;
        if (dstOffset < 0 || dstOffset > dst.length - total) {
            return -1;
        }
        byte[] src = original.buffer();
        System.arraycopy(src, original.offset(), dst, dstOffset, header);
        dst[dstOffset] &= (byte) ~0x20;
        BigEndian.put16(dst, dstOffset + header, original.sequenceNumber());
        System.arraycopy(src, original.payloadOffset(), dst, dstOffset + header + OSN_LENGTH, payload);
        dst[dstOffset + 1] = (byte) ((dst[dstOffset + 1] & 0x80) | (rtxPayloadType & 0x7F));
        BigEndian.put16(dst, dstOffset + 2, rtxSequenceNumber);
        BigEndian.put32(dst, dstOffset + 8, rtxSsrc);
        return total;
    }

    /**
     * The original sequence number carried by a retransmission, or -1 if its payload is too short to hold one (an RTX
     * padding-only probe).
     */
    public static int originalSequenceNumber(RtpPacket rtx) {
        if (rtx.payloadLength() < OSN_LENGTH) {
            return -1;
        }
        return BigEndian.u16(rtx.buffer(), rtx.payloadOffset());
    }

    /**
     * Turns a received retransmission back into the original packet in place: the header moves forward over the OSN,
     * which becomes the sequence number, and the SSRC and payload type become the original stream's. Afterwards {@code
     * rtx} views the restored packet, which starts {@link #OSN_LENGTH} bytes later in the same buffer: the caller must
     * take the new {@link RtpPacket#offset()} and {@link RtpPacket#length()} for its buffer bookkeeping. Returns
     * {@code false}, changing nothing, if the payload holds no OSN (a padding-only probe, to be dropped).
     */
    public static boolean restoreOriginal(RtpPacket rtx, long originalSsrc, int originalPayloadType) {
        int originalSequenceNumber = originalSequenceNumber(rtx);
        if (originalSequenceNumber < 0) {
            return false;
        }
        byte[] buf = rtx.buffer();
        // Moving the short header instead of the long payload; arraycopy handles the overlap.
        System.arraycopy(buf, rtx.offset(), buf, rtx.offset() + OSN_LENGTH, rtx.headerLength());
        rtx.moveStart(OSN_LENGTH);
        rtx.setSequenceNumber(originalSequenceNumber);
        rtx.setSsrc(originalSsrc);
        rtx.setPayloadType(originalPayloadType);
        return true;
    }
}

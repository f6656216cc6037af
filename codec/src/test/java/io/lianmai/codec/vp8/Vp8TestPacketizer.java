package io.lianmai.codec.vp8;

import io.lianmai.wire.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Packetizes VP8 frames as browsers do (RFC 7741: X=1, I=1 with a 15-bit picture id), for depacketizer tests. */
final class Vp8TestPacketizer {
    private int sequenceNumber;
    private int pictureId;
    final List<byte[]> packets = new ArrayList<>();
    final List<Integer> packetFrame = new ArrayList<>();

    Vp8TestPacketizer(int firstSequenceNumber) {
        this.sequenceNumber = firstSequenceNumber;
    }

    /** Cuts the frame into payloads of at most {@code maxData} bytes (or random sizes up to it, given a random). */
    void packetize(byte[] frame, long timestamp, int frameIndex, int maxData, Random random) {
        int pos = 0;
        while (pos < frame.length) {
            int size = Math.min(frame.length - pos, random == null ? maxData : 1 + random.nextInt(maxData));
            byte[] packet = new byte[RtpPacket.FIXED_HEADER_LENGTH + 4 + size];
            boolean last = pos + size == frame.length;
            RtpPacket.writeFixedHeader(packet, 0, last, 96, sequenceNumber, timestamp, 9);
            sequenceNumber = (sequenceNumber + 1) & 0xFFFF;
            packet[12] = (byte) (0x80 | (pos == 0 ? 0x10 : 0)); // X, S, PID 0
            packet[13] = (byte) 0x80; // I
            packet[14] = (byte) (0x80 | (pictureId >> 8));
            packet[15] = (byte) pictureId;
            System.arraycopy(frame, pos, packet, 16, size);
            packets.add(packet);
            packetFrame.add(frameIndex);
            pos += size;
        }
        pictureId = (pictureId + 1) & 0x7FFF;
    }
}

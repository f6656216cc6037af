package io.lianmai.bench.load;

import io.lianmai.wire.rtp.AbsSendTimeExtension;
import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.wire.rtp.RtxPacket;
import io.lianmai.media.sfu.Buffers;
import java.util.Random;

/**
 * One synthetic RTP stream of a simulated publisher — its audio, or one video (simulcast) layer — written as
 * plain RTP into the caller's buffer, ready for SRTP. Video keeps the last {@link #HISTORY} packets sent to answer
 * the server's NACKs with RTX (RFC 4588). A video packet is written when its frame is made and may then wait in the
 * publisher's {@link Pacer}; {@link #onVideoSent} stamps it and keeps it when it actually leaves.
 *
 * <pre>
 *  RTP header (12) | 0xBEDE, 2 words | abs-send-time | mid | audio level or padding   = 24 bytes
 *  payload: codec header | noise ... | send time (8 bytes, System.nanoTime of the sender)
 * </pre>
 *
 * The codec header is what the SFU reads: VP8's payload descriptor with a 15-bit picture id and, at a frame's
 * start, the frame tag (keyframe: P = 0 and the start code {@code 9d 01 2a}, RFC 7741 §4.3); for H.264 a single
 * NAL unit or FU-A fragments (RFC 6184 §5.8) of an IDR (type 5) or non-IDR (type 1) slice. The send time sits at
 * the payload's end, so a receiver finds it without parsing the codec header.
 *
 * <p>Confined to its publisher's event loop; allocates nothing per packet.
 */
final class SyntheticStream {
    static final int HEADER_LENGTH = 24;
    static final int STAMP_LENGTH = 8;
    /** Every packet buffer: the largest datagram plus SRTP's tailroom. */
    static final int BUFFER_LENGTH = Buffers.CAPACITY;
    /** Video packets kept for retransmission: about 2 s at 1 Mbit/s. */
    static final int HISTORY = 256;

    static final int AUDIO_LEVEL_ID = 1;
    static final int ABS_SEND_TIME_ID = 2;
    static final int MID_ID = 3;

    private static final byte[] NOISE = new byte[BUFFER_LENGTH];
    /** VP8 frame tag with P = 0 (key frame), the start code 9d 01 2a, 640 × 360 (RFC 6386 §9.1). */
    private static final byte[] VP8_KEYFRAME_HEADER = {0x10, 0x02, 0x00, (byte) 0x9d, 0x01, 0x2a,
        (byte) 0x80, 0x02, 0x68, 0x01};
    /** VP8 frame tag with P = 1 (inter frame). */
    private static final byte[] VP8_DELTA_HEADER = {0x11, 0x02, 0x00};

    static {
        new Random(20_260_101).nextBytes(NOISE);
    }

    private final boolean video;
    private final boolean h264;
    private final long ssrc;
    private final long rtxSsrc;
    private final int payloadType;
    private final int rtxPayloadType;
    private final byte mid;
    private final RtpPacket view = new RtpPacket();

    private int sequenceNumber;
    private int rtxSequenceNumber;
    private long timestamp;
    private int pictureId;

    // The frame being packetized.
    private boolean keyframe;
    private int frameBytes;
    private int packetsInFrame;
    private int packetIndex;
    private int bytesLeft;

    private final byte[][] history;
    private final int[] historyLengths;
    private final int[] historySequence;

    private long packetsSent;
    private long bytesSent;
    private long retransmitted;
    private long frames;
    private long keyframes;

    /**
     * @param rtxSsrc the RTX SSRC, or -1 (audio, or no RTX)
     * @param rtxPayloadType the RTX payload type, or -1
     */
    SyntheticStream(boolean video, boolean h264, long ssrc, long rtxSsrc, int payloadType, int rtxPayloadType,
            char mid, Random random) {
        this.video = video;
        this.h264 = h264;
        this.ssrc = ssrc;
        this.rtxSsrc = rtxSsrc;
        this.payloadType = payloadType;
        this.rtxPayloadType = rtxPayloadType;
        this.mid = (byte) mid;
        this.sequenceNumber = random.nextInt(1 << 16);
        this.rtxSequenceNumber = random.nextInt(1 << 16);
        this.timestamp = random.nextInt() & 0xFFFF_FFFFL;
        this.pictureId = random.nextInt(1 << 15);
        if (video) {
            history = new byte[HISTORY][BUFFER_LENGTH];
            historyLengths = new int[HISTORY];
            historySequence = new int[HISTORY];
            java.util.Arrays.fill(historySequence, -1);
        } else {
            history = null;
            historyLengths = null;
            historySequence = null;
        }
    }

    long ssrc() {
        return ssrc;
    }

    long rtxSsrc() {
        return rtxSsrc;
    }

    boolean isVideo() {
        return video;
    }

    /** Writes one audio packet of {@code payload} bytes at RTP timestamp step 960 (20 ms at 48 kHz). */
    int writeAudio(byte[] out, int payload, long nowNanos) {
        int len = HEADER_LENGTH + payload;
        writeHeader(out, false, nowNanos);
        System.arraycopy(NOISE, 0, out, HEADER_LENGTH, payload - STAMP_LENGTH);
        // ssrc-audio-level: voice activity and a level that moves, as a talking microphone's does.
        out[22] = (byte) (AUDIO_LEVEL_ID << 4);
        out[23] = (byte) ((packetsSent % 50 < 30 ? 0x80 : 0) | (int) (20 + packetsSent % 40));
        stamp(out, len, nowNanos);
        timestamp = (timestamp + 960) & 0xFFFF_FFFFL;
        count(len);
        return len;
    }

    /** Starts the next video frame of {@code bytes} bytes; {@code timestampStep} is 90 kHz ticks since the last. */
    void startFrame(boolean key, int bytes, int timestampStep) {
        keyframe = key;
        frameBytes = Math.max(bytes, 64);
        packetsInFrame = (frameBytes + MediaShape.MAX_PAYLOAD - 1) / MediaShape.MAX_PAYLOAD;
        packetIndex = 0;
        bytesLeft = frameBytes;
        timestamp = (timestamp + timestampStep) & 0xFFFF_FFFFL;
        pictureId = (pictureId + 1) & 0x7FFF;
        frames++;
        if (key) {
            keyframes++;
        }
    }

    /**
     * Writes the frame's next packet into {@code out}, stamped {@code nowNanos}; returns its length, or -1 after the
     * last. Pass the packet to {@link #onVideoSent} when it leaves.
     */
    int writeVideo(byte[] out, long nowNanos) {
        if (packetIndex >= packetsInFrame) {
            return -1;
        }
        int remainingPackets = packetsInFrame - packetIndex;
        int payload = bytesLeft / remainingPackets;
        boolean first = packetIndex == 0;
        boolean last = remainingPackets == 1;
        writeHeader(out, last, nowNanos);
        out[22] = 0;
        out[23] = 0;
        int at = HEADER_LENGTH;
        int end = HEADER_LENGTH + payload;
        if (h264) {
            int nalType = keyframe ? 5 : 1;
            if (packetsInFrame == 1) {
                out[at++] = (byte) (0x60 | nalType);
            } else {
                out[at++] = (byte) (0x60 | 28);
                out[at++] = (byte) ((first ? 0x80 : 0) | (last ? 0x40 : 0) | nalType);
            }
            if (first) {
                // The slice header: first_mb_in_slice = 0 (ue(v) "1"), so the slice starts the picture.
                out[at++] = (byte) 0x88;
            }
        } else {
            out[at++] = (byte) (first ? 0x90 : 0x80);
            out[at++] = (byte) 0x80;
            out[at++] = (byte) (0x80 | pictureId >>> 8);
            out[at++] = (byte) pictureId;
            if (first) {
                byte[] tag = keyframe ? VP8_KEYFRAME_HEADER : VP8_DELTA_HEADER;
                System.arraycopy(tag, 0, out, at, tag.length);
                at += tag.length;
            }
        }
        System.arraycopy(NOISE, 0, out, at, end - STAMP_LENGTH - at);
        stamp(out, end, nowNanos);
        packetIndex++;
        bytesLeft -= payload;
        return end;
    }

    /**
     * Video packet {@code packet[0, len)} of this stream, written by {@link #writeVideo}, leaves now (before SRTP):
     * its abs-send-time and send time become {@code nowNanos}, so that time spent in the publisher's pacer counts as
     * neither the network's nor the server's, and it is kept for retransmission. Edits the packet in place.
     */
    void onVideoSent(byte[] packet, int len, long nowNanos) {
        stampAbsSendTime(packet, nowNanos);
        stamp(packet, len, nowNanos);
        int sequenceNumber = sequenceNumber(packet);
        int slot = sequenceNumber % HISTORY;
        System.arraycopy(packet, 0, history[slot], 0, len);
        historyLengths[slot] = len;
        historySequence[slot] = sequenceNumber;
        count(len);
    }

    /**
     * Writes the retransmission of {@code lostSequenceNumber} into {@code out} — RTX when negotiated, else the
     * original packet again — and returns its length, or -1 if it is no longer kept.
     */
    int writeRetransmission(int lostSequenceNumber, byte[] out) {
        if (history == null) {
            return -1;
        }
        int slot = lostSequenceNumber % HISTORY;
        if (historySequence[slot] != lostSequenceNumber) {
            return -1;
        }
        int len = historyLengths[slot];
        int written;
        if (rtxPayloadType < 0) {
            System.arraycopy(history[slot], 0, out, 0, len);
            written = len;
        } else {
            if (!view.wrap(history[slot], 0, len)) {
                return -1;
            }
            written = RtxPacket.build(view, out, 0, rtxSsrc, rtxPayloadType, rtxSequenceNumber);
            rtxSequenceNumber = (rtxSequenceNumber + 1) & 0xFFFF;
        }
        if (written > 0) {
            retransmitted++;
        }
        return written;
    }

    private void writeHeader(byte[] out, boolean marker, long nowNanos) {
        out[0] = (byte) 0x90;
        out[1] = (byte) ((marker ? 0x80 : 0) | payloadType);
        out[2] = (byte) (sequenceNumber >>> 8);
        out[3] = (byte) sequenceNumber;
        putInt(out, 4, timestamp);
        putInt(out, 8, ssrc);
        out[12] = (byte) 0xBE;
        out[13] = (byte) 0xDE;
        out[14] = 0;
        out[15] = 2;
        out[16] = (byte) (ABS_SEND_TIME_ID << 4 | 2);
        stampAbsSendTime(out, nowNanos);
        out[20] = (byte) (MID_ID << 4);
        out[21] = mid;
        sequenceNumber = (sequenceNumber + 1) & 0xFFFF;
    }

    private void count(int len) {
        packetsSent++;
        bytesSent += len;
    }

    private static int sequenceNumber(byte[] packet) {
        return (packet[2] & 0xFF) << 8 | packet[3] & 0xFF;
    }

    /**
     * Writes abs-send-time into a packet of this class's header layout — an RTX packet built from one keeps it —
     * as a sender does when the packet leaves.
     */
    static void stampAbsSendTime(byte[] packet, long nanos) {
        int abs = AbsSendTimeExtension.fromNanos(nanos);
        packet[17] = (byte) (abs >>> 16);
        packet[18] = (byte) (abs >>> 8);
        packet[19] = (byte) abs;
    }

    /** Writes the send time into the last 8 bytes before {@code end}. */
    static void stamp(byte[] out, int end, long nanos) {
        int at = end - STAMP_LENGTH;
        for (int i = 7; i >= 0; i--) {
            out[at + i] = (byte) nanos;
            nanos >>>= 8;
        }
    }

    /** Reads the send time from the last 8 bytes before {@code end}. */
    static long readStamp(byte[] buf, int end) {
        int at = end - STAMP_LENGTH;
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = value << 8 | (buf[at + i] & 0xFF);
        }
        return value;
    }

    private static void putInt(byte[] out, int at, long value) {
        out[at] = (byte) (value >>> 24);
        out[at + 1] = (byte) (value >>> 16);
        out[at + 2] = (byte) (value >>> 8);
        out[at + 3] = (byte) value;
    }

    /** The sequence number the next packet gets. */
    int nextSequenceNumber() {
        return sequenceNumber;
    }

    long packetsSent() {
        return packetsSent;
    }

    /** The RTP timestamp of the latest packet or frame. */
    long timestamp() {
        return timestamp;
    }

    long bytesSent() {
        return bytesSent;
    }

    long retransmitted() {
        return retransmitted;
    }

    long frames() {
        return frames;
    }

    long keyframes() {
        return keyframes;
    }
}

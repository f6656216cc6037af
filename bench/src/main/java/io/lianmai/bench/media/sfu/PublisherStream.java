package io.lianmai.bench.media.sfu;

import io.lianmai.wire.rtp.AbsSendTimeExtension;
import io.lianmai.wire.rtp.AudioLevelExtension;
import io.lianmai.wire.rtp.Codec;
import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.wire.rtp.TransportSequenceNumberExtension;
import io.lianmai.media.srtp.SrtpContext;
import io.lianmai.media.srtp.SrtpError;
import io.lianmai.media.srtp.SrtpMasterKey;
import io.lianmai.media.srtp.SrtpProfile;
import java.util.Map;
import java.util.Random;

/**
 * One publisher's track as Chrome sends it, SRTP-protected, in order: the input of {@link ForwardBenchmark}.
 *
 * <ul>
 *   <li>Audio: Opus, 20 ms per packet (timestamp +960 at 48 kHz), 160-byte RTP packets, an audio level on each.</li>
 *   <li>Video: VP8 at 30 frames per second, 5 packets of 1200 bytes per frame (about 1.4 Mbit/s), marker on the
 *       last; the first frame and every 90th after it is a keyframe. Each packet has a VP8 payload descriptor with
 *       a 15-bit picture id (RFC 7741 §4.2); a frame's first packet starts with the VP8 frame header.</li>
 *   <li>One-byte header extensions (RFC 8285 §4.2) with Chrome's ids: ssrc-audio-level 1 (audio only),
 *       abs-send-time 2, transport-cc 3, mid 4, each written with a moving value per packet.</li>
 * </ul>
 * Sequence numbers start near the 16-bit wrap, so a run crosses it and the SRTP rollover counter moves.
 * Allocates nothing per packet.
 */
final class PublisherStream {
    static final int AUDIO_LEVEL_ID = 1;
    static final int ABS_SEND_TIME_ID = 2;
    static final int TRANSPORT_CC_ID = 3;
    static final int MID_ID = 4;
    /** The publisher's negotiated extmap. */
    static final Map<String, Integer> EXTENSIONS = Map.of(
            "urn:ietf:params:rtp-hdrext:ssrc-audio-level", AUDIO_LEVEL_ID,
            "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", ABS_SEND_TIME_ID,
            "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", TRANSPORT_CC_ID,
            "urn:ietf:params:rtp-hdrext:sdes:mid", MID_ID);

    static final int VIDEO_PACKET_LENGTH = 1200;
    static final int AUDIO_PACKET_LENGTH = 160;
    private static final int PACKETS_PER_FRAME = 5;
    private static final int KEYFRAME_EVERY_FRAMES = 90;
    private static final int FIRST_SEQUENCE_NUMBER = 65_000;
    /** VP8 frame tag with P = 0 (key frame), the start code 9d 01 2a, 640 × 480 (RFC 6386 §9.1). */
    private static final byte[] VP8_KEYFRAME_HEADER = {0x10, 0x02, 0x00, (byte) 0x9d, 0x01, 0x2a,
        (byte) 0x80, 0x02, (byte) 0xe0, 0x01};
    /** VP8 frame tag with P = 1 (inter frame). */
    private static final byte[] VP8_DELTA_HEADER = {0x11, 0x02, 0x00};

    private final boolean video;
    private final int length;
    private final SrtpMasterKey key;
    private final SrtpContext outbound;
    private final RtpPacket view = new RtpPacket();
    private final byte[] template;
    private long sent;
    private long arrivalMillis;

    /**
     * @param video VP8 video, or else Opus audio
     * @param key the publisher's SRTP master key (the server's inbound context uses the same)
     */
    PublisherStream(boolean video, SrtpMasterKey key) {
        this.video = video;
        this.length = video ? VIDEO_PACKET_LENGTH : AUDIO_PACKET_LENGTH;
        this.key = key;
        this.outbound = SrtpContext.create(key);
        // The payload is noise, as compressed media looks.
        byte[] noise = new byte[length];
        new Random(7).nextBytes(noise);
        template = noise;
        byte[] header = {
            (byte) 0x90, (byte) payloadType(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            (byte) 0xbe, (byte) 0xde, 0x00, 0x03,
            (byte) (AUDIO_LEVEL_ID << 4), 0,
            (byte) (ABS_SEND_TIME_ID << 4 | 2), 0, 0, 0,
            (byte) (TRANSPORT_CC_ID << 4 | 1), 0, 0,
            (byte) (MID_ID << 4), (byte) (video ? '1' : '0'),
            0,
        };
        if (video) {
            // No audio level on video: its two bytes become padding.
            header[16] = 0;
            header[17] = 0;
        }
        System.arraycopy(header, 0, template, 0, header.length);
        if (!view.wrap(template, 0, length)) {
            throw new IllegalStateException("the benchmark's RTP template does not parse");
        }
        view.setSsrc(ssrc());
    }

    /** A master key of {@code profile} made from a fixed seed, so runs are repeatable. */
    static SrtpMasterKey key(SrtpProfile profile, long seed) {
        Random random = new Random(seed);
        byte[] master = new byte[profile.masterKeyLength()];
        byte[] salt = new byte[profile.masterSaltLength()];
        random.nextBytes(master);
        random.nextBytes(salt);
        return SrtpMasterKey.of(profile, master, salt);
    }

    SrtpMasterKey key() {
        return key;
    }

    Codec codec() {
        return video ? Codec.VP8 : Codec.OPUS;
    }

    String mid() {
        return video ? "1" : "0";
    }

    int payloadType() {
        return video ? 96 : 111;
    }

    long ssrc() {
        return video ? 0x1b2c_3d4eL : 0x2c3d_4e5fL;
    }

    /** The ssrc-audio-level id the track should read, 0 for video. */
    int audioLevelId() {
        return video ? 0 : AUDIO_LEVEL_ID;
    }

    /** Packets written so far. */
    long sent() {
        return sent;
    }

    /** When the packet last written reaches the server, in milliseconds from the stream's start. */
    long arrivalMillis() {
        return arrivalMillis;
    }

    /**
     * Writes the next packet, SRTP-protected, at the start of {@code out} (which has {@link
     * SrtpProfile#MAX_OVERHEAD} bytes of room after the packet) and returns its length.
     */
    int writeNext(byte[] out) {
        long n = sent++;
        System.arraycopy(template, 0, out, 0, length);
        view.wrap(out, 0, length);
        view.setSequenceNumber((int) (FIRST_SEQUENCE_NUMBER + n));
        if (video) {
            long frame = n / PACKETS_PER_FRAME;
            int inFrame = (int) (n % PACKETS_PER_FRAME);
            arrivalMillis = frame * 100 / 3 + inFrame;
            view.setTimestamp(0x1000_0000L + 3000 * frame);
            view.setMarker(inFrame == PACKETS_PER_FRAME - 1);
            int payload = view.payloadOffset();
            int pictureId = (int) (frame & 0x7FFF);
            // X=1, S at a frame's first packet, PID 0; I=1; M=1 and the 15-bit picture id.
            out[payload] = (byte) (inFrame == 0 ? 0x90 : 0x80);
            out[payload + 1] = (byte) 0x80;
            out[payload + 2] = (byte) (0x80 | pictureId >>> 8);
            out[payload + 3] = (byte) pictureId;
            if (inFrame == 0) {
                byte[] frameHeader = frame % KEYFRAME_EVERY_FRAMES == 0 ? VP8_KEYFRAME_HEADER : VP8_DELTA_HEADER;
                System.arraycopy(frameHeader, 0, out, payload + 4, frameHeader.length);
            }
        } else {
            arrivalMillis = n * 20;
            view.setTimestamp(0x2000_0000L + 960 * n);
            AudioLevelExtension.write(view, AUDIO_LEVEL_ID, n % 50 < 25, (int) (20 + n % 30));
        }
        AbsSendTimeExtension.write(view, ABS_SEND_TIME_ID, AbsSendTimeExtension.fromNanos(arrivalMillis * 1_000_000));
        TransportSequenceNumberExtension.write(view, TRANSPORT_CC_ID, (int) n);
        int protectedLength = outbound.protectRtp(out, 0, length);
        if (protectedLength < 0) {
            throw new IllegalStateException("the publisher could not protect packet " + n + ": "
                    + SrtpError.ofCode(protectedLength));
        }
        return protectedLength;
    }
}

package io.lianmai.wire.rtp;

import io.lianmai.wire.av1.Av1AggregationHeader;
import io.lianmai.wire.h264.H264Payload;
import io.lianmai.wire.h265.H265Payload;
import io.lianmai.wire.vp8.Vp8PayloadDescriptor;
import io.lianmai.wire.vp9.Vp9PayloadDescriptor;
import java.util.Optional;

/**
 * The media codecs the SFU forwards, with their RTP clock rates, for dispatching payload inspection: keyframes (to
 * switch layers or answer a new subscriber) and frame starts. Audio codecs have no keyframes and every packet starts a
 * frame.
 */
public enum Codec {
    /** Opus, RFC 7587. */
    OPUS("opus", 48_000, false),
    /** G.722; its RTP clock is 8 kHz although it samples at 16 kHz (RFC 3551 §4.5.2). */
    G722("G722", 8_000, false),
    /** G.711 μ-law, RFC 3551. */
    PCMU("PCMU", 8_000, false),
    /** G.711 A-law, RFC 3551. */
    PCMA("PCMA", 8_000, false),
    /** VP8, RFC 7741. */
    VP8("VP8", 90_000, true),
    /** VP9, RFC 9628. */
    VP9("VP9", 90_000, true),
    /** H.264, RFC 6184. */
    H264("H264", 90_000, true),
    /** H.265, RFC 7798. */
    H265("H265", 90_000, true),
    /** AV1, AOM RTP payload format. */
    AV1("AV1", 90_000, true);

    private static final Codec[] VALUES = values();

    private final String encodingName;
    private final int clockRate;
    private final boolean video;

    Codec(String encodingName, int clockRate, boolean video) {
        this.encodingName = encodingName;
        this.clockRate = clockRate;
        this.video = video;
    }

    /** The SDP {@code a=rtpmap} encoding name. */
    public String encodingName() {
        return encodingName;
    }

    /** RTP timestamp ticks per second. */
    public int clockRate() {
        return clockRate;
    }

    /** Whether this is a video codec. */
    public boolean isVideo() {
        return video;
    }

    /** The codec with this SDP encoding name, ignoring case. For signalling, not the packet path. */
    public static Optional<Codec> fromEncodingName(String name) {
        for (Codec codec : VALUES) {
            if (codec.encodingName.equalsIgnoreCase(name)) {
                return Optional.of(codec);
            }
        }
        return Optional.empty();
    }

    /** Whether the RTP payload {@code (buf, off, len)} starts a key frame; always {@code false} for audio. */
    public boolean isKeyframe(byte[] buf, int off, int len) {
        switch (this) {
            case VP8:
                return Vp8PayloadDescriptor.isKeyframe(buf, off, len);
            case VP9:
                return Vp9PayloadDescriptor.isKeyframe(buf, off, len);
            case H264:
                return H264Payload.isKeyframe(buf, off, len);
            case H265:
                return H265Payload.isKeyframe(buf, off, len);
            case AV1:
                return Av1AggregationHeader.isKeyframe(buf, off, len);
            default:
                return false;
        }
    }

    /** Whether the RTP payload {@code (buf, off, len)} starts a frame; every non-empty audio packet does. */
    public boolean isStartOfFrame(byte[] buf, int off, int len) {
        switch (this) {
            case VP8:
                return Vp8PayloadDescriptor.isStartOfFrame(buf, off, len);
            case VP9:
                return Vp9PayloadDescriptor.isStartOfFrame(buf, off, len);
            case H264:
                return H264Payload.isStartOfFrame(buf, off, len);
            case H265:
                return H265Payload.isStartOfFrame(buf, off, len);
            case AV1:
                return Av1AggregationHeader.isStartOfFrame(buf, off, len);
            default:
                return len > 0;
        }
    }

    /** {@link #isKeyframe(byte[], int, int)} on the payload of a wrapped packet. */
    public boolean isKeyframe(RtpPacket packet) {
        return isKeyframe(packet.buffer(), packet.payloadOffset(), packet.payloadLength());
    }

    /** {@link #isStartOfFrame(byte[], int, int)} on the payload of a wrapped packet. */
    public boolean isStartOfFrame(RtpPacket packet) {
        return isStartOfFrame(packet.buffer(), packet.payloadOffset(), packet.payloadLength());
    }
}

package io.lianmai.media.sdp;

/**
 * The codecs the SFU can forward. It never decodes, so "support" means it can packetise-agnostically forward the
 * payload, request key frames for it and pair its RTX stream.
 */
public enum CodecType {
    /** RFC 7587: always {@code opus/48000/2} in SDP. */
    OPUS(MediaKind.AUDIO, "opus", 48000),
    /** RFC 7741. */
    VP8(MediaKind.VIDEO, "VP8", 90000),
    /** RFC 6184, packetization-mode 1 only (single NAL and FU-A/STAP-A, what browsers send). */
    H264(MediaKind.VIDEO, "H264", 90000),
    /** RFC 9628; {@code profile-id} must match between publisher and subscriber. */
    VP9(MediaKind.VIDEO, "VP9", 90000),
    /** AV1 RTP specification; {@code profile} must match between publisher and subscriber. */
    AV1(MediaKind.VIDEO, "AV1", 90000);

    private final MediaKind kind;
    private final String encodingName;
    private final int clockRate;

    CodecType(MediaKind kind, String encodingName, int clockRate) {
        this.kind = kind;
        this.encodingName = encodingName;
        this.clockRate = clockRate;
    }

    public MediaKind kind() {
        return kind;
    }

    /** The rtpmap encoding name, compared ignoring case. */
    public String encodingName() {
        return encodingName;
    }

    public int clockRate() {
        return clockRate;
    }

    /** Whether an offered codec is of this type (name and clock rate). */
    public boolean matches(RtpCodec codec) {
        return codec.is(encodingName) && codec.clockRate() == clockRate;
    }

    /** The type of a codec, or {@code null} when the SFU does not forward it. */
    static CodecType of(RtpCodec codec) {
        for (CodecType type : values()) {
            if (type.matches(codec)) {
                return type;
            }
        }
        return null;
    }
}

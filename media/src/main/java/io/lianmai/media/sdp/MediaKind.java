package io.lianmai.media.sdp;

/** The media type of an {@code m=} line (RFC 8866 §5.14) as far as the SFU cares. */
public enum MediaKind {
    AUDIO("audio"),
    VIDEO("video"),
    /** Data channels ({@code webrtc-datachannel} over SCTP); not served yet. */
    APPLICATION("application"),
    /** Anything else ({@code text}, {@code message}...); never served. */
    OTHER("");

    private final String sdpName;

    MediaKind(String sdpName) {
        this.sdpName = sdpName;
    }

    /** The media token as written in SDP; empty for {@link #OTHER}. */
    public String sdpName() {
        return sdpName;
    }

    /** Maps an {@code m=} media token, case-insensitively. */
    public static MediaKind of(String media) {
        for (MediaKind kind : values()) {
            if (kind != OTHER && kind.sdpName.equalsIgnoreCase(media)) {
                return kind;
            }
        }
        return OTHER;
    }

    /** True for audio and video, the kinds that carry RTP. */
    public boolean isRtp() {
        return this == AUDIO || this == VIDEO;
    }
}

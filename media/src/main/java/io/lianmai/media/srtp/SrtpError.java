package io.lianmai.media.srtp;

/**
 * Why {@link SrtpContext} refused a packet. The packet methods return {@link #code()} (always negative) instead
 * of throwing, and the context counts each reason.
 */
public enum SrtpError {
    /** Offset or length outside the array, or too little tailroom left for protecting. */
    BAD_BUFFER(-1),
    /** Shorter than a header plus, when unprotecting, the trailer (tag, SRTCP index). */
    TOO_SHORT(-2),
    /** Not version 2, or a CSRC list or header extension that runs past the packet. */
    MALFORMED(-3),
    /** The authentication tag did not verify: forged, corrupted, or keyed differently. */
    AUTH_FAILED(-4),
    /** An index already received inside the replay window (RFC 3711 §3.3.2). */
    REPLAYED(-5),
    /** An index older than the replay window can judge (RFC 3711 §3.3.2). */
    TOO_OLD(-6),
    /** A new SSRC when the context already tracks {@link SrtpConfig#maxStreams()}. */
    TOO_MANY_STREAMS(-7),
    /** The 48-bit SRTP or 31-bit SRTCP index ran out: the keys must be replaced (RFC 3711 §9.2). */
    INDEX_EXHAUSTED(-8);

    private final int code;

    SrtpError(int code) {
        this.code = code;
    }

    /** The negative value the packet methods return for this reason. */
    public int code() {
        return code;
    }

    /** The reason for a negative result of a packet method. */
    public static SrtpError ofCode(int code) {
        return switch (code) {
            case -1 -> BAD_BUFFER;
            case -2 -> TOO_SHORT;
            case -3 -> MALFORMED;
            case -4 -> AUTH_FAILED;
            case -5 -> REPLAYED;
            case -6 -> TOO_OLD;
            case -7 -> TOO_MANY_STREAMS;
            case -8 -> INDEX_EXHAUSTED;
            default -> throw new IllegalArgumentException("not an SRTP error code: " + code);
        };
    }
}

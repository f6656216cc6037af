package io.lianmai.media.sdp;

import java.util.OptionalInt;

/**
 * A codec both sides agreed on for one m-line, with the RTX payload type paired to it.
 *
 * @param codec             payload type (as used on this m-line), name, clock rate, parameters and the agreed
 *                          RTCP feedback
 * @param rtxPayloadType    the RTX payload type whose {@code apt} is this codec, when RTX was negotiated
 * @param sourcePayloadType on a sending m-line, the payload type the publisher uses for the same codec: the SFU
 *                          rewrites {@code sourcePayloadType} to {@code codec.payloadType()} when forwarding
 */
public record NegotiatedCodec(RtpCodec codec, OptionalInt rtxPayloadType, OptionalInt sourcePayloadType) {

    public NegotiatedCodec {
        if (codec == null || rtxPayloadType == null || sourcePayloadType == null) {
            throw new IllegalArgumentException("codec and optional payload types are required");
        }
    }

    /** The codec's payload type on this m-line. */
    public int payloadType() {
        return codec.payloadType();
    }

    /** The codec's type, or {@code null} for a codec the SFU does not know (never in a negotiated result). */
    public CodecType type() {
        return CodecType.of(codec);
    }
}

package io.lianmai.live.rtmp;

import io.netty.handler.codec.DecoderException;

/**
 * A peer broke the RTMP protocol (bad handshake version, malformed chunk, oversized message, invalid command). The
 * handler that detects it closes that connection only; the message says what was wrong and cites the spec.
 */
public final class RtmpException extends DecoderException {
    public RtmpException(String message) {
        super(message);
    }

    public RtmpException(String message, Throwable cause) {
        super(message, cause);
    }
}

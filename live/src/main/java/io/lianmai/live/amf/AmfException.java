package io.lianmai.live.amf;

/** AMF0 data that cannot be decoded or encoded; the message says what was wrong and at which byte offset. */
public final class AmfException extends RuntimeException {
    public AmfException(String message) {
        super(message);
    }
}

package io.lianmai.media.dtls;

/**
 * Why a DTLS handshake failed, with a message for logs and operators. Passed to
 * {@link DtlsSessionListener#onDtlsFailed}.
 */
public final class DtlsException extends Exception {
    /** The kinds of failure a caller may want to tell apart. */
    public enum Reason {
        /** The handshake did not complete within {@link DtlsConfig#handshakeTimeout()}. */
        TIMEOUT,
        /** The peer's certificate does not hash to the {@code a=fingerprint} of its SDP (RFC 5763 §5). */
        FINGERPRINT_MISMATCH,
        /** The peer presented no certificate, which WebRTC requires of both sides (RFC 8827 §6.5). */
        NO_CERTIFICATE,
        /** The peer offered or chose no SRTP protection profile this side supports (RFC 5764 §4.1.1). */
        NO_COMMON_SRTP_PROFILE,
        /** The peer sent a fatal alert. */
        REMOTE_ALERT,
        /** The handshake broke the protocol (bad message, no common cipher suite or group, ...). */
        PROTOCOL_ERROR,
        /** {@link DtlsSession#close()} was called before the handshake completed. */
        CLOSED,
        /** Anything else, e.g. a bug; the cause says more. */
        INTERNAL_ERROR
    }

    private final Reason reason;

    public DtlsException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public DtlsException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String getMessage() {
        return reason + ": " + super.getMessage();
    }
}

package io.lianmai.media.dtls;

/** Why a connected DTLS session ended ({@link DtlsSessionListener#onDtlsClosed}). */
public enum DtlsCloseReason {
    /** The remote sent close_notify (RFC 5246 §7.2.1). */
    REMOTE_CLOSE_NOTIFY,
    /** The remote sent a fatal alert. */
    REMOTE_FATAL_ALERT,
    /** {@link DtlsSession#close()} was called here; close_notify was sent. */
    LOCAL_CLOSE,
    /** Received records could not be processed (BouncyCastle failed the connection). */
    PROTOCOL_ERROR
}

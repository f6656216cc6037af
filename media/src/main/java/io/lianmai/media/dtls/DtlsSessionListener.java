package io.lianmai.media.dtls;

/**
 * Receives what happens to a {@link DtlsSession}.
 *
 * <p>Calls come on an executor thread of the session's {@link DtlsContext}, one at a time per session, never
 * concurrently. Each session reports exactly one of {@link #onDtlsConnected} or {@link #onDtlsFailed}; after
 * {@link #onDtlsConnected} it reports {@link #onDtlsClosed} at most once. An exception thrown here is logged and
 * otherwise ignored.
 */
public interface DtlsSessionListener {
    /**
     * The handshake completed: SRTP keys are ready. Build the SRTP contexts with
     * {@link DtlsSrtpKeyingMaterial#newInboundContext()} and {@link DtlsSrtpKeyingMaterial#newOutboundContext()}.
     */
    void onDtlsConnected(DtlsSession session, DtlsSrtpKeyingMaterial keys);

    /** The handshake failed; the session is dead. */
    void onDtlsFailed(DtlsSession session, DtlsException cause);

    /** A connected session ended; SRTP contexts made from its keys should be dropped. */
    void onDtlsClosed(DtlsSession session, DtlsCloseReason reason);

    /**
     * Application data arrived after the handshake (for the future: SCTP data channels ride on it). The array is
     * only lent for the call. Ignored by default.
     */
    default void onDtlsApplicationData(DtlsSession session, byte[] buf, int off, int len) {
    }
}

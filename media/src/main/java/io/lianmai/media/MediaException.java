package io.lianmai.media;

/** A media request that cannot be served, with a typed reason the HTTP layer maps to a status code. */
public final class MediaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a request failed. */
    public enum Reason {
        /** The SDP offer cannot be parsed or negotiated (no common codec, no rtcp-mux, no ICE credentials…). */
        BAD_OFFER,
        /** Nobody publishes the requested stream. */
        STREAM_NOT_FOUND,
        /** The server is shutting down or out of resources. */
        UNAVAILABLE
    }

    private final Reason reason;

    public MediaException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public MediaException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

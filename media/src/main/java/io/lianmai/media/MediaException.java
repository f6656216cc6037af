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
    private final int retryAfterSeconds;

    public MediaException(Reason reason, String message) {
        super(message);
        this.reason = reason;
        this.retryAfterSeconds = 0;
    }

    /**
     * A refusal because the node is full for now: {@link Reason#UNAVAILABLE}, with how long the client should wait
     * before trying again (HTTP {@code Retry-After}).
     */
    public static MediaException full(String message, int retryAfterSeconds) {
        return new MediaException(message, retryAfterSeconds);
    }

    private MediaException(String message, int retryAfterSeconds) {
        super(message);
        this.reason = Reason.UNAVAILABLE;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public MediaException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.retryAfterSeconds = 0;
    }

    public Reason reason() {
        return reason;
    }

    /** Seconds after which a refused client may try again (the node was full), or 0 when not said. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}

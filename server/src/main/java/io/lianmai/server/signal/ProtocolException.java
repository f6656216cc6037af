package io.lianmai.server.signal;

/**
 * A frame that breaks the protocol (not JSON, wrong shape, unknown action, a field of the wrong type): answered
 * with an error and counted towards closing the socket.
 */
final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    private final long requestId;

    /**
     * @param requestId the frame's request id, or 0 when none could be read
     */
    ProtocolException(long requestId, String message) {
        super(message);
        this.requestId = requestId;
    }

    /** The request id, or 0 when none could be read (the error then goes out as an {@code error} event). */
    long requestId() {
        return requestId;
    }
}

package io.lianmai.server.cluster;

/** The cluster's shared state (Redis) cannot be reached now, so what needs it is refused; running calls go on. */
public final class ClusterUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClusterUnavailableException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}

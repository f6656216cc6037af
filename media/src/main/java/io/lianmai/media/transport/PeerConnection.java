package io.lianmai.media.transport;

/**
 * What an ICE-TCP connection carries once a valid check has bound it (RFC 6544): one peer connection, which may end
 * before the TCP connection closes. The socket layer knows no more of sessions than this.
 */
public interface PeerConnection {
    /** Whether the peer connection has ended; its TCP connection is then closed. On the media loop. */
    boolean isEnded();

    /**
     * Whether a valid check has bound the connection to a session yet; until then the handshake timeout applies. A
     * connection handed to another media loop is not bound until that loop has validated its check.
     */
    default boolean isBound() {
        return true;
    }
}

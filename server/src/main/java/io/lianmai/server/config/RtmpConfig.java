package io.lianmai.server.config;

import java.time.Duration;

/**
 * Where RTMP ingest listens, and what one connection may cost before and after it is authorised.
 *
 * @param host address to bind
 * @param port TCP port (1935); 0 picks a free one (tests); -1 turns RTMP off
 * @param handshakeTimeout time from accept until publish or play is authorised
 * @param idleTimeout silence (nothing read; for a player nothing read or written) after which a connection closes
 * @param preAuthMaxBytes chunk size, message size and buffered bytes allowed before authorisation
 * @param maxMessageBytes largest message (and chunk size) after authorisation
 * @param maxConnectionsPerIp open connections from one source address
 */
public record RtmpConfig(String host, int port, Duration handshakeTimeout, Duration idleTimeout, int preAuthMaxBytes,
        int maxMessageBytes, int maxConnectionsPerIp) {
    /** Whether RTMP is on. */
    public boolean enabled() {
        return port >= 0;
    }
}

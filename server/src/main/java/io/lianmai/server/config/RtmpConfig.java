package io.lianmai.server.config;

/**
 * Where RTMP ingest listens.
 *
 * @param host address to bind
 * @param port TCP port (1935); 0 picks a free one (tests); -1 turns RTMP off
 */
public record RtmpConfig(String host, int port) {
    /** Whether RTMP is on. */
    public boolean enabled() {
        return port >= 0;
    }
}

package io.lianmai.server.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Where the HTTP front door listens, how users are told to reach it, and what one client may hold open.
 *
 * @param host address to bind
 * @param port TCP port; 0 picks a free one (tests)
 * @param publicUrl base URL to print for users, when the server sits behind a proxy or a public name
 * @param idleTimeout a connection on which nothing is read or written for this long is closed
 * @param maxHeaderBytes largest request header block
 * @param maxConnectionsPerIp open connections (WebSockets included) from one source address
 * @param sendBufferBytes kernel send buffer per connection ({@code SO_SNDBUF}); 0 leaves it to the kernel
 */
public record HttpConfig(String host, int port, Optional<String> publicUrl, Duration idleTimeout, int maxHeaderBytes,
        int maxConnectionsPerIp, int sendBufferBytes) {

    /** Longest request line (method, path and query) accepted: Vert.x's default, ample for every route. */
    public static final int MAX_INITIAL_LINE_BYTES = 4096;

    /**
     * Seconds a WebSocket client has to answer the server's close frame before its connection is cut: a client that
     * ignores it (it stopped reading) must not hold the socket for Vert.x's default 10 s.
     */
    public static final int WEBSOCKET_CLOSING_TIMEOUT_SECONDS = 2;

    public HttpConfig {
        if (port < 0 || port > 65535) {
            throw new ConfigException("http.port must be 0..65535, got " + port);
        }
    }

    /** The base URL users should open, ending in {@code /}, given the port actually bound. */
    public String baseUrl(int boundPort) {
        String url = publicUrl.orElse("http://localhost:" + boundPort + "/");
        return url.endsWith("/") ? url : url + "/";
    }
}

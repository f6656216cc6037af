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
 */
public record HttpConfig(String host, int port, Optional<String> publicUrl, Duration idleTimeout, int maxHeaderBytes,
        int maxConnectionsPerIp) {

    /** Longest request line (method, path and query) accepted: Vert.x's default, ample for every route. */
    public static final int MAX_INITIAL_LINE_BYTES = 4096;

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

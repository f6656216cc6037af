package io.lianmai.server.config;

import java.util.Optional;

/**
 * Where the HTTP front door listens and how users are told to reach it.
 *
 * @param host address to bind
 * @param port TCP port; 0 picks a free one (tests)
 * @param publicUrl base URL to print for users, when the server sits behind a proxy or a public name
 */
public record HttpConfig(String host, int port, Optional<String> publicUrl) {

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

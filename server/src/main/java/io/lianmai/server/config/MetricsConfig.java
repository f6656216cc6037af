package io.lianmai.server.config;

import java.util.Optional;

/**
 * Who may read {@code GET /metrics} and where it is served ({@code metrics.*}).
 *
 * <p>Safe by default: with no token the HTTP port answers only scrapers on this machine (loopback, no proxy
 * header), so a node on the Internet does not publish its load; with a management port the endpoint leaves the HTTP
 * port and is served on {@code host} (loopback unless chosen otherwise).
 *
 * @param enabled whether the endpoint exists at all
 * @param token the bearer token every scrape must carry; empty for none
 * @param host address the management port binds
 * @param port the management port, 0 for any free one, -1 for none (then {@code /metrics} is on the HTTP port)
 */
public record MetricsConfig(boolean enabled, String token, String host, int port) {
    /** On the HTTP port, loopback scrapers only. */
    public static final MetricsConfig DEFAULT = new MetricsConfig(true, "", "127.0.0.1", -1);

    /** The bearer token, when one is set. */
    public Optional<String> bearerToken() {
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    /** Whether {@code /metrics} is served on its own port rather than on the HTTP port. */
    public boolean ownPort() {
        return port >= 0;
    }

    @Override
    public String toString() {
        return "MetricsConfig[enabled=" + enabled + ", token=" + (token.isEmpty() ? "none" : "(hidden)") + ", host="
                + host + ", port=" + port + "]";
    }
}

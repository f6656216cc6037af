package io.lianmai.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.server.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where {@code /metrics} answers and to whom, without a token: safe by default. */
class MetricsAccessIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void withoutATokenOnlyThisMachineWithoutAProxyMayScrape() throws Exception {
        try (TestServer server = TestServer.start()) {
            HttpResponse<String> local = get(server.url("/metrics"), null);
            assertThat(local.statusCode()).isEqualTo(200);
            PrometheusText.parse(local.body());

            HttpResponse<String> proxied = get(server.url("/metrics"), "203.0.113.9");
            assertThat(proxied.statusCode()).as("a request a local reverse proxy forwarded").isEqualTo(403);
            assertThat(proxied.body()).contains("metrics.token");
        }
    }

    @Test
    void aManagementPortTakesTheEndpointOffTheHttpPort() throws Exception {
        try (TestServer server = TestServer.start(Map.of("metrics.port", "0"))) {
            int port = server.server().metricsPort();
            assertThat(port).isPositive().isNotEqualTo(server.server().httpPort());
            HttpResponse<String> scraped = get(URI.create("http://127.0.0.1:" + port + "/metrics"), null);
            assertThat(scraped.statusCode()).isEqualTo(200);
            assertThat(PrometheusText.parse(scraped.body()).value("lianmai_rooms")).isZero();

            assertThat(get(server.url("/metrics"), null).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void switchedOffThereIsNoEndpoint() throws Exception {
        try (TestServer server = TestServer.start(Map.of("metrics.enabled", "false"))) {
            assertThat(get(server.url("/metrics"), null).statusCode()).isEqualTo(404);
        }
    }

    private static HttpResponse<String> get(URI uri, String forwardedFor) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        if (forwardedFor != null) {
            request.header("x-forwarded-for", forwardedFor);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

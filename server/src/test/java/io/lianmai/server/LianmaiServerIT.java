package io.lianmai.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianmai.server.config.ConfigLoader;
import io.lianmai.server.config.LianmaiConfig;
import io.lianmai.store.App;
import io.netty.channel.epoll.Epoll;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole node started in-process on loopback, with its real HTTP server and embedded database. */
class LianmaiServerIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path workingDirectory;

    @Test
    void firstStartCreatesTheDefaultAppAndHealthAnswers() throws Exception {
        try (LianmaiServer server = LianmaiServer.start(config(Map.of()), Clock.systemUTC())) {
            assertThat(server.createdDefaultApp()).isPresent();
            App app = server.createdDefaultApp().get();
            assertThat(app.sdkAppId().value()).isEqualTo(1400000000L);
            assertThat(app.name()).isEqualTo("Default app");

            HttpResponse<String> health = get(server, "healthz");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.headers().firstValue("content-type")).contains("application/json");
            JsonNode body = new ObjectMapper().readTree(health.body());
            assertThat(body.get("status").asText()).isEqualTo("ok");
            assertThat(body.get("apps").asLong()).isEqualTo(1);
            assertThat(health.body()).doesNotContain(app.secretKey());
        }
    }

    /** HTTP-FLV players, signalling sockets and the API run on epoll where Netty's natives load, not on NIO. */
    @Test
    void httpRunsOnTheNativeTransportWhereItLoads() throws Exception {
        assumeTrue(Epoll.isAvailable(), "no epoll here: " + Epoll.unavailabilityCause());
        Vertx vertx = LianmaiServer.startVertx();
        try {
            assertThat(vertx.isNativeTransportEnabled()).isTrue();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void restartKeepsEveryAppAndCreatesNoSecondDefault() {
        App first;
        App extra;
        try (LianmaiServer server = LianmaiServer.start(config(Map.of()), Clock.systemUTC())) {
            first = server.createdDefaultApp().orElseThrow();
            extra = server.apps().create("Second");
        }
        try (LianmaiServer server = LianmaiServer.start(config(Map.of()), Clock.systemUTC())) {
            assertThat(server.createdDefaultApp()).isEmpty();
            assertThat(server.apps().list()).extracting(App::sdkAppId, App::secretKey, App::name)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(first.sdkAppId(), first.secretKey(), first.name()),
                            org.assertj.core.groups.Tuple.tuple(extra.sdkAppId(), extra.secretKey(), "Second"));
        }
    }

    @Test
    void noDefaultAppWhenConfiguredOff() {
        try (LianmaiServer server = LianmaiServer.start(config(Map.of("apps.createDefault", "false")),
                Clock.systemUTC())) {
            assertThat(server.createdDefaultApp()).isEmpty();
            assertThat(server.apps().count()).isZero();
        }
    }

    @Test
    void busyPortIsAClearErrorAndLeavesNothingRunning() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Map<String, String> flags = Map.of("http.port", Integer.toString(taken.getLocalPort()));

            assertThatThrownBy(() -> LianmaiServer.start(config(flags), Clock.systemUTC()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot start Lianmai on 127.0.0.1:" + taken.getLocalPort());
        }
        // The store was closed on failure: the next start on the same data directory works.
        try (LianmaiServer server = LianmaiServer.start(config(Map.of()), Clock.systemUTC())) {
            assertThat(get(server, "healthz").statusCode()).isEqualTo(200);
        }
    }

    private LianmaiConfig config(Map<String, String> overrides) {
        Map<String, String> flags = new java.util.HashMap<>(Map.of("http.port", "0", "http.host", "127.0.0.1",
                "media.udpPort", "0", "media.tcpPort", "0", "media.publicIp", "127.0.0.1",
                "media.host", "127.0.0.1", "rtmp.port", "0", "rtmp.host", "127.0.0.1"));
        flags.putAll(overrides);
        return new ConfigLoader(Map.of(), workingDirectory).load(Optional.empty(), flags);
    }

    private static HttpResponse<String> get(LianmaiServer server, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/" + path))
                .timeout(Duration.ofSeconds(10)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}

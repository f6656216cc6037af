package io.lianmai.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.auth.UserSigSigner;
import io.lianmai.server.callback.ChildServer;
import io.lianmai.store.App;
import io.lianmai.store.JdbcAppStore;
import io.lianmai.store.StoreConfig;
import io.lianmai.testkit.ExternalTools;
import io.lianmai.testkit.RedisServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A cluster of real processes for a test: a {@code redis-server}, a schema of its own in the test PostgreSQL (named by
 * {@code LIANMAI_TEST_POSTGRES_URL}, as .ci/run provides; skipped loudly without it), an app created in it, and
 * Lianmai nodes each in its own JVM ({@link ChildServer}) with the same secret. Closing stops everything, prints
 * the nodes' logs when asked to, and drops the schema.
 */
final class ClusterHarness implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final String url;
    private final String user;
    private final String password;
    private final String schema;
    private final RedisServer redis;
    private final App app;
    private final UserSigSigner signer;
    private final String secret = Base64.getEncoder().encodeToString(randomBytes(32));
    private final Map<String, ChildServer> nodes = new LinkedHashMap<>();

    private ClusterHarness(Path dir, String url, String user, String password, String schema, RedisServer redis,
            App app) {
        this.dir = dir;
        this.url = url;
        this.user = user;
        this.password = password;
        this.schema = schema;
        this.redis = redis;
        this.app = app;
        this.signer = new UserSigSigner(app.sdkAppId(), app.secretKey(), Clock.systemUTC());
    }

    /** Redis, the schema and the app; no node yet. */
    static ClusterHarness start(Path dir) throws Exception {
        String url = System.getenv("LIANMAI_TEST_POSTGRES_URL");
        if (url == null) {
            ExternalTools.unavailable("LIANMAI_TEST_POSTGRES_URL is not set: cluster tests need a PostgreSQL "
                    + "server shared by their nodes (.ci/run starts one)");
        }
        String user = System.getenv().getOrDefault("LIANMAI_TEST_POSTGRES_USER", "");
        String password = System.getenv().getOrDefault("LIANMAI_TEST_POSTGRES_PASSWORD", "");
        String schema = "lianmai_cluster_" + HexFormat.of().formatHex(randomBytes(5));
        try (Connection connection = DriverManager.getConnection(url, user, password);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        String jdbcUrl = jdbcUrl(url, schema);
        App app;
        try (JdbcAppStore store = JdbcAppStore.open(new StoreConfig(dir, Optional.of(jdbcUrl), Optional.of(user),
                Optional.of(password), 2), Clock.systemUTC())) {
            app = store.create("cluster-test");
        }
        return new ClusterHarness(dir, url, user, password, schema, RedisServer.start(dir), app);
    }

    private static String jdbcUrl(String url, String schema) {
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** Starts node {@code id} in its own JVM and waits for its /healthz. */
    ChildServer node(String id) throws Exception {
        return node(id, Map.of());
    }

    /** As {@link #node(String)}, with {@code extra} settings. */
    ChildServer node(String id, Map<String, String> extra) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(Map.of(
                "cluster.redis", redis.uri(), "cluster.secret", secret, "cluster.nodeId", id,
                "store.jdbcUrl", jdbcUrl(url, schema), "store.username", user, "store.password", password,
                "apps.createDefault", "false", "api.credentialKey", secret));
        settings.putAll(extra);
        ChildServer node = ChildServer.start(dir.resolve(id), log(id), settings);
        nodes.put(id, node);
        return node;
    }

    private Path log(String id) {
        return dir.resolve(id + ".log");
    }

    /** What node {@code id} has logged so far. */
    String logOf(String id) throws java.io.IOException {
        return java.nio.file.Files.readString(log(id));
    }

    RedisServer redis() {
        return redis;
    }

    App app() {
        return app;
    }

    long sdkAppId() {
        return app.sdkAppId().value();
    }

    String userSig(String userId) {
        return signer.genUserSig(userId, 3600);
    }

    /** The Redis key of a numeric room of the app. */
    String roomKey(long room) {
        return "lianmai:room:" + sdkAppId() + ":r" + room;
    }

    /** A Redis string value, or null. */
    String get(String key) throws Exception {
        String reply = redis.command("GET", key);
        return reply.startsWith("$-1") ? null : reply.split("\r\n")[1];
    }

    /** A field of node {@code id}'s registry entry. */
    int entryField(String id, String field) throws Exception {
        String entry = get("lianmai:node:" + id);
        return entry == null ? -1 : JSON.readTree(entry).path(field).asInt(-1);
    }

    /** Waits until {@code count} nodes are registered. */
    void awaitNodes(int count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String reply = redis.command("SCARD", "lianmai:nodes");
            if (reply.startsWith(":" + count + "\r\n")) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(count + " nodes registered within " + timeout + " (SCARD: " + reply + ")");
            }
            Thread.sleep(200);
        }
    }

    /** {@code POST /api/v1/{action}} on {@code node} as the app's administrator: the {@code Response} object. */
    JsonNode api(ChildServer node, String action, ObjectNode body) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + node.httpPort() + "/api/v1/" + action)).timeout(Duration.ofSeconds(15))
                .header("content-type", "application/json").header("authorization", "Bearer "
                        + userSig("administrator"))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError(action + " on port " + node.httpPort() + " answered " + response.statusCode()
                    + ": " + response.body());
        }
        return JSON.readTree(response.body()).path("Response");
    }

    /** The value of an unlabelled gauge on {@code node}'s {@code /metrics}, or -1 when it has none. */
    static double metric(ChildServer node, String name) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + node.httpPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(line -> line.startsWith(name + " ")).mapToDouble(line -> Double.parseDouble(
                line.substring(name.length() + 1))).findFirst().orElse(-1);
    }

    /** Prints the last lines of every node's log (for a failed test). */
    void printLogs() throws Exception {
        for (String id : nodes.keySet()) {
            if (Files.exists(log(id))) {
                List<String> lines = Files.readAllLines(log(id));
                System.out.println("---- " + id + " (last 300 lines) ----");
                lines.subList(Math.max(0, lines.size() - 300), lines.size()).forEach(System.out::println);
            }
        }
    }

    @Override
    public void close() throws Exception {
        List<ChildServer> running = new ArrayList<>(nodes.values());
        for (ChildServer node : running) {
            node.close();
        }
        redis.close();
        try (Connection connection = DriverManager.getConnection(url, user, password);
                Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}

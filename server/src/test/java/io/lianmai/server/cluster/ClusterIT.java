package io.lianmai.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.auth.UserSigSigner;
import io.lianmai.server.callback.ChildServer;
import io.lianmai.server.sdk.BrowserMedia;
import io.lianmai.server.sdk.WebSdkChromiumIT;
import io.lianmai.server.signal.SignalClient;
import io.lianmai.store.App;



import io.lianmai.testkit.HeadlessChromium;
import io.lianmai.testkit.LibWebRtcPeer;
import io.lianmai.testkit.RedisServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;



import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;


import java.util.List;
import java.util.Map;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode with real processes on loopback (docs/cluster.md): a real {@code redis-server}, a real PostgreSQL
 * shared by three Lianmai nodes (each its own JVM and ports), Chromium members on the web SDK and a libwebrtc member.
 * Members entering one room through different nodes are sent to the node that serves it and see each other; killing
 * that node (SIGKILL) moves them to another within 10 s, with nothing of the dead node left in Redis; draining a node
 * moves its members away and places no new room on it; a Redis outage leaves the call going, refuses a new room with
 * a clear error, and the cluster recovers when Redis is back.
 */
class ClusterIT {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long ROOM = 7701;

    @TempDir
    Path dir;

    @Test
    void aRoomFollowsItsNodeThroughPlacementDeathDrainAndRedisOutage() throws Exception {
        List<AutoCloseable> closing = new ArrayList<>();
        ClusterHarness cluster = ClusterHarness.start(dir);
        closing.add(cluster);
        App app = cluster.app();
        UserSigSigner signer = new UserSigSigner(app.sdkAppId(), app.secretKey(), Clock.systemUTC());
        try {
            RedisServer redis = cluster.redis();
            Map<String, ChildServer> nodes = new java.util.LinkedHashMap<>();
            for (String id : List.of("node1", "node2", "node3")) {
                nodes.put(id, cluster.node(id));
            }
            awaitNodes(redis, 3);

            // The room is placed on node3 ahead of time, so that the nodes the browsers were given stay alive.
            String roomKey = cluster.roomKey(ROOM);
            assertThat(redis.command("SET", roomKey, "node3", "PX", "60000")).startsWith("+OK");
            HeadlessChromium alice = page(nodes.get("node1"), nodes.get("node1"), app.sdkAppId().value(), signer, "alice");
            closing.add(alice);
            HeadlessChromium bob = page(nodes.get("node1"), nodes.get("node2"), app.sdkAppId().value(), signer, "bob");
            closing.add(bob);
            awaitReceiving(alice, "alice (entered through node1) sees bob");
            awaitReceiving(bob, "bob (entered through node2) sees alice");
            awaitMembers(redis, "node3", 2);

            // A libwebrtc member entering through node1 is sent to node3 too, and decodes alice.
            try (SignalClient entry = SignalClient.connect(nodes.get("node1").signalling())) {
                JsonNode moved = entry.ok("enter", enterData(app, signer, "carol"));
                assertThat(moved.path("moveTo").asText()).isEqualTo(nodes.get("node3").signalling().toString());
            }
            try (SignalClient carol = SignalClient.connect(URI.create(
                    nodes.get("node3").signalling().toString()));
                    LibWebRtcPeer player = LibWebRtcPeer.player()) {
                carol.autoHeartbeat(Duration.ofSeconds(2));
                JsonNode entered = carol.ok("enter", enterData(app, signer, "carol"));
                assertThat(entered.path("moveTo").isMissingNode()).isTrue();
                JsonNode answer = carol.ok("subscribe", SignalClient.data().put("streamID", "alice_main")
                        .put("offer", player.createOffer()));
                player.acceptAnswer(answer.path("answer").asText());
                player.awaitMedia(30, 50, WAIT);
                carol.ok("leave", SignalClient.data());
            }

            // SIGKILL of node3: both browsers are in the room again on another node within 10 s.
            int eventsBefore = events(alice, "CONNECTION_STATE_UPDATE").size();
            int bobEventsBefore = events(bob, "CONNECTION_STATE_UPDATE").size();
            long killed = System.nanoTime();
            nodes.get("node3").kill9();
            awaitConnectedAgain(alice, eventsBefore);
            awaitConnectedAgain(bob, bobEventsBefore);
            long reconnectedMillis = (System.nanoTime() - killed) / 1_000_000;
            System.out.println("ClusterIT: both members in the room again " + reconnectedMillis
                    + " ms after SIGKILL of their node");
            assertThat(reconnectedMillis).as("reconnection after kill -9").isLessThan(10_000);
            awaitReceiving(alice, "alice sees bob again");
            awaitReceiving(bob, "bob sees alice again");
            String newHome = get(redis, roomKey);
            assertThat(newHome).isIn("node1", "node2");
            awaitGone(redis, "lianmai:node:node3");
            assertThat(redis.command("SMEMBERS", "lianmai:nodes")).doesNotContain("node3");

            // Drain the room's node: the members go to the other node, and the drained node takes no new room.
            int aliceBeforeDrain = events(alice, "CONNECTION_STATE_UPDATE").size();
            int bobBeforeDrain = events(bob, "CONNECTION_STATE_UPDATE").size();
            assertThat(cli("node", "drain", newHome, "--cluster", redis.uri(), "--wait", "20"))
                    .contains("holds no members");
            awaitConnectedAgain(alice, aliceBeforeDrain);
            awaitConnectedAgain(bob, bobBeforeDrain);
            String other = newHome.equals("node1") ? "node2" : "node1";
            assertThat(get(redis, roomKey)).isEqualTo(other);
            awaitReceiving(alice, "alice sees bob after the drain");
            awaitReceiving(bob, "bob sees alice after the drain");
            assertThat(cli("node", "list", "--cluster", redis.uri())).containsPattern(newHome + "\\s+draining");
            try (SignalClient entry = SignalClient.connect(nodes.get(newHome).signalling())) {
                JsonNode moved = entry.ok("enter", enterData(app, signer, "dave", "fresh-room"));
                assertThat(moved.path("moveTo").asText()).as("a new room through the drained node")
                        .isEqualTo(nodes.get(other).signalling().toString());
            }
            cli("node", "undrain", newHome, "--cluster", redis.uri());

            // Redis away: the call goes on; a new room is refused with a clear error; Redis back: all recovers.
            redis.close();
            long framesBefore = BrowserMedia.framesDecoded(alice);
            try (SignalClient entry = SignalClient.connect(nodes.get(other).signalling())) {
                JsonNode refused = entry.error("enter", enterData(app, signer, "erin", "room-during-outage"), -7);
                assertThat(refused.path("message").asText()).contains("Redis");
            }
            alice.await("alice's call goes on without Redis", WAIT,
                    () -> BrowserMedia.framesDecoded(alice) > framesBefore + 30);
            awaitMetric(nodes.get(other), "lianmai_cluster_redis_up 0.0");
            redis.startAgain();
            awaitMetric(nodes.get(other), "lianmai_cluster_redis_up 1.0");
            awaitNodes(redis, 2);
            awaitValue(redis, roomKey, other);
            try (SignalClient entry = SignalClient.connect(nodes.get(other).signalling())) {
                JsonNode entered = entry.ok("enter", enterData(app, signer, "erin", "room-after-outage"));
                assertThat(entered.has("sessionToken") || entered.has("moveTo")).isTrue();
            }
        } catch (Throwable failure) {
            cluster.printLogs();
            throw failure;
        } finally {
            for (int i = closing.size() - 1; i >= 0; i--) {
                closing.get(i).close();
            }
        }
    }

    /** Waits until node's /metrics (loopback, no token) shows {@code line}. */
    private static void awaitMetric(ChildServer node, String line) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            String metrics = http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + node.httpPort() + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            if (metrics.lines().anyMatch(line::equals)) {
                return;
            }
            assertThat(System.nanoTime()).as("/metrics shows %s", line).isLessThan(deadline);
            Thread.sleep(300);
        }
    }

    private HeadlessChromium page(ChildServer origin, ChildServer entry, long sdkAppId, UserSigSigner signer,
            String userId) throws Exception {
        HeadlessChromium page = BrowserMedia.start();
        page.onEveryPage(WebSdkChromiumIT.APP);
        page.open("http://127.0.0.1:" + origin.httpPort() + "/index.html");
        Object started = page.asyncScript("const done = arguments[arguments.length - 1];"
                + "window.app(arguments[0], arguments[1], arguments[2]).then(done, e => done(String(e)))",
                Map.of("serverUrl", "http://127.0.0.1:" + entry.httpPort() + "/"),
                Map.of("sdkAppID", sdkAppId, "userID", userId, "userSig", signer.genUserSig(userId, 3600), "roomID", ROOM), Map.of("enableCamera", true, "enableMic", true));
        assertThat(started).isEqualTo(true);
        page.await(userId + " entered", WAIT, () -> !events(page, "LOCAL_JOIN").isEmpty());
        return page;
    }

    private static void awaitReceiving(HeadlessChromium page, String what) {
        long before = BrowserMedia.framesDecoded(page);
        page.await(what, WAIT, () -> BrowserMedia.framesDecoded(page) > before + 30);
    }

    private static void awaitConnectedAgain(HeadlessChromium page, int eventsBefore) {
        page.await("in the room again", Duration.ofSeconds(30), () -> events(page, "CONNECTION_STATE_UPDATE")
                .stream().skip(eventsBefore).anyMatch(e -> "connected".equals(e.get("state"))));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> events(HeadlessChromium page, String name) {
        return (List<Map<String, Object>>) page.script(
                "return window.got.filter(e => e.name === arguments[0]).map(e => e.data)", name);
    }

    private static ObjectNode enterData(App app, UserSigSigner signer, String userId) {
        return enterData(app, signer, userId, null);
    }

    private static ObjectNode enterData(App app, UserSigSigner signer, String userId, String strRoom) {
        ObjectNode data = JSON.createObjectNode().put("sdkAppID", app.sdkAppId().value()).put("userID", userId)
                .put("userSig", signer.genUserSig(userId, 3600));
        if (strRoom == null) {
            data.put("roomID", ROOM);
        } else {
            data.put("strRoomID", strRoom);
        }
        return data;
    }

    /** Runs {@code lianmai ARGS} as a process on the test classpath and returns what it printed. */
    private static String cli(String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java, "-cp", classpath, "io.lianmai.server.Main"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("lianmai %s: %s", String.join(" ", args), output).isZero();
        return output;
    }

    private static String get(RedisServer redis, String key) throws Exception {
        String reply = redis.command("GET", key);
        if (reply.startsWith("$-1")) {
            return null;
        }
        return reply.split("\r\n")[1];
    }

    private static void awaitValue(RedisServer redis, String key, String value) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!value.equals(get(redis, key))) {
            assertThat(System.nanoTime()).as("%s = %s in Redis", key, value).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static void awaitGone(RedisServer redis, String key) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (get(redis, key) != null) {
            assertThat(System.nanoTime()).as("%s expired from Redis", key).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static void awaitNodes(RedisServer redis, int count) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            String reply = redis.command("SCARD", "lianmai:nodes");
            if (reply.startsWith(":" + count + "\r\n")) {
                return;
            }
            assertThat(System.nanoTime()).as("%d nodes registered (SCARD: %s)", count, reply).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static void awaitMembers(RedisServer redis, String node, int members) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            String entry = get(redis, "lianmai:node:" + node);
            if (entry != null && JSON.readTree(entry).path("members").asInt() == members) {
                return;
            }
            assertThat(System.nanoTime()).as("%s holds %d members: %s", node, members, entry).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

}

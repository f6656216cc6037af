package io.lianmai.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.server.callback.ChildServer;
import io.lianmai.server.signal.SignalClient;
import io.lianmai.testkit.LibWebRtcPeer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live room's audience on an edge node (docs/cluster.md#live-audience-on-edge-nodes), with two node processes,
 * a real Redis and PostgreSQL: the anchor publishes (libwebrtc) on the room's node; two audience members who reach
 * the other node stay there, see the anchor and its stream in {@code enter}, and decode it; the room's node serves
 * one relay for both. An audience member on the edge who becomes an anchor there is shown on the room's node; custom
 * messages cross both ways; garbage in Redis where a room's anchors should be, or a second room beyond
 * {@code cluster.maxEdgeRooms}, sends its audience to the room's node; an unsigned node-to-node request is refused;
 * when the anchor leaves, the edge's audience sees it leave.
 */
class ClusterEdgeIT {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long ROOM = 7703;

    @TempDir
    Path dir;

    @Test
    void theAudienceOfALiveRoomPlaysItsAnchorThroughOneRelayFromAnEdge() throws Exception {
        try (ClusterHarness cluster = ClusterHarness.start(dir)) {
            try {
                ChildServer home = cluster.node("node1", Map.of("room.liveMaxAnchors", "2"));
                ChildServer edge = cluster.node("node2", Map.of("cluster.maxEdgeRooms", "1", "room.liveMaxAnchors",
                        "2"));
                cluster.awaitNodes(2, WAIT);
                cluster.redis().command("SET", cluster.roomKey(ROOM), "node1", "PX", "120000");
                try (SignalClient alice = SignalClient.connect(home.signalling());
                        SignalClient bob = SignalClient.connect(edge.signalling());
                        SignalClient carol = SignalClient.connect(edge.signalling());
                        LibWebRtcPeer publisher = LibWebRtcPeer.publisher();
                        LibWebRtcPeer bobPlayer = LibWebRtcPeer.player();
                        LibWebRtcPeer carolPlayer = LibWebRtcPeer.player()) {
                    alice.autoHeartbeat(Duration.ofSeconds(2));
                    bob.autoHeartbeat(Duration.ofSeconds(2));
                    carol.autoHeartbeat(Duration.ofSeconds(2));
                    JsonNode entered = alice.ok("enter", enter(cluster, "alice", "anchor"));
                    assertThat(entered.has("sessionToken")).as(entered.toString()).isTrue();
                    JsonNode published = alice.ok("publish", SignalClient.data().put("streamType", "main")
                            .put("offer", publisher.createOffer()).put("audio", true).put("video", true));
                    publisher.acceptAnswer(published.path("answer").asText());
                    publisher.awaitConnected(WAIT);
                    String live = "lianmai:live:" + cluster.sdkAppId() + ":r" + ROOM;
                    long deadline = System.nanoTime() + WAIT.toNanos();
                    while (cluster.get(live) == null || !cluster.get(live).contains("\"main\"")) {
                        assertThat(System.nanoTime()).as("the anchor published for edges: %s", cluster.get(live))
                                .isLessThan(deadline);
                        Thread.sleep(100);
                    }

                    // Both audience members stay on the edge, see alice and her stream, and decode it.
                    for (SignalClient member : new SignalClient[] {bob, carol}) {
                        String name = member == bob ? "bob" : "carol";
                        JsonNode joined = member.ok("enter", enter(cluster, name, "audience"));
                        assertThat(joined.has("moveTo")).as("stays on the edge: %s", joined).isFalse();
                        assertThat(joined.path("members").toString()).contains("\"alice\"").contains("\"main\"");
                    }
                    subscribe(bob, bobPlayer);
                    subscribe(carol, carolPlayer);
                    bobPlayer.awaitMedia(30, 50, WAIT);
                    carolPlayer.awaitMedia(30, 50, WAIT);
                    assertThat(ClusterHarness.metric(home, "lianmai_media_players"))
                            .as("one relay for the edge's two players")
                            .isEqualTo(1.0);
                    assertThat(ClusterHarness.metric(edge, "lianmai_media_players")).isEqualTo(2.0);

                    // One anchor seat left (room.liveMaxAnchors=2): an audience member on the edge and one on the
                    // room's node ask for it at once; one gets it, the other is refused, counted across the nodes.
                    try (SignalClient dan = SignalClient.connect(home.signalling())) {
                        dan.autoHeartbeat(Duration.ofSeconds(2));
                        dan.ok("enter", enter(cluster, "dan", "audience"));
                        CompletableFuture<JsonNode> bobAsks = CompletableFuture.supplyAsync(() -> bob.request(
                                "switchRole", SignalClient.data().put("role", "anchor")));
                        CompletableFuture<JsonNode> danAsks = CompletableFuture.supplyAsync(() -> dan.request(
                                "switchRole", SignalClient.data().put("role", "anchor")));
                        JsonNode bobAnswer = bobAsks.get(30, TimeUnit.SECONDS);
                        JsonNode danAnswer = danAsks.get(30, TimeUnit.SECONDS);
                        assertThat(bobAnswer.path("ok").asBoolean() ^ danAnswer.path("ok").asBoolean())
                                .as("exactly one gets the seat: %s, %s", bobAnswer, danAnswer).isTrue();
                        JsonNode refused = bobAnswer.path("ok").asBoolean() ? danAnswer : bobAnswer;
                        assertThat(refused.path("error").path("code").asInt()).as(refused.toString())
                                .isEqualTo(-3301);
                        assertThat(refused.path("error").path("message").asText()).contains("across the cluster");
                        if (bobAnswer.path("ok").asBoolean()) {
                            // An audience member on the edge became an anchor there: the room's node shows him.
                            alice.awaitEvent("userJoin", "bob");
                            bob.ok("switchRole", SignalClient.data().put("role", "audience"));
                            alice.awaitEvent("userLeave", "bob");
                        } else {
                            dan.ok("switchRole", SignalClient.data().put("role", "audience"));
                        }
                        // The seat is free again: bob (edge) takes it, and alice sees him.
                        bob.ok("switchRole", SignalClient.data().put("role", "anchor"));
                        alice.awaitEvent("userJoin", "bob");
                        bob.ok("switchRole", SignalClient.data().put("role", "audience"));
                        alice.awaitEvent("userLeave", "bob");
                    }
                    // Custom messages between the edge's audience and the room's node, both ways.
                    bob.ok("message", SignalClient.data().put("cmdID", 3).put("data", "hello from the edge"));
                    assertThat(alice.awaitEvent("customMessage", "bob").path("data").asText())
                            .isEqualTo("hello from the edge");
                    alice.ok("message", SignalClient.data().put("cmdID", 4).put("data", "hello from home"));
                    assertThat(bob.awaitEvent("customMessage", "alice").path("data").asText())
                            .isEqualTo("hello from home");
                    assertThat(carol.awaitEvent("customMessage", "bob").path("data").asText())
                            .isEqualTo("hello from the edge");
                    assertThat(carol.awaitEvent("customMessage", "alice").path("data").asText())
                            .isEqualTo("hello from home");

                    // Garbage where a room's anchors should be: the edge does not take the room's audience.
                    cluster.redis().command("SET", "lianmai:room:" + cluster.sdkAppId() + ":r9704", "node1", "PX",
                            "60000");
                    cluster.redis().command("SET", "lianmai:live:" + cluster.sdkAppId() + ":r9704", "{not json",
                            "PX", "60000");
                    try (SignalClient dave = SignalClient.connect(edge.signalling())) {
                        JsonNode sent = dave.ok("enter", enter(cluster, "dave", "audience").put("roomID", 9704));
                        assertThat(sent.path("moveTo").asText()).isEqualTo(home.signalling().toString());
                    }
                    // cluster.maxEdgeRooms (1 here): the edge shows no second room; its audience goes to its node.
                    cluster.redis().command("SET", "lianmai:room:" + cluster.sdkAppId() + ":r9705", "node1", "PX",
                            "60000");
                    cluster.redis().command("SET", "lianmai:live:" + cluster.sdkAppId() + ":r9705",
                            "{\"node\":\"node1\",\"scene\":\"live\",\"members\":1,\"anchors\":[]}", "PX",
                            "60000");
                    try (SignalClient erin = SignalClient.connect(edge.signalling())) {
                        JsonNode sent = erin.ok("enter", enter(cluster, "erin", "audience").put("roomID", 9705));
                        assertThat(sent.path("moveTo").asText()).isEqualTo(home.signalling().toString());
                    }
                    // The node-to-node endpoints refuse what a node did not sign.
                    HttpResponse<String> unsigned = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + home.httpPort() + "/internal/v1/moderate")).header("content-type",
                            "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"DISMISS\","
                            + "\"sdkAppId\":" + cluster.sdkAppId() + ",\"roomKey\":\"r" + ROOM + "\"}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(unsigned.statusCode()).isEqualTo(401);
                    assertThat(unsigned.body()).contains("unsigned");

                    alice.ok("leave", SignalClient.data());
                    bob.awaitEvent("userLeave", "alice");
                    carol.awaitEvent("userLeave", "alice");
                }
            } catch (Throwable failure) {
                cluster.printLogs();
                throw failure;
            }
        }
    }

    private static ObjectNode enter(ClusterHarness cluster, String userId, String role) {
        return JSON.createObjectNode().put("sdkAppID", cluster.sdkAppId()).put("userID", userId)
                .put("userSig", cluster.userSig(userId)).put("roomID", ROOM).put("scene", "live").put("role", role);
    }

    private static void subscribe(SignalClient member, LibWebRtcPeer player) {
        JsonNode answer = member.ok("subscribe", SignalClient.data().put("streamID", "alice_main")
                .put("offer", player.createOffer()));
        player.acceptAnswer(answer.path("answer").asText());
    }
}

package io.lianmai.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.server.callback.ChildServer;
import io.lianmai.server.signal.SignalClient;
import io.lianmai.testkit.LibWebRtcPeer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tree of edges (docs/cluster.md#a-tree-of-edges), with three node processes, a real Redis and PostgreSQL and
 * {@code cluster.edgeFanout=1}: the anchor publishes (libwebrtc) on the room's node; an audience member on a second
 * node makes it an edge fed by the room's node; one on a third node makes that an edge fed by the second (the room's
 * node feeds one edge already), and both decode the anchor — the room's node sends one relay leg, the second node one.
 * When the second node is killed, the third pulls from the room's node instead and its audience decodes again.
 */
class ClusterTreeIT {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long ROOM = 7706;

    @TempDir
    Path dir;

    @Test
    void edgesBeyondTheFanoutPullFromAnEdgeAndFallBackWhenItDies() throws Exception {
        try (ClusterHarness cluster = ClusterHarness.start(dir)) {
            try {
                Map<String, String> settings = Map.of("cluster.edgeFanout", "1");
                ChildServer home = cluster.node("node1", settings);
                ChildServer middle = cluster.node("node2", settings);
                ChildServer leaf = cluster.node("node3", settings);
                cluster.awaitNodes(3, WAIT);
                cluster.redis().command("SET", cluster.roomKey(ROOM), "node1", "PX", "120000");
                String tree = "lianmai:tree:" + cluster.sdkAppId() + ":r" + ROOM;
                try (SignalClient alice = SignalClient.connect(home.signalling());
                        SignalClient bob = SignalClient.connect(middle.signalling());
                        SignalClient carol = SignalClient.connect(leaf.signalling());
                        LibWebRtcPeer camera = LibWebRtcPeer.publisher();
                        LibWebRtcPeer bobPlayer = LibWebRtcPeer.player();
                        LibWebRtcPeer carolPlayer = LibWebRtcPeer.player();
                        LibWebRtcPeer carolAgain = LibWebRtcPeer.player()) {
                    alice.autoHeartbeat(Duration.ofSeconds(2));
                    bob.autoHeartbeat(Duration.ofSeconds(2));
                    carol.autoHeartbeat(Duration.ofSeconds(2));
                    alice.ok("enter", enter(cluster, "alice", "anchor"));
                    JsonNode published = alice.ok("publish", SignalClient.data().put("streamType", "main")
                            .put("offer", camera.createOffer()).put("audio", true).put("video", true));
                    camera.acceptAnswer(published.path("answer").asText());
                    camera.awaitConnected(WAIT);
                    String live = "lianmai:live:" + cluster.sdkAppId() + ":r" + ROOM;
                    awaitContains(cluster, () -> String.valueOf(cluster.get(live)), "\"main\"");

                    JsonNode first = bob.ok("enter", enter(cluster, "bob", "audience"));
                    assertThat(first.has("moveTo")).as(first.toString()).isFalse();
                    subscribe(bob, bobPlayer);
                    bobPlayer.awaitMedia(30, 50, WAIT);
                    awaitContains(cluster, () -> cluster.redis().command("HGETALL", tree), "node2\r\n$5\r\nnode1");

                    // node1 feeds one edge already: node3 pulls from node2.
                    JsonNode second = carol.ok("enter", enter(cluster, "carol", "audience"));
                    assertThat(second.has("moveTo")).as(second.toString()).isFalse();
                    assertThat(second.path("members").toString()).contains("\"alice\"");
                    subscribe(carol, carolPlayer);
                    carolPlayer.awaitMedia(30, 50, WAIT);
                    assertThat(cluster.redis().command("HGETALL", tree)).contains("node3\r\n$5\r\nnode2");
                    assertThat(ClusterHarness.metric(home, "lianmai_media_players")).as("node1: one leg, to node2")
                            .isEqualTo(1.0);
                    assertThat(ClusterHarness.metric(middle, "lianmai_media_players"))
                            .as("node2: bob and the leg to node3")
                            .isEqualTo(2.0);

                    // node2 dies: node3 pulls from node1 now, and carol decodes alice again.
                    middle.kill9();
                    carol.awaitEvent("userLeave", "alice");
                    carol.awaitEvent("userJoin", "alice");
                    subscribe(carol, carolAgain);
                    carolAgain.awaitMedia(30, 50, WAIT);
                    awaitContains(cluster, () -> cluster.redis().command("HGETALL", tree), "node3\r\n$5\r\nnode1");
                    assertThat(cluster.redis().command("HGETALL", tree)).doesNotContain("node2");
                }
            } catch (Throwable failure) {
                cluster.printLogs();
                throw failure;
            }
        }
    }

    private interface Read {
        String get() throws Exception;
    }

    private static void awaitContains(ClusterHarness cluster, Read read, String part) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!read.get().contains(part)) {
            assertThat(System.nanoTime()).as("holds %s: %s", part, read.get()).isLessThan(deadline);
            Thread.sleep(100);
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

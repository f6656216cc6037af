package io.lianmai.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.auth.PlaybackSignature;
import io.lianmai.server.callback.ChildServer;
import io.lianmai.server.live.FfmpegRtmp;
import io.lianmai.server.signal.SignalClient;
import io.lianmai.testkit.ExternalTools;
import io.lianmai.testkit.LibWebRtcPeer;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every entry path of a cluster leads to the node that serves the room (docs/cluster.md), with real clients and
 * node processes: a WHIP publisher that reaches the wrong node follows its 307 and publishes on the right one; a WHEP
 * player that reaches another node plays there, that node an edge relaying the stream; an RTMP publisher that reaches
 * another node publishes there (an edge publishing the stream for the room's node), and HTTP-FLV players through a
 * third node get a 302 to the room's node, which plays the stream relayed from the RTMP node; once the room is full across
 * the nodes, another RTMP publisher gets no seat and does not enter. A crowd entering one room
 * through three nodes at once gets exactly the room's limit in.
 */
class ClusterEntryIT {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final long ROOM = 7702;
    private static final int MAX_MEMBERS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void whipWhepFlvAndRtmpReachTheRoom() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        try (ClusterHarness cluster = ClusterHarness.start(dir)) {
            try {
                Map<String, String> limits = Map.of("room.rtcMaxMembers", String.valueOf(MAX_MEMBERS));
                ChildServer wrong = cluster.node("node1", limits);
                ChildServer right = cluster.node("node2", limits);
                ChildServer third = cluster.node("node3", limits);
                cluster.awaitNodes(3, WAIT);
                roomLimitsHoldAcrossNodes(cluster, List.of(wrong, right, third));
                cluster.redis().command("SET", cluster.roomKey(ROOM), "node2", "PX", "120000");
                String query = "?sdkAppID=" + cluster.sdkAppId() + "&roomID=" + ROOM;
                HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                        .connectTimeout(Duration.ofSeconds(5)).build();
                HttpClient notFollowing = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

                // WHIP through the wrong node: 307 to the right one, which answers; media flows there.
                try (LibWebRtcPeer publisher = LibWebRtcPeer.publisher();
                        LibWebRtcPeer player = LibWebRtcPeer.player()) {
                    URI whip = URI.create("http://127.0.0.1:" + wrong.httpPort() + "/whip" + query
                            + "&userID=obs&streamType=main");
                    HttpResponse<String> redirect = notFollowing.send(sdpPost(whip, cluster.userSig("obs"),
                            publisher.createOffer()), HttpResponse.BodyHandlers.ofString());
                    assertThat(redirect.statusCode()).as(redirect.body()).isEqualTo(307);
                    assertThat(redirect.headers().firstValue("location")).contains("http://127.0.0.1:"
                            + right.httpPort() + "/whip" + query + "&userID=obs&streamType=main");
                    HttpResponse<String> published = following.send(sdpPost(whip, cluster.userSig("obs"),
                            publisher.createOffer()), HttpResponse.BodyHandlers.ofString());
                    assertThat(published.statusCode()).as(published.body()).isEqualTo(201);
                    assertThat(published.uri().getPort()).isEqualTo(right.httpPort());
                    publisher.acceptAnswer(published.body());
                    publisher.awaitConnected(WAIT);

                    URI whep = URI.create("http://127.0.0.1:" + wrong.httpPort() + "/whep" + query
                            + "&userID=viewer&streamID=obs_main");
                    HttpResponse<String> playing = following.send(sdpPost(whep, cluster.userSig("viewer"),
                            player.createOffer()), HttpResponse.BodyHandlers.ofString());
                    assertThat(playing.statusCode()).as(playing.body()).isEqualTo(201);
                    // The player stays on the node it reached: an edge relaying the stream from the room's node.
                    assertThat(playing.uri().getPort()).isEqualTo(wrong.httpPort());
                    player.acceptAnswer(playing.body());
                    player.awaitMedia(30, 50, WAIT);
                }

                // RTMP to another node than the room's: published there (encoders follow no redirect), that node
                // an edge publishing the stream for the room's node; FLV players through a third node are sent to the
                // room's node, which plays the stream relayed from the RTMP node.
                String stream = cluster.sdkAppId() + "_" + ROOM + "_rtmpuser_main";
                String sig = "?usersig=" + URLEncoder.encode(cluster.userSig("rtmpuser"), StandardCharsets.UTF_8);
                int edgeRtmp = cluster.entryField("node1", "rtmpPort");
                SignalClient keeper = SignalClient.connect(right.signalling());
                keeper.autoHeartbeat(Duration.ofSeconds(2));
                JsonNode kept = keeper.ok("enter", JSON.createObjectNode().put("sdkAppID", cluster.sdkAppId())
                        .put("userID", "keeper").put("userSig", cluster.userSig("keeper")).put("roomID", ROOM));
                assertThat(kept.has("moveTo")).isFalse();
                Process rtmp = FfmpegRtmp.publish(ffmpeg, "rtmp://127.0.0.1:" + edgeRtmp + "/live/" + stream + sig,
                        60, dir.resolve("rtmp.log"));
                try {
                    keeper.awaitEvent("streamAdd", data -> data.path("userID").asText().equals("rtmpuser")
                            && data.path("video").asBoolean());
                    String signed = PlaybackSignature.sign(cluster.app().playKey(), stream,
                            Instant.now().plusSeconds(600)).query();
                    URI flv = URI.create("http://127.0.0.1:" + third.httpPort() + "/live/" + stream + ".flv?"
                            + signed);
                    long deadline = System.nanoTime() + WAIT.toNanos();
                    while (true) {
                        HttpResponse<InputStream> played = following.send(HttpRequest.newBuilder(flv).build(),
                                HttpResponse.BodyHandlers.ofInputStream());
                        if (played.statusCode() == 200) {
                            assertThat(played.uri().getPort()).isEqualTo(right.httpPort());
                            try (InputStream body = played.body()) {
                                byte[] head = body.readNBytes(64 * 1024);
                                assertThat(new String(head, 0, 3, StandardCharsets.US_ASCII)).isEqualTo("FLV");
                                assertThat(head).hasSize(64 * 1024);
                            }
                            break;
                        }
                        played.body().close();
                        assertThat(System.nanoTime()).as("%s plays: %d", flv, played.statusCode())
                                .isLessThan(deadline);
                        Thread.sleep(300);
                    }
                    HttpResponse<Void> moved = notFollowing.send(HttpRequest.newBuilder(flv).build(),
                            HttpResponse.BodyHandlers.discarding());
                    assertThat(moved.statusCode()).isEqualTo(302);
                    assertThat(moved.headers().firstValue("location")).contains("http://127.0.0.1:"
                            + right.httpPort() + "/live/" + stream + ".flv?" + signed);

                    // The room full across the nodes (keeper and two more on node2, rtmpuser on node1): a second
                    // RTMP publisher through node1 takes no seat, so it does not enter; its stream stays live output.
                    try (SignalClient fill0 = SignalClient.connect(right.signalling());
                            SignalClient fill1 = SignalClient.connect(right.signalling())) {
                        for (SignalClient fill : List.of(fill0, fill1)) {
                            String user = fill == fill0 ? "fill0" : "fill1";
                            fill.ok("enter", JSON.createObjectNode().put("sdkAppID", cluster.sdkAppId())
                                    .put("userID", user).put("userSig", cluster.userSig(user)).put("roomID", ROOM));
                        }
                        String full = cluster.sdkAppId() + "_" + ROOM + "_rtmpfull_main";
                        Process refused = FfmpegRtmp.publish(ffmpeg, "rtmp://127.0.0.1:" + edgeRtmp + "/live/" + full
                                + "?usersig=" + URLEncoder.encode(cluster.userSig("rtmpfull"), StandardCharsets.UTF_8),
                                60, dir.resolve("rtmp-full.log"));
                        try {
                            long until = System.nanoTime() + WAIT.toNanos();
                            while (!cluster.logOf("node1").contains("RTMP stream " + full + " cannot be published")) {
                                assertThat(System.nanoTime()).as("node1 refuses %s a seat", full).isLessThan(until);
                                Thread.sleep(200);
                            }
                            assertThat(cluster.logOf("node1")).contains("counted across the cluster's nodes");
                            assertThat(keeper.events()).noneMatch(event -> event.path("event").asText()
                                    .equals("userJoin") && event.path("data").path("userID").asText()
                                    .equals("rtmpfull"));
                        } finally {
                            FfmpegRtmp.stop(refused);
                        }
                    }
                } finally {
                    FfmpegRtmp.stop(rtmp);
                    keeper.close();
                }
            } catch (Throwable failure) {
                cluster.printLogs();
                throw failure;
            }
        }
    }

    /**
     * {@code 3 * MAX_MEMBERS} users enter one new room at once, a third through each node: the room is placed on one
     * node, every entrant is sent there, and exactly {@code MAX_MEMBERS} get in; the rest are refused as full.
     */
    private static void roomLimitsHoldAcrossNodes(ClusterHarness cluster, List<ChildServer> nodes) throws Exception {
        List<CompletableFuture<JsonNode>> entries = new ArrayList<>();
        List<SignalClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3 * MAX_MEMBERS; i++) {
                ChildServer entry = nodes.get(i % nodes.size());
                String userId = "crowd" + i;
                entries.add(CompletableFuture.supplyAsync(() -> {
                    ObjectNode data = JSON.createObjectNode().put("sdkAppID", cluster.sdkAppId())
                            .put("userID", userId).put("userSig", cluster.userSig(userId)).put("strRoomID", "crowded");
                    SignalClient first = SignalClient.connect(entry.signalling());
                    synchronized (clients) {
                        clients.add(first);
                    }
                    JsonNode answer = first.request("enter", data);
                    String moveTo = answer.path("data").path("moveTo").asText("");
                    if (moveTo.isEmpty()) {
                        return answer;
                    }
                    SignalClient there = SignalClient.connect(URI.create(moveTo));
                    synchronized (clients) {
                        clients.add(there);
                    }
                    return there.request("enter", data);
                }));
            }
            int admitted = 0;
            int full = 0;
            for (CompletableFuture<JsonNode> each : entries) {
                JsonNode answer = each.get(60, TimeUnit.SECONDS);
                if (answer.path("ok").asBoolean()) {
                    admitted++;
                } else {
                    assertThat(answer.path("error").path("code").asInt()).as(answer.toString()).isEqualTo(-3301);
                    full++;
                }
            }
            assertThat(admitted).isEqualTo(MAX_MEMBERS);
            assertThat(full).isEqualTo(2 * MAX_MEMBERS);

            // The server API on a node that does not serve the room acts on it there: RemoveUser kicks a member,
            // DismissRoom the rest; a room nobody serves is RoomNotExist on any node.
            String host = cluster.get("lianmai:room:" + cluster.sdkAppId() + ":s:crowded");
            ChildServer elsewhere = nodes.stream().filter(node -> !host.equals(nodeId(cluster, node))).findFirst()
                    .orElseThrow();
            List<String> users = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).get().path("ok").asBoolean()) {
                    users.add("crowd" + i);
                }
            }
            JsonNode removed = cluster.api(elsewhere, "RemoveUserByStrRoomId", JSON.createObjectNode()
                    .put("SdkAppId", cluster.sdkAppId()).put("RoomId", "crowded")
                    .set("UserIds", JSON.createArrayNode().add(users.get(0))));
            assertThat(removed.has("Error")).as(removed.toString()).isFalse();
            JsonNode dismissed = cluster.api(elsewhere, "DismissRoomByStrRoomId", JSON.createObjectNode()
                    .put("SdkAppId", cluster.sdkAppId()).put("RoomId", "crowded"));
            assertThat(dismissed.has("Error")).as(dismissed.toString()).isFalse();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (kicked(clients) < MAX_MEMBERS) {
                assertThat(System.nanoTime()).as("%d members kicked through another node", MAX_MEMBERS)
                        .isLessThan(deadline);
                Thread.sleep(200);
            }
            JsonNode missing = cluster.api(elsewhere, "DismissRoomByStrRoomId", JSON.createObjectNode()
                    .put("SdkAppId", cluster.sdkAppId()).put("RoomId", "nobody-here"));
            assertThat(missing.path("Error").path("Code").asText()).isEqualTo("FailedOperation.RoomNotExist");
        } finally {
            synchronized (clients) {
                clients.forEach(SignalClient::close);
            }
        }
    }

    /** How many of {@code clients} were told {@code kicked}. */
    private static long kicked(List<SignalClient> clients) {
        synchronized (clients) {
            return clients.stream().filter(client -> client.events().stream()
                    .anyMatch(event -> event.path("event").asText().equals("kicked"))).count();
        }
    }

    /** The node id of {@code node}, from the registry. */
    private static String nodeId(ClusterHarness cluster, ChildServer node) {
        for (String id : List.of("node1", "node2", "node3")) {
            try {
                String entry = cluster.get("lianmai:node:" + id);
                if (entry != null && entry.contains(":" + node.httpPort() + "/")) {
                    return id;
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no node listens on " + node.httpPort());
    }

    private static HttpRequest sdpPost(URI uri, String userSig, String offer) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).header("content-type", "application/sdp")
                .header("authorization", "Bearer " + userSig).POST(HttpRequest.BodyPublishers.ofString(offer))
                .build();
    }
}

package io.lianmai.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.server.callback.ChildServer;
import io.lianmai.server.sdk.BrowserMedia;
import io.lianmai.server.sdk.WebSdkChromiumIT;
import io.lianmai.server.signal.SignalClient;
import io.lianmai.testkit.HeadlessChromium;
import io.lianmai.testkit.LibWebRtcPeer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One rtc room spanning three node processes (docs/cluster.md#rooms-across-nodes), with a real Redis and PostgreSQL:
 * with {@code cluster.roomMembersPerNode=1}, members who reach another node than the room's stay there. A Chromium
 * member (web SDK) on the room's node and libwebrtc members on the two others see each other enter and decode each
 * other's streams (node2's member reaches node3 through the room's node); a WHIP publisher stays on the node it reached
 * too. A second login through another node ends the first. The room's member limit holds across the nodes for a
 * crowd entering through two of them at once, over /ws and WHIP, and so does its publisher limit for two members
 * starting to publish on two nodes at once; custom messages cross nodes in order; the server API called on one node
 * removes a member on another, the others see him leave, and he is refused through every node; a node killed with
 * SIGKILL leaves nothing in Redis: its members leave the others' rooms, and its seats free up; its member entering
 * again through another node is seen to leave and then join again, in that order; a member logging in again on its
 * node takes its own seat back in the full room.
 */
class ClusterSpreadIT {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long ROOM = 7705;
    private static final int MAX_MEMBERS = 5;
    private static final int MAX_PUBLISHERS = 4;

    @TempDir
    Path dir;

    @Test
    void membersOfOneRoomOnThreeNodesSeeAndDecodeEachOther() throws Exception {
        try (ClusterHarness cluster = ClusterHarness.start(dir)) {
            try {
                Map<String, String> settings = Map.of("cluster.roomMembersPerNode", "1",
                        "room.rtcMaxMembers", String.valueOf(MAX_MEMBERS),
                        "room.rtcMaxPublishers", String.valueOf(MAX_PUBLISHERS));
                ChildServer home = cluster.node("node1", settings);
                ChildServer node2 = cluster.node("node2", settings);
                ChildServer node3 = cluster.node("node3", settings);
                cluster.awaitNodes(3, WAIT);
                cluster.redis().command("SET", cluster.roomKey(ROOM), "node1", "PX", "120000");
                String live = "lianmai:live:" + cluster.sdkAppId() + ":r" + ROOM;
                String up = "lianmai:up:" + cluster.sdkAppId() + ":r" + ROOM;
                String seats = "lianmai:seats:" + cluster.sdkAppId() + ":r" + ROOM;

                try (HeadlessChromium alice = page(cluster, home, "alice");
                        SignalClient bob = SignalClient.connect(node2.signalling());
                        SignalClient carol = SignalClient.connect(node3.signalling());
                        LibWebRtcPeer bobCamera = LibWebRtcPeer.publisher();
                        LibWebRtcPeer bobPlayer = LibWebRtcPeer.player();
                        LibWebRtcPeer carolPlayer = LibWebRtcPeer.player()) {
                    bob.autoHeartbeat(Duration.ofSeconds(2));
                    carol.autoHeartbeat(Duration.ofSeconds(2));
                    awaitValue(cluster, live, "\"alice\"", "\"main\"");

                    // bob reaches node2: the room's node holds one member already, so bob stays and sees alice.
                    JsonNode entered = bob.ok("enter", enter(cluster, "bob"));
                    assertThat(entered.has("moveTo")).as("bob stays on node2: %s", entered).isFalse();
                    assertThat(entered.path("members").toString()).contains("\"alice\"").contains("\"main\"");
                    JsonNode published = bob.ok("publish", SignalClient.data().put("streamType", "main")
                            .put("offer", bobCamera.createOffer()).put("audio", true).put("video", true));
                    bobCamera.acceptAnswer(published.path("answer").asText());
                    bobCamera.awaitConnected(WAIT);
                    subscribe(bob, bobPlayer, "alice_main");
                    bobPlayer.awaitMedia(30, 50, WAIT);
                    // alice (Chromium, on node1) decodes bob, whose stream comes from node2.
                    alice.await("alice decodes bob", WAIT, () -> BrowserMedia.framesDecoded(alice) > 30);
                    awaitValue(cluster, live, "\"via\":\"node2\"");

                    // carol reaches node3 and stays: she sees alice and bob, and decodes bob through the room's node.
                    JsonNode third = carol.ok("enter", enter(cluster, "carol"));
                    assertThat(third.has("moveTo")).as("carol stays on node3: %s", third).isFalse();
                    assertThat(third.path("members").toString()).contains("\"alice\"").contains("\"bob\"");
                    subscribe(carol, carolPlayer, "bob_main");
                    carolPlayer.awaitMedia(30, 50, WAIT);
                    bob.awaitEvent("userJoin", "carol");
                    alice.await("alice sees carol enter", WAIT, () -> events(alice, "REMOTE_USER_JOIN").stream()
                            .anyMatch(e -> "carol".equals(e.get("userID"))));
                    assertThat(cluster.redis().command("HGETALL", seats)).contains("node1|n").contains("node2|n")
                            .contains("node3|n");

                    // A WHIP publisher reaching node3 stays there too (no 307); alice (node1) sees it join.
                    try (LibWebRtcPeer whip = LibWebRtcPeer.publisher()) {
                        HttpResponse<String> answered = HttpClient.newHttpClient().send(whipPost(cluster, node3,
                                "whipper", whip.createOffer()), HttpResponse.BodyHandlers.ofString());
                        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(201);
                        whip.acceptAnswer(answered.body());
                        whip.awaitConnected(WAIT);
                        alice.await("alice sees the WHIP publisher on node3", WAIT, () -> events(alice,
                                "REMOTE_USER_JOIN").stream().anyMatch(e -> "whipper".equals(e.get("userID"))));
                        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                + node3.httpPort()).resolve(answered.headers().firstValue("location")
                                .orElseThrow())).DELETE().build(), HttpResponse.BodyHandlers.discarding());
                        carol.awaitEvent("userLeave", "whipper");
                        bob.awaitEvent("userLeave", "whipper");
                        alice.await("alice sees the WHIP publisher leave", WAIT, () -> events(alice,
                                "REMOTE_USER_LEAVE").stream().anyMatch(e -> "whipper".equals(e.get("userID"))));
                    }

                    // Custom messages cross nodes, in order, both ways.
                    for (int i = 0; i < 3; i++) {
                        bob.ok("message", SignalClient.data().put("cmdID", 1).put("data", "from node2 #" + i));
                    }
                    carol.ok("message", SignalClient.data().put("cmdID", 2).put("data", "from node3"));
                    awaitMessages(carol, "bob", List.of("from node2 #0", "from node2 #1", "from node2 #2"));
                    awaitMessages(bob, "carol", List.of("from node3"));

                    // A user logged in through node3 logs in again through node2: the first login ends
                    // (duplicate-login), as on one node, and node3's members see him leave and join again.
                    try (SignalClient first = SignalClient.connect(node3.signalling());
                            SignalClient second = SignalClient.connect(node2.signalling())) {
                        first.ok("enter", enter(cluster, "dup"));
                        carol.awaitEvent("userJoin", "dup");
                        JsonNode again = second.ok("enter", enter(cluster, "dup"));
                        assertThat(again.has("moveTo")).as(again.toString()).isFalse();
                        assertThat(first.awaitEvent("kicked", data -> true).path("reason").asText())
                                .isEqualTo("duplicate-login");
                        assertThat(carol.awaitEvent("userLeave", "dup").path("reason").asText())
                                .isEqualTo("duplicate-login");
                        carol.awaitEvent("userJoin", "dup");
                        assertThat(cluster.redis().command("HGET", "lianmai:where:" + cluster.sdkAppId() + ":r"
                                + ROOM, "dup")).contains("node2|n");
                        second.ok("leave", SignalClient.data());
                        carol.awaitEvent("userLeave", "dup");
                    }

                    // Three members in (dup's seats were given back on both nodes): of a crowd of four entering
                    // through node2 and node3 at once, two over /ws and two WHIP publishers, two get in (each entry
                    // takes its seat in Redis before entering).
                    List<SignalClient> crowd = new ArrayList<>();
                    List<LibWebRtcPeer> cameras = new ArrayList<>();
                    List<URI> publications = new ArrayList<>();
                    try {
                        List<CompletableFuture<JsonNode>> entries = new ArrayList<>();
                        List<CompletableFuture<HttpResponse<String>>> whips = new ArrayList<>();
                        for (int i = 0; i < 4; i++) {
                            ChildServer node = i % 2 == 0 ? node2 : node3;
                            String userId = "crowd" + i;
                            if (i < 2) {
                                SignalClient member = SignalClient.connect(node.signalling());
                                crowd.add(member);
                                entries.add(CompletableFuture.supplyAsync(() -> member.request("enter",
                                        enter(cluster, userId))));
                            } else {
                                LibWebRtcPeer camera = LibWebRtcPeer.publisher();
                                cameras.add(camera);
                                whips.add(HttpClient.newHttpClient().sendAsync(whipPost(cluster, node, userId,
                                        camera.createOffer()), HttpResponse.BodyHandlers.ofString()));
                            }
                        }
                        int admitted = 0;
                        for (CompletableFuture<JsonNode> each : entries) {
                            JsonNode answer = each.get(30, TimeUnit.SECONDS);
                            assertThat(answer.path("data").has("moveTo")).as(answer.toString()).isFalse();
                            if (answer.path("ok").asBoolean()) {
                                admitted++;
                            } else {
                                assertThat(answer.path("error").path("code").asInt()).as(answer.toString())
                                        .isEqualTo(-3301);
                                assertThat(answer.path("error").path("message").asText()).contains("across the "
                                        + "cluster");
                            }
                        }
                        for (CompletableFuture<HttpResponse<String>> each : whips) {
                            HttpResponse<String> answer = each.get(30, TimeUnit.SECONDS);
                            if (answer.statusCode() == 201) {
                                admitted++;
                                publications.add(answer.uri().resolve(answer.headers().firstValue("location")
                                        .orElseThrow()));
                            } else {
                                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(409);
                                assertThat(answer.body()).contains("across the cluster");
                            }
                        }
                        assertThat(admitted).as("members admitted beyond the three in").isEqualTo(MAX_MEMBERS - 3);
                    } finally {
                        for (SignalClient member : crowd) {
                            member.request("leave", SignalClient.data()); // gone at once, not after the resume grace
                            member.close();
                        }
                        for (URI publication : publications) {
                            HttpClient.newHttpClient().send(HttpRequest.newBuilder(publication).DELETE().build(),
                                    HttpResponse.BodyHandlers.discarding());
                        }
                        cameras.forEach(LibWebRtcPeer::close);
                    }

                    // alice and bob publish, and a WHIP publisher on node3 makes three of MAX_PUBLISHERS (4): carol
                    // (node3) and a WHIP publisher on node2 ask for the last place at once, and one gets it.
                    try (LibWebRtcPeer pub3 = LibWebRtcPeer.publisher();
                            LibWebRtcPeer carolCamera = LibWebRtcPeer.publisher();
                            LibWebRtcPeer fourth = LibWebRtcPeer.publisher()) {
                        HttpResponse<String> thirdAnswer = HttpClient.newHttpClient().send(whipPost(cluster, node3,
                                "pub3", pub3.createOffer()), HttpResponse.BodyHandlers.ofString());
                        assertThat(thirdAnswer.statusCode()).as(thirdAnswer.body()).isEqualTo(201);
                        bob.awaitEvent("userJoin", "pub3");
                        String carolOffer = carolCamera.createOffer();
                        CompletableFuture<JsonNode> carolAsks = CompletableFuture.supplyAsync(() -> carol.request(
                                "publish", SignalClient.data().put("streamType", "main").put("offer", carolOffer)
                                        .put("audio", true).put("video", true)));
                        CompletableFuture<HttpResponse<String>> fourthAsks = HttpClient.newHttpClient().sendAsync(
                                whipPost(cluster, node2, "pub4", fourth.createOffer()),
                                HttpResponse.BodyHandlers.ofString());
                        JsonNode carolAnswer = carolAsks.get(30, TimeUnit.SECONDS);
                        HttpResponse<String> fourthAnswer = fourthAsks.get(30, TimeUnit.SECONDS);
                        boolean carolPublished = carolAnswer.path("ok").asBoolean();
                        assertThat(carolPublished ^ fourthAnswer.statusCode() == 201)
                                .as("one of them publishes: %s, %d %s", carolAnswer, fourthAnswer.statusCode(),
                                        fourthAnswer.body()).isTrue();
                        String refusal = carolPublished ? fourthAnswer.body()
                                : carolAnswer.path("error").path("message").asText();
                        assertThat(refusal).contains("room.rtcMaxPublishers").contains("across the cluster");
                        List<HttpResponse<String>> whipSessions = carolPublished ? List.of(thirdAnswer)
                                : List.of(thirdAnswer, fourthAnswer);
                        for (HttpResponse<String> publication : whipSessions) {
                            HttpClient.newHttpClient().send(HttpRequest.newBuilder(publication.uri().resolve(
                                    publication.headers().firstValue("location").orElseThrow())).DELETE().build(),
                                    HttpResponse.BodyHandlers.discarding());
                        }
                        if (carolPublished) {
                            carol.ok("unpublish", SignalClient.data().put("streamType", "main"));
                        }
                        bob.awaitEvent("userLeave", "pub3");
                    }

                    // The server API through node3 removes bob, who is on node2: carol (node3) and alice (node1) see
                    // him leave.
                    JsonNode removed = cluster.api(node3, "RemoveUser", JSON.createObjectNode()
                            .put("SdkAppId", cluster.sdkAppId()).put("RoomId", ROOM)
                            .set("UserIds", JSON.createArrayNode().add("bob")));
                    assertThat(removed.has("Error")).as(removed.toString()).isFalse();
                    bob.awaitEvent("kicked", event -> true);
                    carol.awaitEvent("userLeave", "bob");
                    // RemoveUser's rejoin block is in Redis: bob is refused through any node, as his seat is asked for.
                    for (ChildServer node : List.of(home, node2, node3)) {
                        try (SignalClient bobAgain = SignalClient.connect(node.signalling())) {
                            JsonNode refused = bobAgain.request("enter", enter(cluster, "bob"));
                            assertThat(refused.path("ok").asBoolean()).as(refused.toString()).isFalse();
                            assertThat(refused.path("error").path("message").asText()).as(refused.toString())
                                    .contains("removed from room").contains("through any node");
                        }
                    }
                    assertThat(cluster.get("lianmai:removed:" + cluster.sdkAppId() + ":r" + ROOM + ":bob"))
                            .isNotNull();
                    alice.await("alice sees bob leave", WAIT, () -> events(alice, "REMOTE_USER_LEAVE").stream()
                            .anyMatch(e -> "bob".equals(e.get("userID"))));
                    awaitAbsent(cluster, up, "node2");

                    // SIGKILL of node3: carol leaves node1's room, and nothing of node3 stays in Redis.
                    node3.kill9();
                    alice.await("alice sees carol leave", WAIT, () -> events(alice, "REMOTE_USER_LEAVE").stream()
                            .anyMatch(e -> "carol".equals(e.get("userID"))));
                    awaitAbsent(cluster, live, "\"carol\"");
                    awaitAbsent(cluster, up, "node3");
                    awaitAbsent(cluster, seats, "node3|");
                    // node3's seats are free: carol enters again through node2, as her client would, and alice sees
                    // her leave and then join again, in that order; the room fills again through node2.
                    try (SignalClient carolAgain = SignalClient.connect(node2.signalling());
                            SignalClient dave = SignalClient.connect(node2.signalling());
                            SignalClient erin = SignalClient.connect(node2.signalling())) {
                        carolAgain.autoHeartbeat(Duration.ofSeconds(2));
                        JsonNode back = carolAgain.ok("enter", enter(cluster, "carol"));
                        assertThat(back.has("moveTo")).as("carol stays on node2: %s", back).isFalse();
                        alice.await("alice sees carol leave, then join again", WAIT, () -> {
                            List<String> order = carolEvents(alice);
                            int left = order.indexOf("REMOTE_USER_LEAVE");
                            return left >= 0 && order.subList(left, order.size()).contains("REMOTE_USER_JOIN");
                        });
                        dave.ok("enter", enter(cluster, "dave"));
                        erin.ok("enter", enter(cluster, "erin"));
                        // The room is full again (alice, carol, dave, erin and frank): dave logging in again on
                        // the same node takes his own seat back, anyone else is refused.
                        try (SignalClient frank = SignalClient.connect(node2.signalling());
                                SignalClient daveAgain = SignalClient.connect(node2.signalling());
                                SignalClient gina = SignalClient.connect(node2.signalling())) {
                            frank.ok("enter", enter(cluster, "frank"));
                            daveAgain.ok("enter", enter(cluster, "dave"));
                            assertThat(dave.awaitEvent("kicked", data -> true).path("reason").asText())
                                    .isEqualTo("duplicate-login");
                            JsonNode full = gina.request("enter", enter(cluster, "gina"));
                            assertThat(full.path("error").path("code").asInt()).as(full.toString()).isEqualTo(-3301);
                        }
                    }
                }
            } catch (Throwable failure) {
                cluster.printLogs();
                throw failure;
            }
        }
    }

    /** A WHIP publication of {@code userId} in the room through {@code node}. */
    private static HttpRequest whipPost(ClusterHarness cluster, ChildServer node, String userId, String offer) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/whip?sdkAppID="
                        + cluster.sdkAppId() + "&roomID=" + ROOM + "&userID=" + userId))
                .header("content-type", "application/sdp")
                .header("authorization", "Bearer " + cluster.userSig(userId))
                .POST(HttpRequest.BodyPublishers.ofString(offer)).build();
    }

    /** Waits until {@code member} got {@code expected} from {@code from} as custom messages, in this order. */
    private static void awaitMessages(SignalClient member, String from, List<String> expected) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<String> got = member.events().stream().filter(event -> event.path("event").asText()
                    .equals("customMessage") && event.path("data").path("userID").asText().equals(from))
                    .map(event -> event.path("data").path("data").asText()).toList();
            if (got.size() >= expected.size()) {
                assertThat(got).isEqualTo(expected);
                return;
            }
            assertThat(System.nanoTime()).as("messages from %s: %s", from, got).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static HeadlessChromium page(ClusterHarness cluster, ChildServer node, String userId) {
        HeadlessChromium page = BrowserMedia.start();
        page.onEveryPage(WebSdkChromiumIT.APP);
        page.open("http://127.0.0.1:" + node.httpPort() + "/index.html");
        Object started = page.asyncScript("const done = arguments[arguments.length - 1];"
                + "window.app(arguments[0], arguments[1], arguments[2]).then(done, e => done(String(e)))",
                Map.of("serverUrl", "http://127.0.0.1:" + node.httpPort() + "/"),
                Map.of("sdkAppID", cluster.sdkAppId(), "userID", userId, "userSig", cluster.userSig(userId),
                        "roomID", ROOM), Map.of("enableCamera", true, "enableMic", true));
        assertThat(started).isEqualTo(true);
        page.await(userId + " entered", WAIT, () -> !events(page, "LOCAL_JOIN").isEmpty());
        return page;
    }

    /** The names of the join and leave events {@code page} got about carol, in order. */
    @SuppressWarnings("unchecked")
    private static List<String> carolEvents(HeadlessChromium page) {
        return (List<String>) page.script("return window.got.filter(e => (e.name === 'REMOTE_USER_JOIN' "
                + "|| e.name === 'REMOTE_USER_LEAVE') && e.data.userID === 'carol').map(e => e.name)");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> events(HeadlessChromium page, String name) {
        return (List<Map<String, Object>>) page.script(
                "return window.got.filter(e => e.name === arguments[0]).map(e => e.data)", name);
    }

    private static ObjectNode enter(ClusterHarness cluster, String userId) {
        return JSON.createObjectNode().put("sdkAppID", cluster.sdkAppId()).put("userID", userId)
                .put("userSig", cluster.userSig(userId)).put("roomID", ROOM);
    }

    private static void subscribe(SignalClient member, LibWebRtcPeer player, String streamId) {
        JsonNode answer = member.ok("subscribe", SignalClient.data().put("streamID", streamId)
                .put("offer", player.createOffer()));
        player.acceptAnswer(answer.path("answer").asText());
    }

    /** Waits until Redis key {@code key} (a string or a hash) holds every one of {@code parts}. */
    private static void awaitValue(ClusterHarness cluster, String key, String... parts) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            String value = dump(cluster, key);
            if (List.of(parts).stream().allMatch(value::contains)) {
                return;
            }
            assertThat(System.nanoTime()).as("%s holds %s: %s", key, List.of(parts), value).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** Waits until Redis key {@code key} no longer holds {@code part}. */
    private static void awaitAbsent(ClusterHarness cluster, String key, String part) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (dump(cluster, key).contains(part)) {
            assertThat(System.nanoTime()).as("%s without %s: %s", key, part, dump(cluster, key))
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static String dump(ClusterHarness cluster, String key) throws Exception {
        String type = cluster.redis().command("TYPE", key);
        return type.contains("hash") ? cluster.redis().command("HGETALL", key)
                : type.contains("string") ? String.valueOf(cluster.get(key)) : "";
    }
}

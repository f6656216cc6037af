package io.lianmai.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.auth.UserSigSigner;
import io.lianmai.common.RoomRef;
import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import io.lianmai.room.Role;
import io.lianmai.room.RoomKey;
import io.lianmai.server.LianmaiServer;
import io.lianmai.server.cluster.RemoteMembers.RemotePublication;
import io.lianmai.server.config.ConfigLoader;
import io.lianmai.server.signal.SignalClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.store.App;
import io.lianmai.testkit.Await;
import io.lianmai.testkit.HeadlessChromium;
import io.lianmai.testkit.LibWebRtcPeer;
import io.lianmai.testkit.ShapedUdpRelay;
import io.lianmai.testkit.WhipClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two nodes in one JVM sharing {@code cluster.secret} and one database (no Redis): a libwebrtc member publishes on
 * node A; node B shows it as a remote member and its libwebrtc players decode it through one relay A→B.
 */
class RelayIT {
    private static final byte[] SECRET = new byte[32];
    private static LianmaiServer a;
    private static LianmaiServer b;
    private static App app;
    private static UserSigSigner signer;
    private final WhipClient whip = new WhipClient();

    static {
        for (int i = 0; i < SECRET.length; i++) {
            SECRET[i] = (byte) (i * 7 + 1);
        }
    }

    @BeforeAll
    static void startNodes() throws Exception {
        String db = "jdbc:h2:mem:relayit" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        a = start("node-a", db);
        app = a.createdDefaultApp().orElseThrow();
        b = start("node-b", db);
        signer = new UserSigSigner(app.sdkAppId(), app.secretKey(), Clock.systemUTC());
    }

    private static LianmaiServer start(String node, String db) throws Exception {
        Map<String, String> flags = new HashMap<>(Map.of("http.port", "0", "http.host", "127.0.0.1",
                "media.host", "127.0.0.1", "media.udpPort", "0", "media.tcpPort", "0",
                "media.publicIp", "127.0.0.1", "rtmp.host", "127.0.0.1", "rtmp.port", "0"));
        flags.put("store.jdbcUrl", db);
        flags.put("cluster.secret", Base64.getEncoder().encodeToString(SECRET));
        flags.put("cluster.nodeId", node);
        flags.put("cluster.relayIdleMillis", "1500");
        return LianmaiServer.start(new ConfigLoader(Map.of(), Files.createTempDirectory("lianmai-relay-it"))
                .load(Optional.empty(), flags), Clock.systemUTC());
    }

    @AfterAll
    static void stopNodes() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    private static URI endpoint(LianmaiServer node, String kind, long room, String user, String stream) {
        return URI.create("http://127.0.0.1:" + node.httpPort() + "/" + kind + "?sdkAppID=" + app.sdkAppId().value()
                + "&roomID=" + room + "&userID=" + user + (stream == null ? "" : "&streamID=" + stream));
    }

    private URI lastPublication;

    private LibWebRtcPeer publishOnA(long room, String user) {
        LibWebRtcPeer publisher = LibWebRtcPeer.publisher();
        WhipClient.Result published = whip.post(endpoint(a, "whip", room, user, null), signer.genUserSig(user, 3600),
                publisher.createOffer());
        assertThat(published.status()).as(published.body()).isEqualTo(201);
        lastPublication = published.location();
        publisher.acceptAnswer(published.body());
        publisher.awaitConnected(Duration.ofSeconds(10));
        return publisher;
    }

    private LibWebRtcPeer playOnB(long room, String user, String stream) {
        LibWebRtcPeer player = LibWebRtcPeer.player();
        WhipClient.Result played = whip.post(endpoint(b, "whep", room, user, stream), signer.genUserSig(user, 3600),
                player.createOffer());
        assertThat(played.status()).as(played.body()).isEqualTo(201);
        player.acceptAnswer(played.body());
        return player;
    }

    private static void show(RoomKey room, String user) throws Exception {
        b.remoteMembers().show(room, UserId.parse(user), Role.ANCHOR, URI.create("http://127.0.0.1:" + a.httpPort()
                + "/"), List.of(new RemotePublication(StreamType.MAIN, true, true)))
                .toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static long publisherPlis(LibWebRtcPeer publisher) {
        return publisher.stats().stream().map(s -> s.getAttributes())
                .filter(attrs -> "video".equals(attrs.get("kind")) && attrs.get("pliCount") instanceof Number
                        && attrs.containsKey("framesEncoded"))
                .mapToLong(attrs -> ((Number) attrs.get("pliCount")).longValue()).sum();
    }

    /**
     * A signalling member of B sees the remote publisher join and publish, subscribes over signalling, a WHEP player
     * of B plays too; both decode through one relay. The relay ends with B's demand and comes back with it; the
     * publisher leaving A withdraws the stream on B; hiding the member makes it leave.
     */
    @Test
    void twoPlayersOnBDecodeAPublisherOnAThroughOneRelayThatEndsWithDemand() throws Exception {
        long roomId = 9601;
        RoomKey room = new RoomKey(app.sdkAppId(), RoomRef.parse(Long.toString(roomId), null).key());
        String streamKey = room.streamKey(io.lianmai.common.StreamId.parse("alice_main")).toString();
        try (LibWebRtcPeer publisher = publishOnA(roomId, "alice");
                SignalClient member = SignalClient.connect(URI.create("ws://127.0.0.1:" + b.httpPort() + "/ws"))) {
            member.ok("enter", SignalClient.data().put("sdkAppID", app.sdkAppId().value()).put("userID", "member1")
                    .put("userSig", signer.genUserSig("member1", 3600)).put("roomID", roomId));
            show(room, "alice");
            assertThat(member.awaitEvent("userJoin", "alice").path("role").asText()).isEqualTo("anchor");
            JsonNode added = member.awaitEvent("streamAdd", "alice");
            assertThat(added.path("audio").asBoolean()).isTrue();
            assertThat(added.path("video").asBoolean()).isTrue();
            long plisBefore = publisherPlis(publisher);
            try (LibWebRtcPeer first = LibWebRtcPeer.player();
                    LibWebRtcPeer second = playOnB(roomId, "viewer2", "alice_main")) {
                JsonNode subscribed = member.ok("subscribe", SignalClient.data().put("streamID", "alice_main")
                        .put("offer", first.createOffer()));
                first.acceptAnswer(subscribed.path("answer").asText());
                first.awaitMedia(60, 50, Duration.ofSeconds(30));
                second.awaitMedia(60, 50, Duration.ofSeconds(30));
                assertThat(first.framesDecoded()).isPositive();
                assertThat(second.framesDecoded()).isPositive();
                // One relay crosses A→B whatever the number of B's players; A has no other player.
                assertThat(a.relayRoutes().sessionCount()).isEqualTo(1);
                assertThat(a.media().playerCount(streamKey)).isEqualTo(1);
                assertThat(b.media().playerCount(streamKey)).isEqualTo(2);
                assertThat(b.remoteMembers().legCount()).isEqualTo(1);
                // B's players joining asked for keyframes: they reached A's publisher as PLI.
                RelayPeer leg = b.remoteMembers().leg(room, UserId.parse("alice"), StreamType.MAIN);
                assertThat(leg.keyframeRequestsSent).isPositive();
                Await.until("A's publisher hears a PLI from B's players", Duration.ofSeconds(10),
                        () -> publisherPlis(publisher) > plisBefore, () -> "pliCount " + publisherPlis(publisher));
                member.ok("unsubscribe", SignalClient.data().put("streamID", "alice_main"));
            }
            // No player left on B: after cluster.relayIdleMillis the leg ends on both nodes.
            Await.until("the relay ends without players on B", Duration.ofSeconds(10),
                    () -> a.relayRoutes().sessionCount() == 0 && b.remoteMembers().legCount() == 0,
                    () -> a.relayRoutes().sessionCount() + " sessions on A, " + b.remoteMembers().legCount()
                            + " legs on B");
            assertThat(b.media().isPublished(streamKey)).as("the stream stays announced on B").isTrue();
            // The next player starts a new leg and decodes (sequence numbers continue across legs).
            try (LibWebRtcPeer again = playOnB(roomId, "viewer3", "alice_main")) {
                again.awaitMedia(30, 20, Duration.ofSeconds(30));
                // One leg serves it. Waited for: one CI run saw 0 sessions on A just after this media arrived (cause
                // not found; six runs here, three under CPU load, did not reproduce it).
                Await.until("one relay session on A", Duration.ofSeconds(10),
                        () -> a.relayRoutes().sessionCount() == 1 && b.remoteMembers().legCount() == 1,
                        () -> a.relayRoutes().sessionCount() + " sessions on A, " + b.remoteMembers().legCount()
                                + " legs on B");
                // The publisher stops on A: the relay ends and the stream goes on B (streamRemove).
                assertThat(whip.delete(lastPublication)).isEqualTo(200);
                member.awaitEvent("streamRemove", "alice");
                Await.until("the remote stream is withdrawn on B", Duration.ofSeconds(5),
                        () -> !b.media().isPublished(streamKey), () -> "still published on B");
                assertThat(b.remoteMembers().legCount()).isZero();
            }
            b.remoteMembers().hide(room, UserId.parse("alice"), io.lianmai.room.LeaveReason.LEAVE)
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            member.awaitEvent("userLeave", "alice");
        } finally {
            b.remoteMembers().hide(room, UserId.parse("alice"), io.lianmai.room.LeaveReason.LEAVE)
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void lossBetweenTheNodesIsRepairedByNackAndRtx() throws Exception {
        long roomId = 9602;
        RoomKey room = new RoomKey(app.sdkAppId(), RoomRef.parse(Long.toString(roomId), null).key());
        int mediaPort = a.media().udpPort();
        try (ShapedUdpRelay path = new ShapedUdpRelay(new InetSocketAddress("127.0.0.1", mediaPort), 0, 0, 0.05, 18);
                LibWebRtcPeer publisher = publishOnA(roomId, "bob")) {
            b.remoteMembers().answerFilter(answer -> path.redirect(answer, mediaPort));
            try {
                show(room, "bob");
            } finally {
                b.remoteMembers().answerFilter(java.util.function.UnaryOperator.identity());
            }
            try (LibWebRtcPeer player = playOnB(roomId, "viewer", "bob_main")) {
                player.awaitMedia(90, 50, Duration.ofSeconds(40));
                RelayPeer leg = b.remoteMembers().leg(room, UserId.parse("bob"), StreamType.MAIN);
                Await.until("losses on A→B are NACKed and retransmitted", Duration.ofSeconds(20),
                        () -> leg.retransmissionsIn >= 5 && leg.nacksSent > 0,
                        () -> path.lost() + " lost, " + leg.nacksSent + " NACKs, " + leg.retransmissionsIn
                                + " retransmissions");
                assertThat(path.lost()).isPositive();
                long frames = player.videoFramesReceived();
                player.awaitMedia(frames + 60, 1, Duration.ofSeconds(30));
            }
        } finally {
            b.remoteMembers().hide(room, UserId.parse("bob"), io.lianmai.room.LeaveReason.LEAVE)
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Browsers on both sides: a Chromium simulcast publisher on A (shipped WHIP page), a Chromium player on B (shipped
     * WHEP page) decodes video and audio through the relay; a keyframe request of a player on B makes A's publisher
     * send a keyframe that crosses the relay.
     */
    @Test
    void aChromiumPlayerOnBDecodesAChromiumSimulcastPublisherOnA() throws Exception {
        long roomId = 9603;
        RoomKey room = new RoomKey(app.sdkAppId(), RoomRef.parse(Long.toString(roomId), null).key());
        String streamKey = room.streamKey(io.lianmai.common.StreamId.parse("carol_main")).toString();
        try (HeadlessChromium publisher = HeadlessChromium.start();
                HeadlessChromium player = HeadlessChromium.start()) {
            publisher.open(page(a, "whip.html", "carol", "&roomID=" + roomId + "&simulcast=1"));
            publisher.await("publisher connected", Duration.ofSeconds(15),
                    () -> String.valueOf(publisher.pageLog()).contains("connection connected"));
            show(room, "carol");
            player.open(page(b, "whep.html", "dave", "&roomID=" + roomId + "&streamID=carol_main"));
            player.await("30 frames and audio on B", Duration.ofSeconds(30),
                    () -> number(player, "framesDecoded") >= 30 && number(player, "audioSamples") > 0);
            assertThat(a.relayRoutes().sessionCount()).isEqualTo(1);

            // A player on B asks for a keyframe: one crosses the relay (the local player starts at a keyframe).
            RelayPeer leg = b.remoteMembers().leg(room, UserId.parse("carol"), StreamType.MAIN);
            long requestsBefore = leg.keyframeRequestsSent;
            java.util.concurrent.atomic.AtomicLong videoPackets = new java.util.concurrent.atomic.AtomicLong();
            io.lianmai.media.LocalPlayer local = b.media().playLocal(streamKey, new io.lianmai.media.LocalSink() {
                @Override
                public void onStart(List<io.lianmai.media.sdp.RtpCodec> tracks) {
                }

                @Override
                public void onRtp(int track, byte[] buf, int off, int len) {
                    if (track == 1) {
                        videoPackets.incrementAndGet();
                    }
                }

                @Override
                public void onEnd() {
                }
            }).toCompletableFuture().get(5, TimeUnit.SECONDS);
            local.requestKeyframe();
            Await.until("a keyframe reaches the new player on B", Duration.ofSeconds(10),
                    () -> videoPackets.get() > 0, () -> "no video yet");
            assertThat(leg.keyframeRequestsSent).isGreaterThan(requestsBefore);
            local.end();
            player.asyncScript("window.stop().then(arguments[0])");
            publisher.asyncScript("window.stop().then(arguments[0])");
        } finally {
            b.remoteMembers().hide(room, UserId.parse("carol"), io.lianmai.room.LeaveReason.LEAVE)
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    private static long number(HeadlessChromium browser, String function) {
        Object value = browser.asyncScript("window." + function + "().then(arguments[0])");
        return value instanceof Number n ? n.longValue() : 0;
    }

    private static String page(LianmaiServer node, String page, String userId, String extra) {
        return "http://127.0.0.1:" + node.httpPort() + "/" + page + "?sdkAppID=" + app.sdkAppId().value()
                + "&userID=" + userId + "&userSig=" + java.net.URLEncoder.encode(signer.genUserSig(userId, 3600),
                        StandardCharsets.UTF_8) + extra;
    }

    @Test
    void unsignedForgedAndStaleRelayRequestsAreRefused() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + a.httpPort() + RelayRoutes.PATH);
        String body = "{\"sdkAppId\":" + app.sdkAppId().value() + ",\"roomKey\":\"r1\",\"streamId\":\"x_main\","
                + "\"offer\":\"v=0\"}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> unsigned = client.send(HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("content-type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(unsigned.body()).contains("unsigned");

        byte[] otherSecret = SECRET.clone();
        otherSecret[0] ^= 1;
        assertThat(post(client, uri, new NodeRequestSigner(otherSecret, "node-x", Clock.systemUTC())
                .sign("POST", RelayRoutes.PATH, bytes), bytes)).satisfies(r -> {
                    assertThat(r.statusCode()).isEqualTo(401);
                    assertThat(r.body()).contains("bad signature");
                });
        assertThat(post(client, uri, new NodeRequestSigner(SECRET, "node-b", Clock.offset(Clock.systemUTC(),
                Duration.ofSeconds(-45))).sign("POST", RelayRoutes.PATH, bytes), bytes)).satisfies(r -> {
                    assertThat(r.statusCode()).isEqualTo(401);
                    assertThat(r.body()).contains("stale");
                });
        // Signed for another body: the body hash does not match.
        assertThat(post(client, uri, new NodeRequestSigner(SECRET, "node-b", Clock.systemUTC())
                .sign("POST", RelayRoutes.PATH, "{}".getBytes(StandardCharsets.UTF_8)), bytes).statusCode())
                .isEqualTo(401);
        // Correctly signed, a stream nobody publishes: 404, not an opening.
        assertThat(post(client, uri, new NodeRequestSigner(SECRET, "node-b", Clock.systemUTC())
                .sign("POST", RelayRoutes.PATH, bytes), bytes).statusCode()).isIn(400, 404);
        // DELETE is signed too.
        HttpResponse<String> delete = client.send(HttpRequest.newBuilder(URI.create(uri + "/some-session"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(delete.statusCode()).isEqualTo(401);
        assertThat(a.relayRoutes().sessionCount()).isZero();
    }

    private static HttpResponse<String> post(HttpClient client, URI uri, Map<String, String> headers, byte[] body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("content-type", "application/json");
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

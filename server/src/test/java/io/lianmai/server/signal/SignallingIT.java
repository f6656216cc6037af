package io.lianmai.server.signal;

import static io.lianmai.server.signal.SignalClient.data;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.server.TestServer;
import io.lianmai.testkit.LibWebRtcPeer;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The signalling protocol end to end over real WebSockets, with libwebrtc peers for the media it negotiates.
 */
class SignallingIT {
    private static final Duration MEDIA_DEADLINE = Duration.ofSeconds(15);
    @RegisterExtension
    private static final TestServer server = TestServer.fixture();

    @Test
    void twoMembersPublishSubscribeMuteAndLeave() {
        try (SignalClient alice = SignalClient.connect(server);
                SignalClient bob = SignalClient.connect(server);
                LibWebRtcPeer publisher = LibWebRtcPeer.publisher();
                LibWebRtcPeer player = LibWebRtcPeer.player()) {
            JsonNode entered = alice.enter(server, "alice", "call-1", null);
            assertThat(entered.path("sessionToken").asText()).hasSize(32);
            assertThat(entered.path("heartbeatIntervalMs").asLong()).isEqualTo(5000);
            assertThat(entered.path("members")).isEmpty();
            // Where a mini program publishes (RTMP) and plays (HTTP-FLV), as reached through this socket's Host.
            assertThat(entered.path("live").path("rtmp").asText())
                    .isEqualTo("rtmp://127.0.0.1:" + server.server().live().rtmpPort() + "/live");
            assertThat(entered.path("live").path("flv").asText()).isEqualTo(server.url("/live").toString());

            JsonNode bobEntered = bob.enter(server, "bob", "call-1", null);
            assertThat(bobEntered.path("members").get(0).path("userID").asText()).isEqualTo("alice");
            assertThat(alice.awaitEvent("userJoin", "bob").path("role").asText()).isEqualTo("anchor");

            JsonNode published = alice.ok("publish", data().put("streamType", "main")
                    .put("offer", publisher.createOffer()).put("audio", true).put("video", true));
            publisher.acceptAnswer(published.path("answer").asText());
            JsonNode added = bob.awaitEvent("streamAdd", "alice");
            assertThat(added.path("streamType").asText()).isEqualTo("main");
            assertThat(added.path("audio").asBoolean()).isTrue();
            assertThat(added.path("video").asBoolean()).isTrue();

            JsonNode subscribed = bob.ok("subscribe", data().put("streamID", "alice_main")
                    .put("offer", player.createOffer()));
            player.acceptAnswer(subscribed.path("answer").asText());
            player.awaitMedia(30, 50, MEDIA_DEADLINE);
            assertThat(player.framesDecoded()).isPositive();

            bob.ok("setStreamType", data().put("streamID", "alice_main").put("streamType", "small"));
            bob.ok("setStreamType", data().put("streamID", "alice_main").put("streamType", "big"));
            bob.error("setStreamType", data().put("streamID", "nobody_main").put("streamType", "small"), -1);
            bob.error("setStreamType", data().put("streamID", "alice_main").put("streamType", "medium"), -2);

            alice.ok("mute", data().put("streamType", "main").put("audio", false));
            JsonNode update = bob.awaitEvent("streamUpdate", "alice");
            assertThat(update.path("audio").asBoolean()).isFalse();
            assertThat(update.path("video").asBoolean()).isTrue();

            // A third member sees alice's stream in the member list.
            try (SignalClient carol = SignalClient.connect(server)) {
                JsonNode members = carol.enter(server, "carol", "call-1", null).path("members");
                assertThat(members).hasSize(2);
                assertThat(members.get(0).path("streams").path("main").path("audio").asBoolean()).isFalse();
                assertThat(members.get(0).path("streams").path("main").path("video").asBoolean()).isTrue();
                carol.ok("leave", data());
            }

            alice.ok("leave", data());
            assertThat(bob.awaitEvent("streamRemove", "alice").path("streamType").asText()).isEqualTo("main");
            assertThat(bob.awaitEvent("userLeave", "alice").path("reason").asText()).isEqualTo("leave");
            awaitUnpublished(server.sdkAppId() + "/s:call-1/alice_main");
            // The socket stays usable after leave.
            alice.error("publish", data().put("offer", "v=0"), -1);
            alice.ok("heartbeat", data());
        }
    }

    @Test
    void aWhipPublisherIsARoomMemberOthersCanSubscribeTo() {
        try (SignalClient viewer = SignalClient.connect(server);
                LibWebRtcPeer obs = LibWebRtcPeer.publisher();
                LibWebRtcPeer player = LibWebRtcPeer.player()) {
            viewer.enter(server, "viewer", "whip-room", null);
            io.lianmai.testkit.WhipClient whip = new io.lianmai.testkit.WhipClient();
            io.lianmai.testkit.WhipClient.Result published = whip.post(
                    server.endpoint("whip", "strRoomID=whip-room", "obs", null), server.userSig("obs"),
                    obs.createOffer());
            assertThat(published.status()).as(published.body()).isEqualTo(201);
            obs.acceptAnswer(published.body());

            assertThat(viewer.awaitEvent("userJoin", "obs").path("role").asText()).isEqualTo("anchor");
            JsonNode added = viewer.awaitEvent("streamAdd", "obs");
            assertThat(added.path("video").asBoolean()).isTrue();
            JsonNode subscribed = viewer.ok("subscribe", data().put("streamID", "obs_main")
                    .put("offer", player.createOffer()));
            player.acceptAnswer(subscribed.path("answer").asText());
            player.awaitMedia(30, 50, MEDIA_DEADLINE);

            assertThat(whip.delete(published.location())).isEqualTo(200);
            assertThat(viewer.awaitEvent("userLeave", "obs").path("reason").asText()).isEqualTo("leave");
        }
    }

    /** Media sessions end asynchronously on the media loop, shortly after the leave. */
    private static void awaitUnpublished(String streamKey) {
        long deadline = System.nanoTime() + SignalClient.DEADLINE.toNanos();
        while (server.server().media().isPublished(streamKey)) {
            assertThat(System.nanoTime()).as("%s still published", streamKey).isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aDuplicateLoginKicksTheOlderSocket() {
        try (SignalClient first = SignalClient.connect(server);
                SignalClient observer = SignalClient.connect(server);
                SignalClient second = SignalClient.connect(server)) {
            first.enter(server, "dup", "dup-room", null);
            observer.enter(server, "watcher", "dup-room", null);
            second.enter(server, "dup", "dup-room", null);

            assertThat(first.awaitEvent("kicked", d -> true).path("reason").asText()).isEqualTo("duplicate-login");
            assertThat(first.awaitClose()).isEqualTo(1000);
            assertThat(observer.awaitEvent("userLeave", "dup").path("reason").asText()).isEqualTo("duplicate-login");
            observer.awaitEvent("userJoin", "dup");
            second.ok("message", data().put("cmdID", 1).put("data", "still here"));
            assertThat(observer.awaitEvent("customMessage", "dup").path("data").asText()).isEqualTo("still here");
        }
    }

    @Test
    void aBadUserSigIsRefusedWith100018() {
        try (SignalClient client = SignalClient.connect(server)) {
            JsonNode error = client.error("enter", SignalClient.enterData(server, "alice", "sig-room",
                    data().put("userSig", server.userSig("mallory"))), -100018);
            assertThat(error.path("message").asText()).contains("another userID");
            client.error("enter", SignalClient.enterData(server, "alice", "sig-room",
                    data().put("sdkAppID", 1234)), -3317);
            client.error("enter", SignalClient.enterData(server, "alice", "x".repeat(65), null), -3318);
            client.error("enter", SignalClient.enterData(server, "alice", "sig-room",
                    data().put("userID", "bad user")), -3319);
            // Still a working socket.
            client.enter(server, "alice", "sig-room", null);
        }
    }

    @Test
    void liveAudienceCannotPublishUntilSwitchRole() {
        try (SignalClient host = SignalClient.connect(server);
                SignalClient viewer = SignalClient.connect(server);
                LibWebRtcPeer publisher = LibWebRtcPeer.publisher()) {
            host.enter(server, "host", "live-1", data().put("scene", "live").put("role", "anchor"));
            JsonNode entered = viewer.enter(server, "viewer", "live-1",
                    data().put("scene", "live").put("role", "audience"));
            assertThat(entered.path("role").asText()).isEqualTo("audience");
            assertThat(host.awaitEvent("userJoin", "viewer").path("role").asText()).isEqualTo("audience");

            String offer = publisher.createOffer();
            JsonNode refused = viewer.error("publish", data().put("streamType", "main").put("offer", offer), -1);
            assertThat(refused.path("message").asText()).contains("switchRole");

            viewer.ok("switchRole", data().put("role", "anchor"));
            assertThat(host.awaitEvent("userRole", "viewer").path("role").asText()).isEqualTo("anchor");
            JsonNode published = viewer.ok("publish", data().put("streamType", "main").put("offer", offer));
            assertThat(published.path("answer").asText()).startsWith("v=0");
            host.awaitEvent("streamAdd", "viewer");

            viewer.ok("switchRole", data().put("role", "audience"));
            host.awaitEvent("streamRemove", "viewer");
            assertThat(host.awaitEvent("userRole", "viewer").path("role").asText()).isEqualTo("audience");
        }
    }

    @Test
    void aDroppedSocketResumesWithinGraceAndOthersSeeNothing() throws Exception {
        try (SignalClient alice = SignalClient.connect(server);
                SignalClient bob = SignalClient.connect(server)) {
            alice.enter(server, "alice", "resume-1", null);
            String token = bob.enter(server, "bob", "resume-1", null).path("sessionToken").asText();
            alice.awaitEvent("userJoin", "bob");

            bob.abort();
            Thread.sleep(1500);
            try (SignalClient bobAgain = SignalClient.connect(server)) {
                JsonNode resumed = bobAgain.ok("resume", data().put("sessionToken", token));
                assertThat(resumed.path("userID").asText()).isEqualTo("bob");
                assertThat(resumed.path("live").path("flv").asText()).isEqualTo(server.url("/live").toString());
                assertThat(resumed.path("members").get(0).path("userID").asText()).isEqualTo("alice");
                bobAgain.ok("message", data().put("cmdID", 2).put("data", "back"));
                alice.awaitEvent("customMessage", "bob");
                assertThat(alice.events()).noneMatch(event -> event.path("event").asText().equals("userLeave"));
                // The resume rotated the token: the used one is dead, and the new one cannot take over the socket
                // that is alive (issue 12 finding 9).
                String rotated = resumed.path("sessionToken").asText();
                assertThat(rotated).hasSize(32).isNotEqualTo(token);
                try (SignalClient third = SignalClient.connect(server)) {
                    third.error("resume", data().put("sessionToken", token), -1);
                    third.error("resume", data().put("sessionToken", rotated), -1202);
                    bobAgain.ok("heartbeat", data());
                    assertThat(bobAgain.isClosed()).isFalse();
                }
            }
            SignalClient stranger = SignalClient.connect(server);
            stranger.error("resume", data().put("sessionToken", "00".repeat(16)), -1);
            stranger.close();
        }
    }

    @Test
    void garbageFramesGetErrorsAndChangeNothing() {
        try (SignalClient alice = SignalClient.connect(server);
                SignalClient bob = SignalClient.connect(server)) {
            alice.enter(server, "alice", "garbage-1", null);
            bob.enter(server, "bob", "garbage-1", null);
            alice.awaitEvent("userJoin", "bob");

            SplittableRandom random = new SplittableRandom(7);
            String[] garbage = {
                "", "not json", "{", "[]", "42", "null", "{\"v\":1}", "{\"type\":\"request\"}",
                "{\"v\":2,\"type\":\"request\",\"id\":1,\"action\":\"heartbeat\"}",
                "{\"v\":\"1\",\"type\":\"request\",\"id\":1,\"action\":\"heartbeat\"}",
                "{\"v\":1,\"type\":\"request\",\"id\":-4,\"action\":\"heartbeat\"}",
                "{\"v\":1,\"type\":\"request\",\"id\":\"7\",\"action\":\"heartbeat\"}",
                "{\"v\":1,\"type\":\"response\",\"id\":7,\"action\":\"heartbeat\"}",
                "{\"v\":1,\"type\":\"request\",\"id\":7,\"action\":\"explode\"}",
                "{\"v\":1,\"type\":\"request\",\"id\":7,\"action\":\"publish\",\"data\":[]}",
                "{\"v\":1,\"type\":\"request\",\"id\":7,\"action\":\"mute\",\"data\":{\"audio\":\"no\"}}",
                "{\"v\":1,\"type\":\"request\",\"id\":7,\"action\":\"message\",\"data\":{\"cmdID\":11,\"data\":\"x\"}}",
                "{\"v\":1,\"type\":\"request\",\"id\":7,\"action\":\"message\",\"data\":{\"cmdID\":1,\"data\":5}}",
                "{\"v\":1,\"type\":\"request\",\"id\":7,\"action\":\"heartbeat\"} trailing",
            };
            int sent = 0;
            for (String frame : garbage) {
                alice.sendRaw(frame);
                sent++;
                if (sent % 10 == 0) {
                    alice.ok("heartbeat", data()); // resets the malformed-in-a-row count
                }
            }
            for (int i = 0; i < 8; i++) {
                byte[] bytes = new byte[1 + random.nextInt(200)];
                random.nextBytes(bytes);
                alice.sendRaw(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            alice.ok("heartbeat", data());
            // A frame over 64 KiB is refused with an error; the socket stays open.
            alice.sendRaw("{\"v\":1,\"type\":\"request\",\"id\":99,\"action\":\"message\",\"data\":{\"cmdID\":1,"
                    + "\"data\":\"" + "x".repeat(70 * 1024) + "\"}}");
            alice.ok("heartbeat", data());

            // Every garbage frame got an answer: an error response or an error event.
            long errorEvents = alice.events().stream()
                    .filter(event -> event.path("event").asText().equals("error")).count();
            assertThat(errorEvents).isGreaterThanOrEqualTo(10);
            assertThat(alice.isClosed()).isFalse();
            assertThat(bob.events()).noneMatch(event -> event.path("event").asText().equals("customMessage"));

            // The room still works for both.
            alice.ok("message", data().put("cmdID", 3).put("data", "fine"));
            assertThat(bob.awaitEvent("customMessage", "alice").path("data").asText()).isEqualTo("fine");
            bob.ok("message", data().put("cmdID", 3).put("data", "here too"));
            alice.awaitEvent("customMessage", "bob");

            // Twenty malformed frames in a row close the socket with 1008; bob is not affected.
            for (int i = 0; i < SignallingConnection.MAX_MALFORMED_IN_A_ROW; i++) {
                alice.sendRaw("garbage " + i);
            }
            assertThat(alice.awaitClose()).isEqualTo(1008);
            bob.ok("heartbeat", data());
        }
    }

    @Test
    void actionsBeforeEnterAndDuplicateIdsAreErrors() {
        try (SignalClient client = SignalClient.connect(server)) {
            client.error("mute", data().put("audio", false), -1);
            client.error("subscribe", data().put("streamID", "x_main").put("offer", "v=0"), -1);
            client.enter(server, "solo", "solo-room", null);
            client.error("subscribe", data().put("streamID", "nobody_main").put("offer", "v=0"), 16400);
            // A malformed streamID is read once at the edge: subscribe refuses it with -2 and the parser's
            // reason; unsubscribe and setStreamType find no subscription under it, as for any unknown stream.
            assertThat(client.error("subscribe", data().put("streamID", "nobody_camera").put("offer", "v=0"), -2)
                    .path("message").asText()).isEqualTo("streamID must be {userID}_main or {userID}_aux");
            client.ok("unsubscribe", data().put("streamID", "a/b_main"));
            client.error("setStreamType", data().put("streamID", "a/b_main").put("streamType", "big"), -1);
            client.error("enter", SignalClient.enterData(server, "solo", "solo-room", null), -1);
            client.error("message", data().put("cmdID", 1).put("data", "x".repeat(1025)), -2);
        }
    }
}

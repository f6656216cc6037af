package io.lianmai.server.callback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianmai.server.TestServer;
import io.lianmai.server.api.RestApiClient;
import io.lianmai.server.live.FfmpegRtmp;
import io.lianmai.server.signal.SignalClient;
import io.lianmai.testkit.Await;
import io.lianmai.testkit.ExternalTools;
import io.lianmai.testkit.LibWebRtcPeer;
import io.lianmai.testkit.WhipClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members of every kind fire TRTC's callbacks, posted to a receiver process: a WebRTC member of the signalling socket
 * (libwebrtc publishing camera and microphone, then muting), a WHIP publisher (libwebrtc through WHIP), and an RTMP
 * publisher (ffmpeg, as a mini program's live-pusher). The room's life is told in order: created, each member's entry
 * with its UserType, their media starting and stopping, their exits, the dismissal.
 */
class CallbackMemberKindsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String KEY = "kindsKey";
    private static final long ROOM = 4242;

    @RegisterExtension
    private static final TestServer server = TestServer.fixture(Map.of(
            "callbacks.allowPrivateTargets", "true", "callbacks.pollMillis", "50"));

    @TempDir
    Path dir;

    @Test
    void webRtcWhipAndRtmpMembersFireRoomAndMediaEvents() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        try (CallbackReceiver receiver = CallbackReceiver.start(dir, "ok", 0)) {
            server.server().apps().setWebhook(server.app().sdkAppId(), Optional.of(receiver.url()),
                    Optional.of(KEY));
            try (SignalClient alice = SignalClient.connect(server); LibWebRtcPeer camera = LibWebRtcPeer.publisher();
                    LibWebRtcPeer obs = LibWebRtcPeer.publisher()) {
                alice.enter(server, "alice", Long.toString(ROOM), null);
                JsonNode published = alice.ok("publish", SignalClient.data().put("streamType", "main")
                        .put("offer", camera.createOffer()).put("audio", true).put("video", true));
                camera.acceptAnswer(published.path("answer").asText());
                alice.ok("mute", SignalClient.data().put("streamType", "main").put("audio", false));

                WhipClient whip = new WhipClient();
                WhipClient.Result whipped = whip.post(server.endpoint("whip", "roomID=" + ROOM, "obs", null),
                        server.userSig("obs"), obs.createOffer());
                assertThat(whipped.status()).as(whipped.body()).isEqualTo(201);
                obs.acceptAnswer(whipped.body());
                alice.awaitEvent("streamAdd", "obs");

                String stream = server.sdkAppId() + "_" + ROOM + "_pusher_main";
                Process pusher = FfmpegRtmp.publish(ffmpeg, FfmpegRtmp.url(server, stream, server.userSig("pusher")),
                        30, dir.resolve("ffmpeg.log"));
                try {
                    alice.awaitEvent("streamAdd", "pusher");
                } finally {
                    FfmpegRtmp.stop(pusher);
                }
                alice.awaitEvent("userLeave", "pusher");
                assertThat(whip.delete(whipped.location())).isEqualTo(200);
                alice.awaitEvent("userLeave", "obs");
                alice.ok("leave", SignalClient.data());
            }

            Await.until("the room's dismissal at the receiver", DEADLINE,
                    () -> types(receiver).contains("102"), () -> types(receiver).toString());
            List<JsonNode> bodies = bodies(receiver);
            for (JsonNode request : receiver.requests()) {
                assertThat(request.path("sign").asText()).isEqualTo(CallbackSignature.sign(KEY,
                        request.path("body").asText().getBytes(StandardCharsets.UTF_8)));
            }
            assertThat(bodies).allSatisfy(body -> assertThat(body.path("EventInfo").path("RoomId").asLong())
                    .isEqualTo(ROOM));
            assertThat(bodies.get(0).path("EventType").asInt()).isEqualTo(101);
            assertThat(bodies.get(bodies.size() - 1).path("EventType").asInt()).isEqualTo(102);

            assertThat(eventsOf(bodies, "alice")).containsExactly("103", "201", "203", "204", "104");
            assertThat(eventsOf(bodies, "obs")).startsWith("103").contains("201").endsWith("104");
            assertThat(eventsOf(bodies, "pusher")).startsWith("103").contains("201", "203").endsWith("104");
            assertThat(entry(bodies, "alice").path("UserType").asInt()).as("WebRTC").isEqualTo(1);
            assertThat(entry(bodies, "obs").path("UserType").asInt()).as("WHIP is WebRTC").isEqualTo(1);
            assertThat(entry(bodies, "pusher").path("UserType").asInt()).as("RTMP, a mini program").isEqualTo(2);
            assertThat(entry(bodies, "alice").path("Role").asInt()).isEqualTo(20);

            // /metrics counts the deliveries (docs/operations.md): every event delivered once, none pending.
            String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    server.url("/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            java.util.regex.Matcher count = java.util.regex.Pattern
                    .compile("(?m)^lianmai_callback_delivery_seconds_count(?:\\{[^}]*})? ([0-9.eE+]+)$").matcher(metrics);
            assertThat(count.find()).as("the delivery histogram is served").isTrue();
            assertThat(Double.parseDouble(count.group(1))).isGreaterThanOrEqualTo(bodies.size());
            assertThat(metrics).containsPattern("(?m)^lianmai_callback_outbox_depth(\\{[^}]*})? 0(\\.0)?$");

            // The reconcile view: every event delivered, the same ids, newest first; paging; another app's caller
            // is refused.
            Await.until("every event marked delivered", DEADLINE, () -> describe("{\"SdkAppId\": "
                    + server.sdkAppId() + ", \"Undelivered\": true}").path("Events").isEmpty());
            JsonNode all = describe("{\"SdkAppId\": " + server.sdkAppId() + ", \"Limit\": 1000}");
            List<String> listed = new ArrayList<>();
            all.path("Events").forEach(event -> {
                assertThat(event.path("State").asText()).isEqualTo("delivered");
                listed.add(event.path("EventId").asText());
            });
            List<String> newestFirst = new ArrayList<>(bodies.stream().map(body -> body.path("EventId").asText())
                    .toList());
            java.util.Collections.reverse(newestFirst);
            assertThat(listed).containsExactlyElementsOf(newestFirst);
            JsonNode page = describe("{\"SdkAppId\": " + server.sdkAppId() + ", \"Limit\": 2}");
            assertThat(page.path("Events")).hasSize(2);
            JsonNode next = describe("{\"SdkAppId\": " + server.sdkAppId() + ", \"Limit\": 2, \"Before\": "
                    + page.path("NextBefore").asLong() + "}");
            assertThat(next.path("Events").get(0).path("EventId").asText()).isEqualTo(listed.get(2));
            JsonNode refused = RestApiClient.call(server, "DescribeCallbackEvents", server.userSig("alice"),
                    "{\"SdkAppId\": " + server.sdkAppId() + "}");
            assertThat(refused.path("Error").path("Code").asText()).isEqualTo("AuthFailure");
        }
    }

    private static JsonNode describe(String body) {
        try {
            JsonNode response = RestApiClient.call(server, "DescribeCallbackEvents", RestApiClient.adminSig(server),
                    body);
            assertThat(response.has("Error")).as(response.toString()).isFalse();
            return response;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<JsonNode> bodies(CallbackReceiver receiver) {
        List<JsonNode> bodies = new ArrayList<>();
        for (JsonNode request : receiver.requests()) {
            try {
                bodies.add(JSON.readTree(request.path("body").asText()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return bodies;
    }

    private static List<String> types(CallbackReceiver receiver) {
        return bodies(receiver).stream().map(body -> body.path("EventType").asText()).toList();
    }

    private static List<String> eventsOf(List<JsonNode> bodies, String userId) {
        return bodies.stream().filter(body -> body.path("EventInfo").path("UserId").asText().equals(userId)
                && body.path("EventType").asInt() != 101).map(body -> body.path("EventType").asText()).toList();
    }

    private static JsonNode entry(List<JsonNode> bodies, String userId) {
        return bodies.stream().filter(body -> body.path("EventType").asInt() == 103
                && body.path("EventInfo").path("UserId").asText().equals(userId)).findFirst().orElseThrow()
                .path("EventInfo");
    }
}

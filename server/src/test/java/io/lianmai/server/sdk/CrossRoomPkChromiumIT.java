package io.lianmai.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import io.lianmai.server.TestServer;
import io.lianmai.server.live.LiveOutput;
import io.lianmai.server.signal.SignalClient;
import io.lianmai.testkit.ExternalTools;
import io.lianmai.testkit.HeadlessChromium;
import io.lianmai.testkit.LibWebRtcPeer;
import io.lianmai.testkit.ToneDetector;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-room PK end to end with real clients: two live rooms, each with a Chromium anchor on the web SDK (alice's
 * microphone a 440 Hz tone, bob's 660 Hz, so that each is recognised wherever it is heard) and a mini-program-style
 * audience member (a signalling socket for the events, ffmpeg playing the room's HTTP-FLV streams with the signed
 * {@code play} query the events carry, as the wx SDK's live-player does). PK on: each anchor decodes the other's
 * video and audio through the SDK's usual REMOTE_* events, each room's FLV audience decodes both anchors, each with
 * its own tone, and a WebRTC audience member of room A (libwebrtc subscribing over the socket) receives bob. PK off:
 * the other anchor leaves on both sides (SDK and protocol events), the anchors and the WebRTC audience member stop
 * receiving it, and an FLV player of the other anchor in a room is cut off and cannot start again.
 */
class CrossRoomPkChromiumIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long ROOM_A = 8911;
    private static final long ROOM_B = 8912;
    private static final int ALICE_HZ = 440;
    private static final int BOB_HZ = 660;
    /** Fewest frames in 3 s of a browser publisher that is bridged to FLV (VP8 → H.264) on a busy machine. */
    private static final int MIN_FLV_FRAMES = 20;

    @RegisterExtension
    private static final TestServer server = TestServer.fixture(Map.of("live.idleSeconds", "2"));

    @TempDir
    Path dir;

    @Test
    void bothAnchorsAreSeenAndHeardInBothRoomsWhileThePkLasts() throws Exception {
        ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        List<AutoCloseable> closing = new java.util.ArrayList<>();
        try (HeadlessChromium alice = anchor(ALICE_HZ); HeadlessChromium bob = anchor(BOB_HZ);
                SignalClient fanA = SignalClient.connect(server); SignalClient fanB = SignalClient.connect(server)) {
            // The audience sockets send nothing else: they heartbeat as the SDKs do, or the server would close them.
            fanA.autoHeartbeat(Duration.ofSeconds(2));
            fanB.autoHeartbeat(Duration.ofSeconds(2));
            JsonNode enteredA = fanA.enter(server, "pkc-fanA", String.valueOf(ROOM_A), audience());
            JsonNode enteredB = fanB.enter(server, "pkc-fanB", String.valueOf(ROOM_B), audience());
            start(alice, params("pkc-alice", ROOM_A));
            start(bob, params("pkc-bob", ROOM_B));
            JsonNode aliceInA = fanA.awaitEvent("streamAdd", "pkc-alice");
            JsonNode bobInB = fanB.awaitEvent("streamAdd", "pkc-bob");
            assertThat(BrowserMedia.framesDecoded(alice)).as("nothing to receive before the PK").isZero();

            // SDK garbage is refused before anything is sent; an unknown anchor by the server; both as TRTC's event.
            assertThat(connect(alice, "'not json'")).isEqualTo(-3328);
            assertThat(connect(alice, "{roomId: " + ROOM_B + ", userId: 'pkc-nobody'}")).isEqualTo(-102048);
            assertThat(connect(alice, "JSON.stringify({roomId: " + ROOM_B + ", userId: 'pkc-bob'})")).isZero();
            assertThat(events(alice, "CONNECT_OTHER_ROOM")).extracting(e -> ((Number) e.get("errCode")).intValue())
                    .containsExactly(-3328, -102048, 0);
            assertThat(events(alice, "CONNECT_OTHER_ROOM").get(2).get("userID")).isEqualTo("pkc-bob");

            // Each anchor: the other one joins as a remote user, and is seen and heard.
            alice.await("alice: bob joins", WAIT, () -> hasUser(alice, "REMOTE_USER_JOIN", "pkc-bob"));
            bob.await("bob: alice joins", WAIT, () -> hasUser(bob, "REMOTE_USER_JOIN", "pkc-alice"));
            alice.await("alice: bob's video", WAIT, () -> events(alice, "REMOTE_VIDEO_ADD").size() == 1);
            awaitReceiving(alice, "alice sees and hears bob");
            awaitReceiving(bob, "bob sees and hears alice");

            // Each room's FLV audience: both anchors, each with its own tone, from the URLs the events give.
            JsonNode bobInA = fanA.awaitEvent("streamAdd", "pkc-bob");
            JsonNode aliceInB = fanB.awaitEvent("streamAdd", "pkc-alice");
            assertThat(bobInA.path("play").asText()).as("a signed play query for room A's name").contains("txSecret=");
            String bobInAUrl = flv(enteredA, ROOM_A, "pkc-bob", bobInA);
            LiveOutput.assertSeenAndHeard(dir, flv(enteredA, ROOM_A, "pkc-alice", aliceInA), MIN_FLV_FRAMES, ALICE_HZ);
            LiveOutput.assertSeenAndHeard(dir, bobInAUrl, MIN_FLV_FRAMES, BOB_HZ);
            LiveOutput.assertSeenAndHeard(dir, flv(enteredB, ROOM_B, "pkc-bob", bobInB), MIN_FLV_FRAMES, BOB_HZ);
            LiveOutput.assertSeenAndHeard(dir, flv(enteredB, ROOM_B, "pkc-alice", aliceInB), MIN_FLV_FRAMES, ALICE_HZ);

            // A WebRTC audience member of room A (libwebrtc, subscribing over the socket) sees and hears bob too.
            LibWebRtcPeer webFanA = LibWebRtcPeer.player();
            closing.add(webFanA);
            JsonNode answer = fanA.ok("subscribe", SignalClient.data().put("streamID", "pkc-bob_main")
                    .put("offer", webFanA.createOffer()));
            webFanA.acceptAnswer(answer.path("answer").asText());
            webFanA.awaitMedia(30, 50, WAIT);

            // PK off while an FLV player of bob in room A plays: it is cut off, and bob leaves both sides.
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<InputStream> playing = http.send(HttpRequest.newBuilder(URI.create(bobInAUrl)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(playing.statusCode()).isEqualTo(200);
            AtomicLong received = new AtomicLong();
            CompletableFuture<Long> drained = CompletableFuture.supplyAsync(() -> drain(playing.body(), received));
            alice.await("room A's FLV player receives bob", WAIT, () -> received.get() > 50_000);
            assertThat(drained).as("the player is playing").isNotDone();
            assertThat(String.valueOf(alice.asyncScript("const done = arguments[arguments.length - 1];"
                    + "window.trtc.disconnectOtherRoom().then(() => done('ok'), e => done('refused ' + e.code))")))
                    .isEqualTo("ok");
            assertThat(events(alice, "DISCONNECT_OTHER_ROOM")).extracting(e -> ((Number) e.get("errCode")).intValue())
                    .containsExactly(0);
            assertThat(fanA.awaitEvent("userLeave", "pkc-bob").path("reason").asText()).isEqualTo("leave");
            fanB.awaitEvent("userLeave", "pkc-alice");
            alice.await("alice: bob leaves", WAIT, () -> hasUser(alice, "REMOTE_USER_LEAVE", "pkc-bob"));
            bob.await("bob: alice leaves", WAIT, () -> hasUser(bob, "REMOTE_USER_LEAVE", "pkc-alice"));
            alice.await("alice receives nothing", WAIT, () -> BrowserMedia.streamsDecoding(alice) == 0);
            bob.await("bob receives nothing", WAIT, () -> BrowserMedia.streamsDecoding(bob) == 0);
            alice.await("room A's WebRTC audience member's subscription to bob ended", WAIT,
                    () -> webFanA.state() != RTCPeerConnectionState.CONNECTED);
            long frames = webFanA.videoFramesReceived();
            WebSdkChromiumIT.pause(1500);
            assertThat(webFanA.videoFramesReceived()).as("no more of bob's frames in room A").isEqualTo(frames);
            assertThat(drained.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the FLV player was cut off")
                    .isGreaterThan(50_000);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(bobInAUrl)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).as("bob is no longer live in room A")
                    .isEqualTo(404);
            // Each anchor's own room still has it.
            LiveOutput.assertSeenAndHeard(dir, flv(enteredB, ROOM_B, "pkc-bob", bobInB), MIN_FLV_FRAMES, BOB_HZ);
        } finally {
            for (AutoCloseable each : closing) {
                each.close();
            }
        }
    }

    private HeadlessChromium anchor(int hz) throws IOException {
        HeadlessChromium page = BrowserMedia.startWithMicrophone(ToneDetector.writeWav(dir.resolve(hz + ".wav"), hz,
                1, 48_000));
        page.onEveryPage(WebSdkChromiumIT.APP);
        page.open(server.url("/index.html").toString());
        return page;
    }

    private static Map<String, Object> params(String userId, long room) {
        return Map.of("sdkAppID", server.sdkAppId(), "userID", userId, "userSig", server.userSig(userId),
                "roomID", room, "scene", "live", "role", "anchor");
    }

    private static void start(HeadlessChromium page, Map<String, Object> params) {
        Object started = page.asyncScript("const done = arguments[arguments.length - 1];"
                + "window.app({}, arguments[0], arguments[1]).then(done, e => done(String(e)))", params,
                Map.of("enableCamera", true, "enableMic", true));
        assertThat(started).isEqualTo(true);
        page.await("entered", WAIT, () -> !events(page, "LOCAL_JOIN").isEmpty());
    }

    /** Calls connectOtherRoom with the JavaScript expression {@code param}; returns the code it settled with. */
    private static int connect(HeadlessChromium page, String param) {
        Object code = page.asyncScript("const done = arguments[arguments.length - 1];"
                + "window.trtc.connectOtherRoom(" + param + ").then(() => done(0), e => done(e.code))");
        return ((Number) code).intValue();
    }

    private static void awaitReceiving(HeadlessChromium page, String what) {
        page.await(what, WAIT, () -> BrowserMedia.framesDecoded(page) > 30 && BrowserMedia.audioSamples(page) > 0);
        double energy = BrowserMedia.audioEnergy(page);
        page.await(what + ": sound, not silence", WAIT, () -> BrowserMedia.audioEnergy(page) > energy + 0.002);
    }

    /** The URL a mini-program live-player plays for {@code userId}'s main stream, from what the server sent. */
    private static String flv(JsonNode entered, long room, String userId, JsonNode streamAdd) {
        return entered.path("live").path("flv").asText() + "/" + server.sdkAppId() + "_" + room + "_" + userId
                + "_main.flv?" + streamAdd.path("play").asText();
    }

    private static ObjectNode audience() {
        return SignalClient.data().put("scene", "live").put("role", "audience");
    }

    private static boolean hasUser(HeadlessChromium page, String event, String userId) {
        return events(page, event).stream().anyMatch(e -> userId.equals(e.get("userID")));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> events(HeadlessChromium page, String name) {
        return (List<Map<String, Object>>) page.script(
                "return window.got.filter(e => e.name === arguments[0]).map(e => e.data)", name);
    }

    /** Reads until the server ends the stream; returns the bytes read. */
    private static long drain(InputStream body, AtomicLong received) {
        byte[] buffer = new byte[16384];
        try (body) {
            for (int n; (n = body.read(buffer)) >= 0; ) {
                received.addAndGet(n);
            }
        } catch (IOException e) {
            // A reset is an end too.
        }
        return received.get();
    }
}

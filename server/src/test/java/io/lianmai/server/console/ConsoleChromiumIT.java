package io.lianmai.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.lianmai.server.TestServer;
import io.lianmai.server.api.CloudApiClient;
import io.lianmai.server.live.FfmpegRtmp;
import io.lianmai.server.signal.SignalClient;
import io.lianmai.testkit.ExternalTools;
import io.lianmai.testkit.HeadlessChromium;
import io.lianmai.testkit.LibWebRtcPeer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator console in headless Chromium, driven through Selenium against a running server: a wrong SecretKey
 * shows Tencent's error and lists nothing; signed in with a credential from {@code lianmai apikey create}, the page
 * sets the app's callback URL to a receiver of the test, shows a room with a WebRTC member (libwebrtc on the
 * signalling socket) and an RTMP member (ffmpeg) with their kinds and non-zero bitrates, kicks the WebRTC member —
 * who is told so and is gone from the page and from the server — lists the exit callback (104) as delivered, and
 * charts the node.
 */
class ConsoleChromiumIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final long ROOM = 7311;

    @RegisterExtension
    private static final TestServer server = TestServer.fixture(Map.of(
            "callbacks.allowPrivateTargets", "true", "callbacks.pollMillis", "50"));

    @TempDir
    Path dir;

    @Test
    void signInSeeWebRtcAndRtmpMembersKickOneAndSeeItsCallbackDelivered() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        CloudApiClient.Key key = CloudApiClient.createKey(server);
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = receiver(received);
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            browser.open(server.url("/console").toString());
            browser.await("the console page", DEADLINE, () -> "true".equals(browser.script(
                    "return document.body.dataset.ready || ''")));
            assertThat(browser.script("return document.getElementById('no-crypto').hidden")).isEqualTo(true);

            // A wrong key: Tencent's error, nothing listed.
            signIn(browser, key.secretId(), "x".repeat(32));
            browser.await("the sign-in error", DEADLINE, () -> !text(browser, "signin-error").isEmpty());
            assertThat(text(browser, "signin-error")).startsWith("AuthFailure.SignatureFailure");
            assertThat(browser.script("return document.getElementById('main').hidden")).isEqualTo(true);
            assertThat(browser.script("return document.querySelectorAll('#apps-table tbody tr, .room').length"))
                    .isEqualTo(0L);
            assertThat(browser.script("return sessionStorage.length")).isEqualTo(0L);

            signIn(browser, key.secretId(), key.secretKey());
            browser.await("the app list", DEADLINE, () -> (Long) browser.script("return document.querySelectorAll("
                    + "'#apps-table tbody tr[data-sdkappid=\"" + server.sdkAppId() + "\"]').length") == 1L);
            assertThat(browser.script("return Object.keys(localStorage).length + document.cookie.length"))
                    .isEqualTo(0L);

            // The app's callbacks go to the test's receiver, set from the page.
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/trtc";
            browser.script("document.getElementById('callback-app').value = arguments[0];"
                    + "document.getElementById('callback-url').value = arguments[1];"
                    + "document.getElementById('callback-key').value = 'consoleKey';"
                    + "document.querySelector('#callback-form button[type=submit]').click();",
                    Long.toString(server.sdkAppId()), url);
            browser.await("the callback URL in the app list", DEADLINE, () -> ((String) browser.script(
                    "return document.getElementById('apps-table').textContent")).contains(url));
            assertThat(server.server().apps().find(server.app().sdkAppId()).orElseThrow().webhookUrl())
                    .contains(url);
            browser.script("const s = document.getElementById('events-app'); s.value = arguments[0];"
                    + "s.dispatchEvent(new Event('change'));", Long.toString(server.sdkAppId()));

            try (SignalClient alice = SignalClient.connect(server); LibWebRtcPeer camera = LibWebRtcPeer.publisher()) {
                alice.enter(server, "alice", Long.toString(ROOM), null);
                JsonNode published = alice.ok("publish", SignalClient.data().put("streamType", "main")
                        .put("offer", camera.createOffer()).put("audio", true).put("video", true));
                camera.acceptAnswer(published.path("answer").asText());
                String stream = server.sdkAppId() + "_" + ROOM + "_pusher_main";
                Process pusher = FfmpegRtmp.publish(ffmpeg, FfmpegRtmp.url(server, stream, server.userSig("pusher")),
                        60, dir.resolve("ffmpeg.log"));
                try {
                    alice.awaitEvent("streamAdd", "pusher");
                    browser.await("alice (WebRTC) and pusher (RTMP) with media in the page", DEADLINE, () ->
                            bitrate(browser, "alice", "webrtc") > 0 && bitrate(browser, "pusher", "rtmp") > 0);

                    browser.script("document.querySelector('.room[data-room=\"" + ROOM + "\"] "
                            + "button.kick[data-user=\"alice\"]').click()");
                    assertThat(alice.awaitEvent("kicked", d -> true).path("reason").asText()).isEqualTo("removed");
                    browser.await("alice gone from the page", DEADLINE, () -> (Long) browser.script(
                            "return document.querySelectorAll('tr.member[data-user=\"alice\"]').length") == 0L);
                    assertThat(bitrate(browser, "pusher", "rtmp")).isPositive();
                    JsonNode rooms = JSON.readTree(CloudApiClient.sdk(server, key).call("DescribeLiveRooms",
                            "{\"SdkAppId\":" + server.sdkAppId() + "}"));
                    assertThat(rooms.toString()).contains("\"pusher\"").doesNotContain("\"alice\"");

                    browser.await("alice's exit (104) delivered, in the page", DEADLINE, () -> (Long) browser.script(
                            "return document.querySelectorAll('#callbacks-table tr[data-event-type=\"104\"]"
                                    + "[data-user=\"alice\"][data-state=\"delivered\"]').length") == 1L);
                    assertThat(received).anySatisfy(body -> assertThat(body).contains("\"EventType\":104")
                            .contains("\"alice\""));
                } finally {
                    FfmpegRtmp.stop(pusher);
                }
            }

            browser.await("the node charts drawn", DEADLINE, () -> Long.parseLong((String) browser.script(
                    "return document.getElementById('chart-bitrate').dataset.points")) >= 3);
            assertThat(browser.script("return document.querySelectorAll('#chart-members canvas, "
                    + "#chart-bitrate canvas, #chart-cpu canvas').length")).isEqualTo(3L);
        } finally {
            receiver.stop(0);
        }
        // The page is served with its strict policy.
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                server.url("/console/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.headers().firstValue("content-security-policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("default-src 'self'").doesNotContain("unsafe-inline"));
        assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.url(
                "/console/vendor/uplot/uPlot.esm.js")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(200);
    }

    private static void signIn(HeadlessChromium browser, String secretId, String secretKey) {
        browser.script("document.getElementById('secret-id').value = arguments[0];"
                + "document.getElementById('secret-key').value = arguments[1];"
                + "document.getElementById('signin').click();", secretId, secretKey);
    }

    private static String text(HeadlessChromium browser, String id) {
        return (String) browser.script("return document.getElementById(arguments[0]).textContent", id);
    }

    /** The bitrate the page shows for {@code user} listed with {@code kind}; -1 when not listed. */
    private static long bitrate(HeadlessChromium browser, String user, String kind) {
        Object value = browser.script("const row = document.querySelector('.room[data-room=\"" + ROOM + "\"] "
                + "tr.member[data-user=\"' + arguments[0] + '\"][data-kind=\"' + arguments[1] + '\"]');"
                + "return row ? row.dataset.bitrate : '-1';", user, kind);
        return Long.parseLong((String) value);
    }

    /** A callback receiver answering 200 to every post, keeping the bodies. */
    private static HttpServer receiver(List<String> received) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/trtc", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                received.add(new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        http.start();
        return http;
    }
}

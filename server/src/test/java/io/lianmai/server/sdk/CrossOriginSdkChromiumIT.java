package io.lianmai.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.lianmai.server.TestServer;
import io.lianmai.testkit.HeadlessChromium;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An app's page on the app's own origin, importing the web SDK from the Lianmai server as a real app does:
 * {@code import TRTC from 'http://lianmai-host/sdk/lianmai-web.js'}. The page is the seed article's {@code room.js}
 * (test resource {@code seed/room.js}, verbatim) with only its import line changed, under a few lines that stand in
 * for the mini program's {@code Page()} and its template. It is served by a second HTTP server on another port (a
 * different origin); that server has no {@code /ws}, so a call only works if the SDK connects to the server it was
 * loaded from.
 */
class CrossOriginSdkChromiumIT {
    private static final Duration WAIT = Duration.ofSeconds(25);
    /**
     * Stands in for the mini program: {@code Page(definition)} makes the page object with {@code setData} and calls
     * {@code onLoad} with the query; rendering puts a {@code <live-pusher>} and a {@code <live-player>} per stream
     * on the page, bound by their {@code url}/{@code src} as room.wxml binds them.
     */
    private static final String MINI_PROGRAM = """
            window.wx = {navigateBack() {}};
            function render(page) {
              const {pusher, playerList} = page.data;
              if (pusher && pusher.url) {
                let el = document.getElementById('pusher');
                if (!el) { el = document.createElement('live-pusher'); el.id = 'pusher'; document.body.appendChild(el); }
                el.setAttribute('url', pusher.url);
              }
              for (const player of playerList || []) {
                let el = document.getElementById(player.streamID);
                if (!el) { el = document.createElement('live-player'); el.id = player.streamID; document.body.appendChild(el); }
                el.setAttribute('src', player.src);
              }
            }
            window.Page = definition => {
              const page = Object.assign({}, definition, {data: JSON.parse(JSON.stringify(definition.data))});
              page.setData = (data, callback) => {
                Object.assign(page.data, data); render(page); if (callback) setTimeout(callback, 0); };
              window.page = page;
              page.onLoad(Object.fromEntries(new URLSearchParams(location.search)));
            };
            """;

    @RegisterExtension
    private static final TestServer server = TestServer.fixture();
    private HttpServer appOrigin;

    @BeforeEach
    void serveTheAppsPages() throws IOException {
        String seed;
        try (InputStream in = getClass().getResourceAsStream("/seed/room.js")) {
            seed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String importLine = "import TRTC from '../../../static/trtc-wx'";
        assertThat(seed).startsWith(importLine);
        String roomJs = "import TRTC from '" + server.url("/sdk/lianmai-web.js") + "'"
                + seed.substring(importLine.length());
        String html = "<!doctype html><meta charset=utf-8><title>app</title><script>" + MINI_PROGRAM + "</script>"
                + "<script type=module src=/room.js></script>";
        appOrigin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        serve(appOrigin, "/app.html", "text/html", html);
        serve(appOrigin, "/room.js", "text/javascript", roomJs);
        appOrigin.start();
    }

    @AfterEach
    void stopServing() {
        appOrigin.stop(0);
    }

    @Test
    void theSeedsRoomJsWorksFromAPageOnAnotherOrigin() {
        String app = "http://127.0.0.1:" + appOrigin.getAddress().getPort();
        assertThat(app).isNotEqualTo(server.url("/").toString().replaceAll("/$", ""));
        try (HeadlessChromium alice = open(app, "alice"); HeadlessChromium bob = open(app, "bob")) {
            alice.await("alice sees and hears bob", WAIT,
                    () -> BrowserMedia.framesDecoded(alice) > 10 && BrowserMedia.audioSamples(alice) > 0);
            bob.await("bob sees and hears alice", WAIT,
                    () -> BrowserMedia.framesDecoded(bob) > 10 && BrowserMedia.audioSamples(bob) > 0);
            assertThat(alice.script("return location.origin")).isEqualTo(app);
            assertThat(alice.script("return window.__sockets[0].url"))
                    .isEqualTo(server.url("/ws").toString().replace("http://", "ws://"));
        }
    }

    @Test
    void theSdkAndWhatItImportsAreServedWithCors() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        for (String file : new String[] {"/sdk/lianmai-web.js", "/sdk/lianmai-core.js"}) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.url(file))
                    .header("Origin", "https://app.example.com").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(file).isEqualTo(200);
            assertThat(response.headers().firstValue("access-control-allow-origin")).as(file).hasValue("*");
            assertThat(response.headers().firstValue("content-type").orElse("")).as(file).contains("javascript");
        }
        // Only the SDK is shared: the demo pages stay same-origin.
        HttpResponse<String> page = client.send(HttpRequest.newBuilder(server.url("/room.html"))
                .header("Origin", "https://app.example.com").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.headers().firstValue("access-control-allow-origin")).isEmpty();
    }

    private static HeadlessChromium open(String app, String userId) {
        HeadlessChromium page = BrowserMedia.start();
        Map<String, String> query = Map.of("sdkAppID", String.valueOf(server.sdkAppId()), "roomID", "8901",
                "userID", userId, "userSig", server.userSig(userId));
        StringBuilder url = new StringBuilder(app).append("/app.html?");
        query.forEach((name, value) -> url.append(name).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)).append('&'));
        page.open(url.toString());
        return page;
    }

    private static void serve(HttpServer http, String path, String type, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        http.createContext(path, exchange -> {
            exchange.getResponseHeaders().set("content-type", type + "; charset=utf-8");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
    }
}

package io.lianmai.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lianmai.server.TestServer;
import io.lianmai.testkit.CoturnServer;
import io.lianmai.testkit.HeadlessChromium;
import io.lianmai.testkit.LibWebRtcPeer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users whose network lets nothing through but a TURN server: Debian's coturn, configured with the secret Lianmai
 * signs TURN REST credentials with ({@code turn.urls}, {@code turn.secret}). Two browsers with the web SDK and
 * {@code iceTransportPolicy: 'relay'} call each other through it, and WHIP answers name it in {@code Link} headers.
 */
class TurnRelayChromiumIT {
    private static final Duration WAIT = Duration.ofSeconds(25);
    private static final String SECRET = "turn-shared-secret-for-the-test";
    /** The pair ICE chose for the page's first connected peer connection: the local candidate's type. */
    private static final String SELECTED_LOCAL_TYPE = "const done = arguments[arguments.length - 1];"
            + "(async () => { const types = [];"
            + "  for (const pc of window.__pcs) { if (pc.connectionState !== 'connected') continue;"
            + "    const stats = await pc.getStats(); let pair = null;"
            + "    stats.forEach(s => { if (s.type === 'transport' && s.selectedCandidatePairId)"
            + "      pair = stats.get(s.selectedCandidatePairId); });"
            + "    if (pair) types.push(stats.get(pair.localCandidateId).candidateType); }"
            + "  return types; })().then(done, e => done(['error ' + e]));";

    @TempDir
    Path dir;

    @Test
    void aCallWhoseMediaCanOnlyGoThroughTurnWorks() throws Exception {
        try (CoturnServer turn = CoturnServer.start(dir, SECRET);
                TestServer server = TestServer.start(Map.of("turn.urls", turn.udpUrl() + "," + turn.tcpUrl(),
                        "turn.secret", SECRET, "turn.credentialSeconds", "600"));
                HeadlessChromium alice = page(server); HeadlessChromium bob = page(server)) {
            start(server, alice, "turn-alice");
            start(server, bob, "turn-bob");
            for (HeadlessChromium page : List.of(alice, bob)) {
                page.await("media through the relay", WAIT,
                        () -> BrowserMedia.framesDecoded(page) > 30 && BrowserMedia.audioSamples(page) > 0);
                List<?> types = (List<?>) page.asyncScript(SELECTED_LOCAL_TYPE);
                assertThat(types).as("every connected peer connection goes through TURN").isNotEmpty()
                        .allMatch("relay"::equals);
            }
            // coturn took exactly Lianmai's credentials: username expiry:userID, expiry ten minutes away.
            Matcher allocated = Pattern.compile("user <(\\d+):turn-alice>: incoming packet ALLOCATE processed, success")
                    .matcher(turn.log());
            assertThat(allocated.find()).as(turn.log()).isTrue();
            assertThat(Long.parseLong(allocated.group(1)))
                    .isCloseTo(Instant.now().plusSeconds(600).getEpochSecond(), within(120L));
        }
    }

    @Test
    void whipAnswersNameTheTurnServersWithCredentials() throws Exception {
        String url = "turn:turn.example.com:3478?transport=udp";
        try (TestServer server = TestServer.start(Map.of("turn.urls", url + ",stun:stun.example.com:3478",
                "turn.secret", SECRET));
                LibWebRtcPeer publisher = LibWebRtcPeer.publisher()) {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    server.endpoint("whip", "roomID=9401", "whip-turn", null))
                    .header("content-type", "application/sdp")
                    .header("authorization", "Bearer " + server.userSig("whip-turn"))
                    .POST(HttpRequest.BodyPublishers.ofString(publisher.createOffer())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
            List<String> links = answer.headers().allValues("link");
            assertThat(links).contains("<stun:stun.example.com:3478>; rel=\"ice-server\"");
            String turnLink = links.stream().filter(l -> l.startsWith("<" + url + ">")).findFirst().orElseThrow();
            Matcher m = Pattern.compile("rel=\"ice-server\"; username=\"(\\d+):whip-turn\"; credential=\"([^\"]+)\"; "
                    + "credential-type=\"password\"").matcher(turnLink);
            assertThat(m.find()).as(turnLink).isTrue();
            assertThat(m.group(2)).isEqualTo(hmacSha1(SECRET, m.group(1) + ":whip-turn"));
            assertThat(Long.parseLong(m.group(1))).isCloseTo(Instant.now().plusSeconds(86_400).getEpochSecond(),
                    within(120L));
        }
    }

    /** What coturn computes, written here independently of the server's code. */
    private static String hmacSha1(String secret, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static HeadlessChromium page(TestServer server) {
        HeadlessChromium page = BrowserMedia.start();
        page.onEveryPage(WebSdkChromiumIT.APP);
        page.open(server.url("/index.html").toString());
        return page;
    }

    private static void start(TestServer server, HeadlessChromium page, String userId) {
        Map<String, Object> params = Map.of("sdkAppID", server.sdkAppId(), "userID", userId,
                "userSig", server.userSig(userId), "roomID", 9402, "scene", "rtc", "role", "anchor");
        Object started = page.asyncScript("const done = arguments[arguments.length - 1];"
                + "window.app({iceTransportPolicy: 'relay'}, arguments[0], arguments[1]).then(done, e => done(String(e)))",
                params, Map.of("enableCamera", true, "enableMic", true));
        assertThat(started).isEqualTo(true);
    }
}

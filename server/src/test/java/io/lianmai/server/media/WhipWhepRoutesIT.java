package io.lianmai.server.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.auth.Privilege;
import io.lianmai.auth.Privileges;
import io.lianmai.auth.UserSigSigner;
import io.lianmai.server.TestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The WHIP/WHEP HTTP contract: every bad request gets its status and a JSON reason, and nothing gets a 500. */
class WhipWhepRoutesIT {
    private static final String OFFER_WITH_VIDEO = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
            + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    @RegisterExtension
    private static final TestServer server = TestServer.fixture();
    private static UserSigSigner signer;
    private static long sdkAppId;

    @BeforeAll
    static void startServer() {
        signer = server.signer();
        sdkAppId = server.sdkAppId();
    }

    @Test
    void wrongContentTypeIs415() throws Exception {
        HttpResponse<String> response = post("/whip?" + params("alice", "roomID=1"), "text/plain", "hello",
                signer.genUserSig("alice", 60));

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(response.body()).contains("application/sdp");
    }

    @Test
    void missingOrMalformedParametersAre400() throws Exception {
        String sig = signer.genUserSig("alice", 60);
        assertError(post("/whip?roomID=1&userID=alice", sig), 400, "sdkAppID");
        assertError(post("/whip?sdkAppID=" + sdkAppId + "&userID=alice", sig), 400, "roomID");
        assertError(post("/whip?" + params("alice", "roomID=0"), sig), 400, "1..4294967295");
        assertError(post("/whip?" + params("alice", "roomID=abc"), sig), 400, "strRoomID");
        assertError(post("/whip?" + params("al ice", "roomID=1"), sig), 400, "-3319");
        assertError(post("/whip?" + params("alice", "roomID=1") + "&streamType=side", sig), 400, "streamType");
        assertError(post("/whep?" + params("bob", "roomID=1") + "&streamID=alice", signer.genUserSig("bob", 60)),
                400, "streamID");
    }

    @Test
    void authenticationFailuresSayWhy() throws Exception {
        assertError(post("/whip?" + params("alice", "roomID=1"), null), 401, "-100018");
        assertError(post("/whip?" + params("alice", "roomID=1"), "garbage"), 401, "base64");
        assertError(post("/whip?sdkAppID=1400009999&roomID=1&userID=alice", signer.genUserSig("alice", 60)),
                403, "-3317");
    }

    @Test
    void privateMapKeyIsEnforcedWhenGiven() throws Exception {
        String sig = signer.genUserSig("alice", 60);
        String otherRoom = signer.genPrivateMapKey("alice", 60, 2, Privileges.all().bits());
        String noVideo = signer.genPrivateMapKey("alice", 60, 1,
                Privileges.of(Privilege.ENTER_ROOM, Privilege.SEND_AUDIO).bits());
        String fine = signer.genPrivateMapKey("alice", 60, 1, Privileges.all().bits());

        assertError(post("/whip?" + params("alice", "roomID=1") + "&privateMapKey=" + encode(otherRoom), sig),
                403, "roomID 2");
        assertError(post("/whip?" + params("alice", "roomID=1") + "&privateMapKey=" + encode(noVideo), sig),
                403, "send_video");
        HttpResponse<String> accepted = post("/whip?" + params("alice", "roomID=1") + "&privateMapKey="
                + encode(fine), sig);
        assertThat(accepted.statusCode()).as("past authentication, the SDP is what fails").isEqualTo(400);
        assertThat(accepted.body()).contains("SDP");
    }

    @Test
    void garbageOffersAre400NeverAServerError() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        String sig = signer.genUserSig("fuzz", 600);
        for (int i = 0; i < 100; i++) {
            StringBuilder body = new StringBuilder(i % 2 == 0 ? "v=0\r\n" : "");
            int length = random.nextInt(400);
            for (int j = 0; j < length; j++) {
                body.append((char) (random.nextBoolean() ? random.nextInt(32, 127) : "\r\n=mav: "
                        .charAt(random.nextInt(7))));
            }
            HttpResponse<String> response = post("/whip?" + params("fuzz", "roomID=5"), "application/sdp",
                    body.toString(), sig);
            assertThat(response.statusCode()).as("offer %s", body).isEqualTo(400);
            assertThat(response.body()).startsWith("{\"code\":");
        }
    }

    @Test
    void oversizedOfferIsRefused() throws Exception {
        HttpResponse<String> response = post("/whip?" + params("alice", "roomID=1"), "application/sdp",
                "v=0\r\n" + "a=x\r\n".repeat(20_000), signer.genUserSig("alice", 60));

        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void patchIs405AndPreflightAllowsBrowsers() throws Exception {
        HttpResponse<String> patch = HTTP.send(HttpRequest.newBuilder(uri("/whip/anything"))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("a=candidate"))
                .header("content-type", "application/trickle-ice-sdpfrag").build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(uri("/whep"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> deleteUnknown = HTTP.send(HttpRequest.newBuilder(uri("/whep/nope")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(patch.statusCode()).isEqualTo(405);
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("access-control-allow-origin")).contains("*");
        assertThat(preflight.headers().firstValue("access-control-allow-headers").orElse(""))
                .contains("authorization");
        assertThat(preflight.headers().firstValue("accept-post")).contains("application/sdp");
        assertThat(deleteUnknown.statusCode()).isEqualTo(404);
    }

    private static void assertError(HttpResponse<String> response, int status, String text) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).contains("application/json");
        assertThat(response.body()).contains(text);
    }

    private static HttpResponse<String> post(String path, String userSig) throws Exception {
        return post(path, "application/sdp", OFFER_WITH_VIDEO, userSig);
    }

    private static HttpResponse<String> post(String path, String contentType, String body, String userSig)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .header("content-type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        if (userSig != null) {
            request.header("authorization", "Bearer " + userSig);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return server.url(path);
    }

    private static String params(String userId, String room) {
        return "sdkAppID=" + sdkAppId + "&" + room + "&userID=" + encode(userId);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}

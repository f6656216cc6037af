package io.lianmai.server.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.server.TestServer;
import io.lianmai.server.signal.SignalClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node with a tiny DTLS pool (2 threads, 2 queued) under a burst of WHIP offers: the admitted ones get 201, the
 * rest 503 with {@code Retry-After} and a JSON reason, the DTLS threads stay bounded, and the node keeps serving;
 * a signalling publish beyond them gets error -7 saying why.
 */
@Timeout(60)
class MediaAdmissionIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final SecureRandom RANDOM = new SecureRandom();
    @RegisterExtension
    private final TestServer server = TestServer.fixture(Map.of("media.dtlsThreads", "2", "media.dtlsQueue", "2"));

    @Test
    void aBurstOfOffersBeyondTheHandshakeSlotsGets503WithRetryAfter() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            burst.add(whip("burst" + i, "roomID=" + (100 + i)));
        }
        List<URI> admitted = new ArrayList<>();
        int refused = 0;
        for (CompletableFuture<HttpResponse<String>> pending : burst) {
            HttpResponse<String> response = pending.get(20, TimeUnit.SECONDS);
            if (response.statusCode() == 201) {
                admitted.add(server.url(response.headers().firstValue("location").orElseThrow()));
            } else {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
                assertThat(response.headers().firstValue("retry-after")).contains("2");
                assertThat(response.headers().firstValue("content-type")).contains("application/json");
                assertThat(response.body()).contains("\"code\":-7");
                refused++;
            }
        }
        assertThat(admitted).as("2 threads + 2 queued").hasSize(4);
        assertThat(refused).isEqualTo(8);
        assertThat(dtlsThreads()).isLessThanOrEqualTo(2);
        assertThat(HTTP.send(HttpRequest.newBuilder(server.url("/healthz")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

        // Ending admitted sessions frees their slots: the node takes offers again.
        for (URI location : admitted) {
            assertThat(HTTP.send(HttpRequest.newBuilder(location).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        HttpResponse<String> again;
        do {
            again = whip("after", "roomID=200").get(10, TimeUnit.SECONDS);
        } while (again.statusCode() == 503 && System.nanoTime() < deadline);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
    }

    @Test
    void aSignallingPublishBeyondTheHandshakeSlotsGetsAClearError() {
        List<SignalClient> members = new ArrayList<>();
        try {
            int published = 0;
            JsonNode refusal = null;
            for (int i = 0; i < 6 && refusal == null; i++) {
                SignalClient member = SignalClient.connect(server);
                members.add(member);
                member.enter(server, "member" + i, "301", null);
                JsonNode response = member.request("publish", SignalClient.data().put("streamType", "main")
                        .put("offer", offer()).put("audio", true).put("video", false));
                if (response.path("ok").asBoolean()) {
                    published++;
                } else {
                    refusal = response.path("error");
                }
            }
            assertThat(published).as("2 threads + 2 queued").isEqualTo(4);
            assertThat(refusal).isNotNull();
            assertThat(refusal.path("code").asInt()).isEqualTo(-7);
            assertThat(refusal.path("message").asText()).contains("busy").contains("try again");
        } finally {
            members.forEach(SignalClient::close);
        }
    }

    private CompletableFuture<HttpResponse<String>> whip(String userId, String room) {
        HttpRequest request = HttpRequest.newBuilder(server.endpoint("whip", room, userId, null))
                .timeout(Duration.ofSeconds(10))
                .header("content-type", "application/sdp")
                .header("authorization", "Bearer " + server.userSig(userId))
                .POST(HttpRequest.BodyPublishers.ofString(offer())).build();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A browser-like Opus publish offer whose client never connects. */
    private static String offer() {
        byte[] digest = new byte[32];
        RANDOM.nextBytes(digest);
        String fingerprint = HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        return "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n"
                + "a=ice-ufrag:" + HexFormat.of().toHexDigits(RANDOM.nextInt()) + "\r\n"
                + "a=ice-pwd:" + HexFormat.of().formatHex(digest, 0, 12) + "\r\n"
                + "a=fingerprint:sha-256 " + fingerprint + "\r\n"
                + "a=setup:actpass\r\na=mid:0\r\na=sendonly\r\na=rtcp-mux\r\n"
                + "a=rtpmap:111 opus/48000/2\r\na=ssrc:" + (RANDOM.nextInt() & 0x7FFF_FFFF) + " cname:x\r\n";
    }

    private static int dtlsThreads() {
        int count = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("lianmai-dtls-")) {
                count++;
            }
        }
        return count;
    }
}

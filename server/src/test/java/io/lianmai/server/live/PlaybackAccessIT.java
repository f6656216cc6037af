package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianmai.auth.PlaybackSignature;
import io.lianmai.common.SdkAppId;
import io.lianmai.live.amf.Amf0Null;
import io.lianmai.live.amf.Amf0Object;
import io.lianmai.live.amf.Amf0Value;
import io.lianmai.server.TestServer;
import io.lianmai.testkit.LibWebRtcPeer;
import io.lianmai.testkit.WhipClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Finding 1 of issue 12: live output of a room's streams (a private call included) is served only with a signed URL
 * (Tencent CSS txSecret/txTime), and a refused request starts no bridge and no transcode. A signed URL plays until it
 * expires and only the stream it was signed for; an app with public playback plays unsigned; an app's concurrent
 * on-demand transcodes are capped (503 with Retry-After).
 */
class PlaybackAccessIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    private static final TestServer server = TestServer.fixture(Map.of("live.idleSeconds", "2"));
    private final WhipClient whip = new WhipClient();

    @Test
    void anonymousPlaybackOfEveryStreamOfARunningCallIsRefusedAndStartsNothing() throws Exception {
        long room = 9201;
        List<LibWebRtcPeer> peers = new ArrayList<>();
        try {
            peers.add(publish(server, room, "alice"));
            peers.add(publish(server, room, "bob"));
            for (String user : List.of("alice", "bob")) {
                String stream = server.sdkAppId() + "_" + room + "_" + user + "_main";
                String other = server.sdkAppId() + "_" + room + "_" + (user.equals("alice") ? "bob" : "alice")
                        + "_main";
                String expired = PlaybackSignature.sign(server.app().playKey(), stream,
                        Instant.now().minusSeconds(10)).query();
                String forgedKey = PlaybackSignature.sign("0".repeat(32), stream, Instant.now().plusSeconds(600))
                        .query();
                for (String file : List.of(stream + ".flv", stream + ".m3u8", stream + "/1.ts")) {
                    assertForbidden("/live/" + file, "needs a signed URL");
                    assertForbidden("/live/" + file + "?txTime=7FFFFFFF", "needs a signed URL");
                    assertForbidden("/live/" + file + "?" + server.playQuery(other), "is not valid for " + stream);
                    assertForbidden("/live/" + file + "?" + forgedKey, "is not valid for " + stream);
                    assertForbidden("/live/" + file + "?" + expired, "has expired");
                }
                assertRtmpPlayFailed(stream, "403 live output of " + stream + " needs a signed URL");
                assertRtmpPlayFailed(stream + "?" + server.playQuery(other), "403 the signature");
                assertRtmpPlayFailed(stream + "?" + expired, "403 the signed URL of " + stream + " has expired");

                assertThat(server.server().media().playerCount(server.sdkAppId() + "/r" + room + "/" + user
                        + "_main")).as("no bridge subscribed to " + user).isZero();
                assertThat(server.server().live().hub().isLive(stream)).as("no live output of " + user).isFalse();
            }
            assertThat(server.server().live().bridges().bridgedToLive(new SdkAppId(server.sdkAppId()))).isZero();
        } finally {
            peers.forEach(LibWebRtcPeer::close);
        }
    }

    @Test
    void aSignedUrlPlaysItsStreamUntilItExpires() throws Exception {
        long room = 9202;
        String stream = server.sdkAppId() + "_" + room + "_carol_main";
        try (LibWebRtcPeer carol = publish(server, room, "carol")) {
            Instant expiry = Instant.now().plusSeconds(6);
            String query = PlaybackSignature.sign(server.app().playKey(), stream, expiry).query();
            try (FlvReader reader = FlvReader.open(server.url("/live/" + stream + ".flv?" + query))) {
                LivePlaybackIT.await(() -> reader.videoFrames().size() > 10);
                assertThat(reader.statusLine).contains(" 200 ");
            }
            HttpResponse<String> playlist = get("/live/" + stream + ".m3u8?" + query);
            assertThat(playlist.statusCode()).as(playlist.body()).isEqualTo(200);
            String segment = playlist.body().lines().filter(line -> line.endsWith(".ts?" + query)).findFirst()
                    .orElseThrow(() -> new AssertionError("segment URIs carry the signature: " + playlist.body()));
            assertThat(get("/live/" + segment).statusCode()).as("the listed segment plays").isEqualTo(200);

            while (Instant.now().isBefore(expiry.plusMillis(200))) {
                Thread.sleep(100);
            }
            assertForbidden("/live/" + stream + ".flv?" + query, "has expired");
            assertForbidden("/live/" + stream + ".m3u8?" + query, "has expired");
            assertForbidden("/live/" + segment, "has expired");
            assertRtmpPlayFailed(stream + "?" + query, "403 the signed URL of " + stream + " has expired");
        }
    }

    @Test
    void anAppWithPublicPlaybackPlaysUnsigned() throws Exception {
        long room = 9203;
        String stream = server.sdkAppId() + "_" + room + "_dave_main";
        try (LibWebRtcPeer dave = publish(server, room, "dave")) {
            server.server().apps().setPublicPlayback(new SdkAppId(server.sdkAppId()), true);
            try (FlvReader reader = FlvReader.open(server.url("/live/" + stream + ".flv"))) {
                LivePlaybackIT.await(() -> reader.videoFrames().size() > 10);
            } finally {
                server.server().apps().setPublicPlayback(new SdkAppId(server.sdkAppId()), false);
            }
            assertForbidden("/live/" + stream + ".flv", "needs a signed URL");
        }
    }

    @Test
    void anAppsOnDemandTranscodesAreCapped() throws Exception {
        try (TestServer capped = TestServer.start(Map.of("live.maxTranscodesPerApp", "1"));
             LibWebRtcPeer erin = publish(capped, 9204, "erin");
             LibWebRtcPeer frank = publish(capped, 9204, "frank")) {
            String first = capped.sdkAppId() + "_9204_erin_main";
            String second = capped.sdkAppId() + "_9204_frank_main";
            try (FlvReader reader = FlvReader.open(capped.signedLive(first + ".flv"))) {
                LivePlaybackIT.await(() -> !reader.videoFrames().isEmpty());

                HttpResponse<String> busy = get(capped.signedLive(second + ".flv"));
                assertThat(busy.statusCode()).as(busy.body()).isEqualTo(503);
                assertThat(busy.headers().firstValue("retry-after")).hasValue("30");
                assertThat(JSON.readTree(busy.body()).path("message").asText())
                        .contains("live.maxTranscodesPerApp");
                assertThat(get(capped.signedLive(second + ".m3u8")).statusCode()).isEqualTo(503);
                try (RawRtmpClient player = RawRtmpClient.connect(capped.server().live().rtmpPort()).handshake()) {
                    int id = player.connectAndCreateStream("live");
                    player.command(id, "play", Amf0Null.INSTANCE, Amf0Value.of(second + "?"
                            + capped.playQuery(second)));
                    Amf0Object status = player.awaitStatus(5);
                    assertThat(status.string("code")).isEqualTo("NetStream.Play.Failed");
                    assertThat(status.string("description")).startsWith("503 ");
                }
                assertThat(capped.server().media().playerCount(capped.sdkAppId() + "/r9204/frank_main")).isZero();
                // The stream already bridged is not a new transcode: more players may join it.
                try (FlvReader again = FlvReader.open(capped.signedLive(first + ".flv"))) {
                    LivePlaybackIT.await(() -> !again.videoFrames().isEmpty());
                }
            }
        }
    }

    private LibWebRtcPeer publish(TestServer target, long room, String user) throws InterruptedException {
        LibWebRtcPeer peer = LibWebRtcPeer.publisher();
        try {
            WhipClient.Result published = whip.post(target.endpoint("whip", "roomID=" + room, user, null),
                    target.userSig(user), peer.createOffer());
            assertThat(published.status()).as(published.body()).isEqualTo(201);
            peer.acceptAnswer(published.body());
            peer.awaitConnected(Duration.ofSeconds(10));
            String streamKey = target.sdkAppId() + "/r" + room + "/" + user + "_main";
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!target.server().media().isPublished(streamKey) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            return peer;
        } catch (RuntimeException | Error | InterruptedException e) {
            peer.close();
            throw e;
        }
    }

    private static void assertForbidden(String pathAndQuery, String message) throws Exception {
        HttpResponse<String> response = get(pathAndQuery);
        assertThat(response.statusCode()).as(pathAndQuery + " -> " + response.body()).isEqualTo(403);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("code").asInt()).isEqualTo(-100006);
        assertThat(body.path("message").asText()).as(pathAndQuery).contains(message);
    }

    private static void assertRtmpPlayFailed(String streamAndQuery, String description) throws Exception {
        try (RawRtmpClient player = RawRtmpClient.connect(server.server().live().rtmpPort()).handshake()) {
            int id = player.connectAndCreateStream("live");
            player.command(id, "play", Amf0Null.INSTANCE, Amf0Value.of(streamAndQuery));
            Amf0Object status = player.awaitStatus(5);
            assertThat(status.string("level")).isEqualTo("error");
            assertThat(status.string("code")).isEqualTo("NetStream.Play.Failed");
            assertThat(status.string("description")).startsWith(description);
            assertThat(player.awaitClosed(5)).isTrue();
        }
    }

    /**
     * GET with a bounded body: at most 256 KiB, read within 20 s, so that a stream served by mistake (an endless FLV
     * body) fails the assertion instead of hanging the test.
     */
    private static HttpResponse<String> get(String pathAndQuery) throws Exception {
        return get(server.url(pathAndQuery));
    }

    private static HttpResponse<String> get(URI url) throws Exception {
        HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofInputStream());
        InputStream in = response.body();
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try {
                return in.readNBytes(256 * 1024);
            } catch (IOException e) {
                return new byte[0];
            }
        });
        byte[] body;
        try {
            body = read.get(20, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            body = new byte[0];
        } finally {
            in.close();
        }
        String text = new String(body, StandardCharsets.UTF_8);
        return new BoundedResponse(response, text);
    }

    /** A response whose body was read into a string. */
    private record BoundedResponse(HttpResponse<InputStream> raw, String body) implements HttpResponse<String> {
        @Override
        public int statusCode() {
            return raw.statusCode();
        }

        @Override
        public HttpRequest request() {
            return raw.request();
        }

        @Override
        public Optional<HttpResponse<String>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public HttpHeaders headers() {
            return raw.headers();
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return raw.sslSession();
        }

        @Override
        public URI uri() {
            return raw.uri();
        }

        @Override
        public HttpClient.Version version() {
            return raw.version();
        }
    }
}

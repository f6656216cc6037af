package io.lianmai.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.common.SdkAppId;
import io.lianmai.live.rtmp.RtmpPushClient;
import io.lianmai.live.rtmp.RtmpUrl;
import io.lianmai.server.TestServer;
import io.lianmai.server.signal.SignalClient;
import io.lianmai.testkit.LibWebRtcPeer;
import io.lianmai.testkit.WhipClient;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * Finding 4: nothing capped sessions or joins. With the caps on, a flood from one user and one address is mostly
 * refused (429/503 with Retry-After), a 1:1 call in progress keeps its media, and sessions give their place back
 * when they end.
 */
class AdmissionIT {
    private static final Duration MEDIA_DEADLINE = Duration.ofSeconds(20);
    /** Parses; the media plane refuses it (no mid), so an admitted request ends as 400 and releases its place. */
    private static final String UNUSABLE_OFFER = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
            + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n";
    /** The flood stops after this long even when the machine is too busy to send 5,000 requests. */
    private static final long FLOOD_SECONDS = 90;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final WhipClient whip = new WhipClient();

    @Test
    void fiveThousandWhipPostsWithOneUserSigAreMostlyRefusedAndACallGoesOn() throws Exception {
        try (TestServer server = TestServer.start();
                LibWebRtcPeer publisher = LibWebRtcPeer.publisher();
                LibWebRtcPeer player = LibWebRtcPeer.player();
                LibWebRtcPeer flooder = LibWebRtcPeer.publisher()) {
            WhipClient.Result published = whip.post(endpoint(server, "whip", 500, "alice", null),
                    server.userSig("alice"), publisher.createOffer());
            assertThat(published.status()).as(published.body()).isEqualTo(201);
            publisher.acceptAnswer(published.body());
            WhipClient.Result played = whip.post(endpoint(server, "whep", 500, "bob", "alice_main"),
                    server.userSig("bob"), player.createOffer());
            assertThat(played.status()).as(played.body()).isEqualTo(201);
            player.acceptAnswer(played.body());
            player.awaitMedia(30, 50, MEDIA_DEADLINE);

            String floodOffer = flooder.createOffer();
            String floodSig = server.userSig("flooder");
            Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
            LongAdder withoutRetryAfter = new LongAdder();
            AtomicInteger next = new AtomicInteger();
            long framesBefore = player.videoFramesReceived();
            long started = System.nanoTime();
            // The most flood sessions held at once, sampled (flood sessions that fail DTLS end and free places).
            AtomicInteger mostHeld = new AtomicInteger();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> mostHeld.accumulateAndGet(server.server().admission()
                    .userSessions(new SdkAppId(server.sdkAppId()), "flooder"), Math::max), 0, 5, TimeUnit.MILLISECONDS);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                for (int t = 0; t < 8; t++) {
                    pool.execute(() -> {
                        for (int i; (i = next.getAndIncrement()) < 5000
                                && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(FLOOD_SECONDS); ) {
                            try {
                                HttpResponse<String> response = post(endpoint(server, "whip", 10_000 + i, "flooder",
                                        null), floodSig, floodOffer);
                                statuses.computeIfAbsent(response.statusCode(), s -> new LongAdder()).increment();
                                if (response.statusCode() != 201
                                        && response.headers().firstValue("retry-after").isEmpty()) {
                                    withoutRetryAfter.increment();
                                }
                            } catch (Exception e) {
                                statuses.computeIfAbsent(-1, s -> new LongAdder()).increment();
                            }
                        }
                    });
                }
            } finally {
                pool.shutdown();
                assertThat(pool.awaitTermination(FLOOD_SECONDS + 30, TimeUnit.SECONDS)).isTrue();
                sampler.shutdownNow();
            }
            double floodSeconds = (System.nanoTime() - started) / 1e9;
            long framesDuring = player.videoFramesReceived() - framesBefore;
            System.out.printf("5,000 WHIP POSTs in %.1f s: %s; at most %d flood sessions at once; the call decoded %d "
                    + "frames meanwhile%n", floodSeconds, statuses, mostHeld.get(), framesDuring);

            long admitted = count(statuses, 201);
            long refused = count(statuses, 429) + count(statuses, 503);
            assertThat(statuses.keySet()).as("only admitted or refused, never a failure").isSubsetOf(201, 429, 503);
            assertThat(mostHeld.get()).as("flood sessions held at once (limits.maxSessionsPerUser)")
                    .isLessThanOrEqualTo(100);
            assertThat(server.server().admission().userSessions(new SdkAppId(server.sdkAppId()), "flooder"))
                    .isLessThanOrEqualTo(100);
            assertThat(admitted + refused).as("requests answered").isGreaterThanOrEqualTo(1000);
            assertThat(refused).as("most refused").isGreaterThanOrEqualTo((admitted + refused) * 9 / 10);
            assertThat(withoutRetryAfter.sum()).as("refusals without Retry-After").isZero();

            // The call went on during the flood and still does.
            assertThat(framesDuring).as("frames the call decoded during the flood").isPositive();
            long framesNow = player.videoFramesReceived();
            player.awaitMedia(framesNow + 60, 0, MEDIA_DEADLINE);
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(server.url("/healthz"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aSourceAddressHoldsAtMostItsShareAndEndedSessionsGiveTheirPlaceBack() throws Exception {
        try (TestServer server = TestServer.start(Map.of("limits.maxSessionsPerIp", "3"));
                LibWebRtcPeer peer = LibWebRtcPeer.publisher();
                SignalClient w1 = SignalClient.connect(server);
                SignalClient w2 = SignalClient.connect(server);
                SignalClient w3 = SignalClient.connect(server);
                SignalClient w4 = SignalClient.connect(server)) {
            String offer = peer.createOffer();
            for (SignalClient client : List.of(w1, w2, w3)) {
                client.autoHeartbeat(Duration.ofSeconds(1));
            }
            w1.enter(server, "w1", "ws-room", null);
            w2.enter(server, "w2", "ws-room", null);
            w3.enter(server, "w3", "ws-room", null);

            HttpResponse<String> fourth = post(endpoint(server, "whip", 604, "u4", null), server.userSig("u4"),
                    offer);
            assertThat(fourth.statusCode()).as(fourth.body()).isEqualTo(429);
            assertThat(fourth.headers().firstValue("retry-after")).isPresent();
            assertThat(fourth.body()).contains("\"code\":-2").contains("limits.maxSessionsPerIp");
            JsonNode refused = w4.error("enter", SignalClient.enterData(server, "w4", "ws-room", null), -2);
            assertThat(refused.path("message").asText()).contains("limits.maxSessionsPerIp");

            // Leaving gives the place back; so does ending a WHIP session, by the time DELETE answers.
            w1.ok("leave", SignalClient.data());
            WhipClient.Result published = whip.post(endpoint(server, "whip", 605, "u5", null), server.userSig("u5"),
                    offer);
            assertThat(published.status()).as(published.body()).isEqualTo(201);
            assertThat(post(endpoint(server, "whip", 606, "u6", null), server.userSig("u6"), offer).statusCode())
                    .isEqualTo(429);
            assertThat(whip.delete(published.location())).isEqualTo(200);
            w4.enter(server, "w4", "ws-room", null);
            assertThat(server.server().admission().sessions()).isEqualTo(3);
        }
    }

    @Test
    void anAppStartsSessionsAtMostAtItsRateAndOnlyAuthenticatedRequestsCount() throws Exception {
        try (TestServer server = TestServer.start(Map.of("limits.joinsPerSecondPerApp", "1",
                "limits.joinBurstPerApp", "2"))) {
            for (int i = 0; i < 5; i++) {
                assertThat(post(endpoint(server, "whip", 700, "x", null), "forged", UNUSABLE_OFFER).statusCode())
                        .isEqualTo(401);
            }
            assertThat(post(endpoint(server, "whip", 701, "a", null), server.userSig("a"), UNUSABLE_OFFER)
                    .statusCode()).isEqualTo(400);
            assertThat(post(endpoint(server, "whip", 702, "b", null), server.userSig("b"), UNUSABLE_OFFER)
                    .statusCode()).isEqualTo(400);
            HttpResponse<String> third = post(endpoint(server, "whip", 703, "c", null), server.userSig("c"),
                    UNUSABLE_OFFER);

            assertThat(third.statusCode()).as(third.body()).isEqualTo(429);
            assertThat(third.headers().firstValue("retry-after")).contains("1");
            assertThat(third.body()).contains("limits.joinsPerSecondPerApp");
        }
    }

    @Test
    void aFullNodeAnswers503WithRetryAfter() throws Exception {
        try (TestServer server = TestServer.start(Map.of("limits.maxSessions", "1"));
                LibWebRtcPeer peer = LibWebRtcPeer.publisher()) {
            String offer = peer.createOffer();
            assertThat(whip.post(endpoint(server, "whip", 800, "a", null), server.userSig("a"), offer).status())
                    .isEqualTo(201);
            HttpResponse<String> full = post(endpoint(server, "whep", 800, "b", "a_main"), server.userSig("b"),
                    offer);

            assertThat(full.statusCode()).as(full.body()).isEqualTo(503);
            assertThat(full.headers().firstValue("retry-after")).isPresent();
            assertThat(full.body()).contains("-100013").contains("limits.maxSessions").contains("request id");
        }
    }

    @Test
    void anRtmpPublishOverAUsersShareIsDenied() throws Exception {
        try (TestServer server = TestServer.start(Map.of("limits.maxSessionsPerUser", "1"));
                SignalClient member = SignalClient.connect(server)) {
            member.enter(server, "anchor", "901", null);
            int port = server.server().live().rtmpPort();
            RtmpUrl url = RtmpUrl.parse("rtmp://127.0.0.1:" + port + "/live/" + server.sdkAppId() + "_901_anchor_main"
                    + "?usersig=" + URLEncoder.encode(server.userSig("anchor"), StandardCharsets.UTF_8));
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            try {
                RtmpPushClient client = RtmpPushClient.connect(group, new InetSocketAddress("127.0.0.1", port), url,
                        RtmpPushClient.Config.DEFAULT).get(10, TimeUnit.SECONDS);
                // Publish.Start comes before the caps are checked (they need the stream); the denial follows and
                // the server closes the connection.
                assertThat(client.closeFuture().await(10, TimeUnit.SECONDS)).as("closed by the server").isTrue();
                assertThat(String.valueOf(client.failure())).contains("limits.maxSessionsPerUser");
                assertThat(server.server().live().hub().isLive(server.sdkAppId() + "_901_anchor_main")).isFalse();
            } catch (ExecutionException e) {
                assertThat(e.getCause().getMessage()).contains("NetStream.Publish.Denied -2")
                        .contains("limits.maxSessionsPerUser");
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
            assertThat(server.server().admission().userSessions(new SdkAppId(server.sdkAppId()), "anchor"))
                    .isEqualTo(1);
        }
    }

    private static long count(Map<Integer, LongAdder> statuses, int status) {
        LongAdder adder = statuses.get(status);
        return adder == null ? 0 : adder.sum();
    }

    private static URI endpoint(TestServer server, String kind, long roomId, String userId, String streamId) {
        return server.endpoint(kind, "roomID=" + roomId, userId, streamId);
    }

    private static HttpResponse<String> post(URI endpoint, String userSig, String offer) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/sdp").header("authorization", "Bearer " + userSig)
                .POST(HttpRequest.BodyPublishers.ofString(offer)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}

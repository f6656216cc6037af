package io.lianmai.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.media.dtls.DtlsConfig;
import io.lianmai.media.dtls.DtlsContext;
import io.lianmai.media.ice.IceRole;
import io.lianmai.media.sdp.Direction;
import io.lianmai.media.sdp.ExtMap;
import io.lianmai.media.sdp.MediaDescription;
import io.lianmai.media.sdp.SessionDescription;
import io.lianmai.media.sdp.SetupRole;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The VideoRoom flow against a scripted Janus on a real socket ({@link FakeJanus}): a publisher joins with its offer
 * and takes Janus's answer (becoming the DTLS server, as Janus answers {@code active}); a player retries
 * "No such feed", answers Janus's offer with a browser's answer and starts; and garbage, plugin errors and events
 * that never come fail the client with the reason within its deadline instead of hanging.
 */
class JanusSignallingTest {
    private static final long ROOM = 42;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final SecureRandom random = new SecureRandom();
    private final ExecutorService dtlsThreads = Executors.newCachedThreadPool();
    private final DtlsContext dtls = DtlsContext.withNewCertificate(DtlsConfig.DEFAULT, dtlsThreads,
            Clock.systemUTC());
    private final String janusFingerprint = DtlsContext.withNewCertificate(DtlsConfig.DEFAULT, dtlsThreads,
            Clock.systemUTC()).certificate().fingerprint().toSdpValue();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private EventLoopGroup group;
    private ClientLoop loop;
    private DatagramSocket janusMedia;

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, Epoll.isAvailable() ? EpollIoHandler.newFactory()
                : NioIoHandler.newFactory());
        loop = new ClientLoop((EventLoop) group.next());
        loop.start();
        // Janus's media port: takes the checks, answers none.
        janusMedia = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void stop() {
        janusMedia.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        dtlsThreads.shutdownNow();
    }

    @Test
    void aPublisherJoinsWithItsOfferAndIsTheDtlsServerOfJanusActiveAnswer() throws Exception {
        try (FakeJanus janus = new FakeJanus((message, n) -> joined(message));
                JanusSignalling signalling = signalling(janus)) {
            PublisherPeer publisher = publisher();
            signalling.publish(publisher, new Scenario.Publisher(ROOM, "pub0"));
            awaitState(publisher, SimulatedPeer.State.CHECKING);

            JsonNode room = janus.messages.get(0);
            assertThat(room.at("/body/request").asText()).isEqualTo("create");
            assertThat(room.at("/body/videocodec").asText()).isEqualTo("h264");
            JsonNode join = janus.messages.get(1);
            assertThat(join.at("/body/request").asText()).isEqualTo("joinandconfigure");
            SessionDescription offer = SessionDescription.parse(join.at("/jsep/sdp").asText());
            MediaDescription audio = offer.media().get(0);
            assertThat(offer.setup(audio)).contains(SetupRole.ACTPASS);
            assertThat(audio.candidates()).as("Janus checks towards the client's host candidate").singleElement()
                    .asString().contains("127.0.0.1").contains("typ host");
            assertThat(publisher.dtlsServer()).as("Janus answered active").isTrue();
            assertThat(publisher.iceRole()).as("Janus is a full ICE agent").isEqualTo(IceRole.CONTROLLED);
            assertThat(publisher.serverAddress().getPort()).isEqualTo(janusMedia.getLocalPort());
        }
    }

    @Test
    void aPlayerRetriesNoSuchFeedThenAnswersJanusOfferAsABrowserDoes() throws Exception {
        try (FakeJanus janus = new FakeJanus((message, n) -> {
            String request = message.at("/body/request").asText();
            return switch (request) {
                case "joinandconfigure" -> joined(message);
                case "join" -> n < 5 ? error(JanusApi.NO_SUCH_FEED, "No such feed (7)")
                        : event("{\"videoroom\":\"attached\",\"room\":42}", "offer",
                                JanusFixtures.subscriberOffer(janusFingerprint, janusMedia.getLocalPort()));
                case "start" -> event("{\"videoroom\":\"event\",\"started\":\"ok\"}", null, null);
                default -> null;
            };
        }); JanusSignalling signalling = signalling(janus)) {
            PublisherPeer publisher = publisher();
            signalling.publish(publisher, new Scenario.Publisher(ROOM, "pub0"));
            awaitState(publisher, SimulatedPeer.State.CHECKING);
            SubscriberPeer player = player();
            signalling.subscribe(player, new Scenario.Subscription(ROOM, "sub0", "pub0_main"));
            awaitState(player, SimulatedPeer.State.CHECKING);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (janus.messages.stream().noneMatch(m -> m.at("/body/request").asText().equals("start"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }

            List<JsonNode> joins = janus.messages.stream()
                    .filter(m -> m.at("/body/request").asText().equals("join")).toList();
            assertThat(joins).as("428 retried").hasSize(3);
            assertThat(joins.get(0).at("/body/streams/0/feed").asLong()).as("the publisher's feed").isEqualTo(7);
            JsonNode start = janus.messages.stream()
                    .filter(m -> m.at("/body/request").asText().equals("start")).findFirst().orElseThrow();
            assertThat(start.at("/jsep/type").asText()).isEqualTo("answer");
            SessionDescription answer = SessionDescription.parse(start.at("/jsep/sdp").asText());
            assertThat(answer.bundleGroup().orElseThrow().mids()).containsExactly("0", "1");
            assertThat(answer.media()).hasSize(3);
            for (MediaDescription media : answer.media().subList(0, 2)) {
                assertThat(answer.setup(media)).contains(SetupRole.ACTIVE);
                assertThat(answer.direction(media)).isEqualTo(Direction.RECVONLY);
                assertThat(answer.iceCredentials(media).orElseThrow().ufrag()).isEqualTo(player.localIce().ufrag());
                assertThat(answer.fingerprints(media)).isNotEmpty();
                assertThat(media.rtcpMux()).isTrue();
                assertThat(media.candidates()).singleElement().asString().contains("127.0.0.1");
            }
            MediaDescription video = answer.media().get(1);
            assertThat(video.formats()).containsExactly("102", "103");
            assertThat(video.codecs().get(0).parameter("packetization-mode")).contains("1");
            assertThat(video.codecs().get(0).feedback()).extracting(f -> f.toValue())
                    .contains("nack", "nack pli", "ccm fir", "transport-cc");
            assertThat(video.extMaps()).extracting(ExtMap::uri)
                    .containsExactlyInAnyOrder(ExtMap.MID, ExtMap.TRANSPORT_WIDE_CC);
            assertThat(answer.media().get(2).isRejected()).as("no data channel").isTrue();
            assertThat(player.dtlsServer()).as("answered active: the DTLS client").isFalse();
            assertThat(player.rtxNegotiated()).isTrue();
        }
    }

    @Test
    void garbageFailsTheJoinAtOnceSayingWhatCame() throws Exception {
        try (FakeJanus janus = new FakeJanus((message, n) -> null); JanusSignalling signalling = signalling(janus)) {
            janus.createReply = "<html><body>502 Bad Gateway</body></html>";
            PublisherPeer publisher = publisher();
            long began = System.nanoTime();
            signalling.publish(publisher, new Scenario.Publisher(ROOM, "pub0"));
            awaitState(publisher, SimulatedPeer.State.FAILED);
            assertThat(System.nanoTime() - began).isLessThan(TIMEOUT.toNanos());
            assertThat(publisher.failure()).contains("not JSON").contains("502 Bad Gateway");
        }
    }

    @Test
    void anEventThatNeverComesFailsTheJoinAtItsDeadline() throws Exception {
        try (FakeJanus janus = new FakeJanus((message, n) -> null); JanusSignalling signalling = signalling(janus)) {
            PublisherPeer publisher = publisher();
            signalling.publish(publisher, new Scenario.Publisher(ROOM, "pub0"));
            awaitState(publisher, SimulatedPeer.State.FAILED);
            assertThat(publisher.failure()).contains("no Janus event").contains("2 s");
        }
    }

    @Test
    void aPluginErrorFailsThePlayerWithJanusReasonAndLeavingDestroysTheSessions() throws Exception {
        try (FakeJanus janus = new FakeJanus((message, n) -> message.at("/body/request").asText().equals("join")
                ? error(426, "No such room (42)") : joined(message)); JanusSignalling signalling = signalling(janus)) {
            PublisherPeer publisher = publisher();
            signalling.publish(publisher, new Scenario.Publisher(ROOM, "pub0"));
            awaitState(publisher, SimulatedPeer.State.CHECKING);
            SubscriberPeer player = player();
            signalling.subscribe(player, new Scenario.Subscription(ROOM, "sub0", "pub0_main"));
            awaitState(player, SimulatedPeer.State.FAILED);
            assertThat(player.failure()).contains("426").contains("No such room (42)");

            signalling.leave(List.of(publisher, player));
            assertThat(janus.destroys.get()).as("both sessions").isEqualTo(2);
        }
    }

    private JanusSignalling signalling(FakeJanus janus) {
        return new JanusSignalling(janus.api(), http, "h264", TIMEOUT, line -> { });
    }

    private PublisherPeer publisher() {
        MediaShape shape = new MediaShape(48_000, 500_000, 30, Duration.ofSeconds(2), 1, true);
        return new PublisherPeer(loop, "pub0", shape, Pacing.OFF, Impairment.NONE, dtls, random, random.nextLong());
    }

    private SubscriberPeer player() {
        return new SubscriberPeer(loop, "sub0", "pub0_main", 200_000_000L, true, Impairment.NONE, dtls, random,
                random.nextLong());
    }

    /** Janus's answer to a publisher: {@code setup:active}, full ICE, its candidate on {@link #janusMedia}. */
    private String joined(JsonNode message) {
        String answer = JanusFixtures.subscriberOffer(janusFingerprint, janusMedia.getLocalPort())
                .replace("a=setup:actpass", "a=setup:active").replace("a=sendonly", "a=recvonly");
        return event("{\"videoroom\":\"joined\",\"room\":42,\"id\":7}", "answer", answer);
    }

    private static String event(String data, String jsepType, String sdp) {
        try {
            return FakeJanus.event(data, jsepType, sdp);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String error(int code, String reason) {
        return event("{\"videoroom\":\"event\",\"error_code\":" + code + ",\"error\":\"" + reason + "\"}", null,
                null);
    }

    private static void awaitState(SimulatedPeer peer, SimulatedPeer.State state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (peer.state() != state && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(peer.state()).as(peer.userId + " (" + peer.failure() + ")").isEqualTo(state);
    }
}

package io.lianmai.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.media.dtls.DtlsConfig;
import io.lianmai.media.dtls.DtlsContext;
import io.lianmai.media.ice.IceRole;
import io.lianmai.media.srtp.SrtpProfile;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
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
 * The roles a full ICE server such as Janus makes a simulated client play, proven against a real counterpart on
 * loopback: a publisher offers, a player answers that offer as it answers Janus's, and the publisher takes the
 * player's {@code a=setup:active} answer as it takes Janus's. So the publisher is the DTLS server and the player the
 * client; neither SDP says ice-lite, so both start as controlled agents — a role conflict that the tie-breakers must
 * resolve (RFC 8445 §7.3.1.1) before one side nominates the pair, the other answers the checks and follows the
 * nomination, and DTLS starts. Media then flows publisher → player under the profile both were given.
 */
class SimulatedPeerRolesTest {
    private final SecureRandom random = new SecureRandom();
    private final ExecutorService dtlsThreads = Executors.newCachedThreadPool();
    private EventLoopGroup group;

    @BeforeEach
    void start() {
        group = new MultiThreadIoEventLoopGroup(2, Epoll.isAvailable() ? EpollIoHandler.newFactory()
                : NioIoHandler.newFactory());
    }

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        dtlsThreads.shutdownNow();
    }

    @Test
    void aDtlsServerAndADtlsClientBothFullIceResolveTheirRolesConnectAndCarryMedia() throws Exception {
        for (int attempt = 0; attempt < 3; attempt++) {
            // Three pairs: the tie-breakers are random, so either side may end up controlling.
            connectAndCarryMedia();
        }
    }

    private void connectAndCarryMedia() throws Exception {
        ClientLoop publisherLoop = loop();
        ClientLoop playerLoop = loop();
        MediaShape shape = new MediaShape(48_000, 300_000, 30, Duration.ofSeconds(1), 1, true);
        PublisherPeer publisher = new PublisherPeer(publisherLoop, "pub", shape, Pacing.OFF, Impairment.NONE,
                dtls(), random, random.nextLong());
        SubscriberPeer player = new SubscriberPeer(playerLoop, "sub", "pub_main", 200_000_000L, true,
                Impairment.NONE, dtls(), random, random.nextLong());

        publisher.bind();
        String answer = player.answer(publisher.offer());
        assertThat(answer).as(player.failure()).isNotNull();
        publisher.onAnswer(answer);

        publisher.connected.get(10, TimeUnit.SECONDS);
        player.connected.get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (player.firstVideoNanos == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }

        assertThat(publisher.dtlsServer()).isTrue();
        assertThat(player.dtlsServer()).isFalse();
        IceRole publisherRole = publisherLoop.eventLoop().submit(publisher::iceRole).get(5, TimeUnit.SECONDS);
        IceRole playerRole = playerLoop.eventLoop().submit(player::iceRole).get(5, TimeUnit.SECONDS);
        assertThat(List.of(publisherRole, playerRole)).as("one controls, one is controlled")
                .containsExactlyInAnyOrder(IceRole.CONTROLLING, IceRole.CONTROLLED);
        assertThat(publisher.srtpProfile).isEqualTo(player.srtpProfile)
                .isEqualTo(SrtpProfile.AES128_CM_HMAC_SHA1_80.rfcName());
        assertThat(player.firstVideoNanos).as("video reached the player").isPositive();
        assertThat(player.firstMediaNanos).isPositive();
        LoadRun.onLoops(List.of(publisherLoop, playerLoop), l -> {
            for (SimulatedPeer peer : l.peers()) {
                peer.closeTransport();
            }
        });
    }

    private ClientLoop loop() {
        ClientLoop loop = new ClientLoop((EventLoop) group.next());
        loop.start();
        return loop;
    }

    /** Each side its own certificate; AES-CM only, as a comparison fixes it. */
    private DtlsContext dtls() {
        return DtlsContext.withNewCertificate(DtlsConfig.DEFAULT.withSrtpProfiles(
                List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80)), dtlsThreads, Clock.systemUTC());
    }
}

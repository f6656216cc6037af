package io.lianmai.server.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.server.TestServer;
import io.lianmai.testkit.LibWebRtcPeer;
import io.lianmai.testkit.LossyUdpRelay;
import io.lianmai.testkit.WhipClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A publisher whose uplink to the server loses 5% of its media packets: thanks to the server's NACKs (answered by
 * the publisher's retransmissions) the player's decoded frame rate stays within 10% of a lossless run.
 */
class LossyUplinkIT {
    private static final Duration WARM_UP = Duration.ofSeconds(3);
    private static final Duration WINDOW = Duration.ofSeconds(8);
    @RegisterExtension
    private static final TestServer server = TestServer.fixture();
    private final WhipClient whip = new WhipClient();

    @Test
    void nackKeepsTheFrameRateUnderFivePercentUplinkLoss() throws Exception {
        double lossless = decodedFramesPerSecond("clean", 0.0);
        double lossy = decodedFramesPerSecond("lossy", 0.05);
        System.out.printf("decoded fps: lossless %.1f, 5%% uplink loss %.1f%n", lossless, lossy);

        assertThat(lossless).as("the lossless run decodes video").isGreaterThan(10);
        assertThat(lossy).isGreaterThanOrEqualTo(lossless * 0.9);
    }

    private double decodedFramesPerSecond(String user, double loss) throws Exception {
        int mediaPort = server.server().media().udpPort();
        try (LossyUdpRelay relay = new LossyUdpRelay(new InetSocketAddress("127.0.0.1", mediaPort), loss, 42);
                LibWebRtcPeer publisher = LibWebRtcPeer.publisher();
                LibWebRtcPeer player = LibWebRtcPeer.player()) {
            WhipClient.Result published = whip.post(endpoint("whip", user, null), server.userSig(user),
                    publisher.createOffer());
            assertThat(published.status()).as(published.body()).isEqualTo(201);
            publisher.acceptAnswer(relay.redirect(published.body(), mediaPort));
            publisher.awaitConnected(Duration.ofSeconds(10));

            WhipClient.Result played = whip.post(endpoint("whep", "viewer-" + user, user + "_main"),
                    server.userSig("viewer-" + user), player.createOffer());
            assertThat(played.status()).as(played.body()).isEqualTo(201);
            player.acceptAnswer(played.body());
            player.awaitMedia(1, 1, Duration.ofSeconds(15));
            Thread.sleep(WARM_UP.toMillis());

            long before = player.videoFramesReceived();
            Thread.sleep(WINDOW.toMillis());
            long frames = player.videoFramesReceived() - before;
            if (loss > 0) {
                assertThat(relay.dropped()).as("the relay really dropped packets").isPositive();
            }
            whip.delete(played.location());
            whip.delete(published.location());
            return frames * 1000.0 / WINDOW.toMillis();
        }
    }

    private static URI endpoint(String kind, String userId, String streamId) {
        return server.endpoint(kind, "roomID=77", userId, streamId);
    }
}

package io.lianmai.server.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.server.TestServer;
import io.lianmai.testkit.LibWebRtcPeer;
import io.lianmai.testkit.ShapedUdpRelay;
import io.lianmai.testkit.WhipClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A publisher whose uplink to the server loses 5% of its media packets: thanks to the server's NACKs (answered by
 * the publisher's retransmissions) the player's decoded frame rate stays within 10% of a lossless run.
 *
 * <p>Both calls run at once and are measured over one window, timed by the test's own clock: a busy machine slows
 * both alike, and a window that overran its sleep is divided by what it really lasted.
 */
class LossyUplinkIT {
    /** About 3 s of video: the stream has its keyframe and its bitrate before the window opens. */
    private static final long WARM_UP_FRAMES = 90;
    private static final Duration WINDOW = Duration.ofSeconds(8);
    @RegisterExtension
    private static final TestServer server = TestServer.fixture();
    private final WhipClient whip = new WhipClient();

    @Test
    void nackKeepsTheFrameRateUnderFivePercentUplinkLoss() throws Exception {
        try (Call clean = new Call("clean", 0.0); Call lossy = new Call("lossy", 0.05)) {
            clean.awaitWarm();
            lossy.awaitWarm();

            long cleanBefore = clean.player.videoFramesReceived();
            long lossyBefore = lossy.player.videoFramesReceived();
            long opened = System.nanoTime();
            Thread.sleep(WINDOW.toMillis()); // the measuring window, not a wait for something
            long cleanFrames = clean.player.videoFramesReceived() - cleanBefore;
            long lossyFrames = lossy.player.videoFramesReceived() - lossyBefore;
            double seconds = (System.nanoTime() - opened) / 1e9;
            double lossless = cleanFrames / seconds;
            double lossyRate = lossyFrames / seconds;
            System.out.printf("decoded fps over %.1f s: lossless %.1f, 5%% uplink loss %.1f%n", seconds, lossless,
                    lossyRate);

            assertThat(lossy.relay.lost()).as("the relay really dropped packets").isPositive();
            assertThat(lossless).as("the lossless run decodes video").isGreaterThan(10);
            assertThat(lossyRate).isGreaterThanOrEqualTo(lossless * 0.9);
        }
    }

    /** One publisher behind a lossy relay and one player of its stream. */
    private final class Call implements AutoCloseable {
        final ShapedUdpRelay relay;
        final LibWebRtcPeer publisher;
        final LibWebRtcPeer player;
        private WhipClient.Result published;
        private WhipClient.Result played;

        Call(String user, double loss) throws Exception {
            int mediaPort = server.server().media().udpPort();
            relay = new ShapedUdpRelay(new InetSocketAddress("127.0.0.1", mediaPort), 0, loss, 0, 42);
            publisher = LibWebRtcPeer.publisher();
            player = LibWebRtcPeer.player();
            try {
                connect(user, mediaPort);
            } catch (Exception | Error e) {
                close();
                throw e;
            }
        }

        private void connect(String user, int mediaPort) {
            published = whip.post(endpoint("whip", user, null), server.userSig(user), publisher.createOffer());
            assertThat(published.status()).as(published.body()).isEqualTo(201);
            publisher.acceptAnswer(relay.redirect(published.body(), mediaPort));
            publisher.awaitConnected(Duration.ofSeconds(10));

            played = whip.post(endpoint("whep", "viewer-" + user, user + "_main"), server.userSig("viewer-" + user),
                    player.createOffer());
            assertThat(played.status()).as(played.body()).isEqualTo(201);
            player.acceptAnswer(played.body());
        }

        void awaitWarm() {
            player.awaitMedia(WARM_UP_FRAMES, 1, Duration.ofSeconds(30));
        }

        @Override
        public void close() throws Exception {
            try {
                if (played != null) {
                    whip.delete(played.location());
                }
                if (published != null) {
                    whip.delete(published.location());
                }
            } finally {
                player.close();
                publisher.close();
                relay.close();
            }
        }
    }

    private static URI endpoint(String kind, String userId, String streamId) {
        return server.endpoint(kind, "roomID=77", userId, streamId);
    }
}

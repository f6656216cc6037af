package io.lianmai.server.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onvoid.webrtc.RTCStats;
import io.lianmai.media.MediaServer;
import io.lianmai.media.bwe.SendSideBandwidthEstimator;
import io.lianmai.server.TestServer;
import io.lianmai.testkit.LibWebRtcPeer;
import io.lianmai.testkit.WhipClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Transport-wide congestion control end to end with Google's libwebrtc: a publisher whose uplink the server's
 * transport-cc feedback lets its own estimator measure (its {@code availableOutgoingBitrate} leaves the 300 kbit/s
 * start within seconds, where without feedback it creeps up on receiver-report loss figures alone), and a player
 * whose feedback gives the server an estimate of its downlink.
 */
class TransportFeedbackIT {
    /** libwebrtc's start bitrate (the send-side estimator's initial value), bit/s. */
    private static final double START_BPS = 300_000;
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    @RegisterExtension
    private static final TestServer server = TestServer.fixture();
    @RegisterExtension
    private static final TestServer withoutBwe = TestServer.fixture(Map.of("media.bwe.enabled", "false"));
    private final WhipClient whip = new WhipClient();

    @Test
    void aPublisherGivenFeedbackRampsItsEstimateUpAndAPlayerIsEstimated() {
        try (LibWebRtcPeer publisher = LibWebRtcPeer.publisher();
                LibWebRtcPeer player = LibWebRtcPeer.player()) {
            String offer = publisher.createOffer();
            WhipClient.Result published = whip.post(server.endpoint("whip", "roomID=21", "ramp", null),
                    server.userSig("ramp"), offer);
            assertThat(published.status()).as(published.body()).isEqualTo(201);
            assertThat(published.body()).contains("transport-cc")
                    .contains("draft-holmer-rmcat-transport-wide-cc-extensions-01");
            publisher.acceptAnswer(published.body());
            publisher.awaitConnected(Duration.ofSeconds(10));

            double available = awaitAvailableOutgoingBitrate(publisher, 2 * START_BPS);
            System.out.printf("libwebrtc publisher with transport-cc feedback: availableOutgoingBitrate %.0f bit/s%n",
                    available);
            assertThat(available).as("the publisher's own estimate, fed by our feedback").isGreaterThan(2 * START_BPS);

            WhipClient.Result played = whip.post(server.endpoint("whep", "roomID=21", "watch", "ramp_main"),
                    server.userSig("watch"), player.createOffer());
            assertThat(played.status()).as(played.body()).isEqualTo(201);
            assertThat(played.body()).contains("draft-holmer-rmcat-transport-wide-cc-extensions-01");
            player.acceptAnswer(played.body());
            player.awaitMedia(60, 100, DEADLINE);

            MediaServer media = server.server().media();
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            MediaServer.Stats stats = media.stats();
            while (stats.transportFeedbackReceived() < 20 && System.nanoTime() < deadline) {
                sleep(100);
                stats = media.stats();
            }
            assertThat(stats.transportFeedbackSent()).as("feedback to the publisher").isPositive();
            assertThat(stats.transportFeedbackReceived()).as("feedback from the player").isGreaterThanOrEqualTo(20);
            assertThat(stats.estimatedPlayers()).isEqualTo(1);
            Map<String, Long> estimates = media.bandwidthEstimates();
            assertThat(estimates).hasSize(1);
            long estimate = estimates.values().iterator().next();
            System.out.println("server's estimate of the libwebrtc player's downlink: " + estimate + " bit/s");
            assertThat(estimate).isBetween(SendSideBandwidthEstimator.MIN_BPS, SendSideBandwidthEstimator.MAX_BPS);
            assertThat(player.framesDecoded()).isPositive();
        }
    }

    @Test
    void withBandwidthEstimationOffNothingIsNegotiatedAndMediaStillFlows() {
        try (LibWebRtcPeer publisher = LibWebRtcPeer.publisher();
                LibWebRtcPeer player = LibWebRtcPeer.player()) {
            WhipClient.Result published = whip.post(withoutBwe.endpoint("whip", "roomID=22", "plain", null),
                    withoutBwe.userSig("plain"), publisher.createOffer());
            assertThat(published.status()).as(published.body()).isEqualTo(201);
            assertThat(published.body()).doesNotContain("transport-cc").doesNotContain("transport-wide-cc");
            publisher.acceptAnswer(published.body());
            publisher.awaitConnected(Duration.ofSeconds(10));
            WhipClient.Result played = whip.post(withoutBwe.endpoint("whep", "roomID=22", "see", "plain_main"),
                    withoutBwe.userSig("see"), player.createOffer());
            assertThat(played.status()).as(played.body()).isEqualTo(201);
            assertThat(played.body()).doesNotContain("transport-wide-cc");
            player.acceptAnswer(played.body());
            player.awaitMedia(30, 50, DEADLINE);

            sleep(3000);
            double available = availableOutgoingBitrate(publisher);
            System.out.printf("libwebrtc publisher without feedback after ~4 s: availableOutgoingBitrate %.0f bit/s%n",
                    available);
            assertThat(available).as("no feedback: the estimate is not measured from delay (loss-based creep only)")
                    .isLessThan(2 * START_BPS);
            MediaServer.Stats stats = withoutBwe.server().media().stats();
            assertThat(stats.transportFeedbackSent()).isZero();
            assertThat(stats.estimatedPlayers()).isZero();
            assertThat(withoutBwe.server().media().bandwidthEstimates()).isEmpty();
        }
    }

    /** Polls the publisher's getStats until its estimate exceeds {@code above}; returns the last value seen. */
    private static double awaitAvailableOutgoingBitrate(LibWebRtcPeer peer, double above) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        double value = availableOutgoingBitrate(peer);
        while (value <= above && System.nanoTime() < deadline) {
            sleep(200);
            value = availableOutgoingBitrate(peer);
        }
        return value;
    }

    /** The highest {@code availableOutgoingBitrate} of the peer's candidate pairs, or 0 when none reports one. */
    private static double availableOutgoingBitrate(LibWebRtcPeer peer) {
        double best = 0;
        for (RTCStats stats : peer.stats()) {
            if (stats.getAttributes().get("availableOutgoingBitrate") instanceof Number n) {
                best = Math.max(best, n.doubleValue());
            }
        }
        return best;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

package io.lianmai.server.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.media.MediaServer;
import io.lianmai.media.SessionStats;
import io.lianmai.server.TestServer;
import io.lianmai.testkit.AiortcPeer;
import io.lianmai.testkit.Await;
import io.lianmai.testkit.ShapedUdpRelay;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * REMB to a publisher that offers only that (aiortc: {@code goog-remb} and abs-send-time, no transport-cc): the server
 * estimates its uplink from the abs-send-time of its video ({@code ReceiveSideEstimator}) and sends it REMB, which
 * aiortc's sender applies to its encoder's target bitrate (VP8: 500 kbit/s until then, clamped to 250 kbit/s –
 * 1.5 Mbit/s). The publisher sends faint noise, on which VP8 spends about its target, so that what it sends is what
 * the REMB allows. On an open loopback path the target follows the REMB up; behind a 400 kbit/s uplink
 * ({@link ShapedUdpRelay#setUplinkBps}) it falls below the cap, where without bandwidth estimation (no REMB) it stays
 * at its 500 kbit/s default and the relay's queue overflows.
 */
class AiortcPublisherRembIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long AIORTC_VP8_DEFAULT_BPS = 500_000;
    private static final long AIORTC_VP8_MIN_BPS = 250_000;
    private static final long AIORTC_VP8_MAX_BPS = 1_500_000;
    private static final long UPLINK_CAP_BPS = 400_000;

    @RegisterExtension
    private static final TestServer server = TestServer.fixture();
    @RegisterExtension
    private static final TestServer withoutBwe = TestServer.fixture(Map.of("media.bwe.enabled", "false"));

    @BeforeAll
    static void aiortcIsInstalled() {
        AiortcPeer.requireInstalled();
    }

    @Test
    void onAnOpenPathAiortcsEncoderFollowsTheServersRemb() {
        MediaServer media = server.server().media();
        long rembsBefore = media.stats().rembSent();
        try (AiortcPeer publisher = AiortcPeer.publishNoise(whip(server, 9401, "ra"), server.userSig("ra"), 0, 0)) {
            publisher.await("connected", WAIT);
            JsonNode[] report = new JsonNode[1];
            Await.until("aiortc's encoder raised above its default by the server's REMB", WAIT, () -> {
                report[0] = publisher.senderStats().orElse(null);
                return report[0] != null && report[0].path("target_bps").asLong() > AIORTC_VP8_DEFAULT_BPS;
            }, () -> trace(media, publisher) + "; " + publisher.diagnostics());
            System.out.println("open path: " + (media.stats().rembSent() - rembsBefore) + " REMBs sent meanwhile; "
                    + trace(media, publisher));
            long remb = report[0].path("remb_bps").asLong();
            assertThat(report[0].path("target_bps").asLong()).as("the encoder's target is the REMB, clamped")
                    .isEqualTo(Math.max(AIORTC_VP8_MIN_BPS, Math.min(AIORTC_VP8_MAX_BPS, remb)));
            assertThat(media.stats().rembSent()).isGreaterThan(rembsBefore);
            assertThat(uplinkEstimate(media, "9401")).as("the estimate the console lists").isPositive();
        }
    }

    @Test
    void behindA400KbitUplinkAiortcsEncoderFallsBelowTheCap() throws Exception {
        MediaServer media = server.server().media();
        try (ShapedUdpRelay relay = new ShapedUdpRelay(new InetSocketAddress("127.0.0.1", media.udpPort()), 10, 0,
                9402);
                AiortcPeer publisher = AiortcPeer.publishNoise(whip(server, 9402, "rc"), server.userSig("rc"),
                        media.udpPort(), relay.port())) {
            relay.setUplinkBps(UPLINK_CAP_BPS);
            publisher.await("connected", WAIT);
            long connected = System.nanoTime();
            Await.until("aiortc's encoder target below the 400 kbit/s cap", Duration.ofSeconds(15),
                    () -> publisher.encoderTargetBitrate() > 0 && publisher.encoderTargetBitrate() < UPLINK_CAP_BPS,
                    () -> trace(media, publisher) + ", relay overflowed " + relay.overflowed() + "; "
                            + publisher.diagnostics());
            long seconds = (System.nanoTime() - connected) / 1_000_000_000L;
            System.out.printf("400 kbit/s uplink: target %d bit/s %d s after connecting; %s; relay overflowed %d%n",
                    publisher.encoderTargetBitrate(), seconds, trace(media, publisher), relay.overflowed());
            assertThat(seconds).as("within about 10 s").isLessThanOrEqualTo(12);

            // Then it stays near the path: GCC's saw-tooth under the cap, not back at the default.
            long overflowedBefore = relay.overflowed();
            MediaServer.Stats statsBefore = media.stats();
            StringBuilder targets = new StringBuilder();
            int nearCap = 0;
            StringBuilder estimates = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                Thread.sleep(1000);
                long target = publisher.encoderTargetBitrate();
                targets.append(target / 1000).append(' ');
                estimates.append(uplinkEstimate(media, "9402") / 1000).append(' ');
                nearCap += target <= UPLINK_CAP_BPS * 11 / 10 ? 1 : 0;
            }
            MediaServer.Stats statsAfter = media.stats();
            System.out.printf("the next 10 s: targets %s(kbit/s), the server's estimates %s(kbit/s); the relay "
                    + "overflowed %d, the server received %d kbit/s, sent %d NACKs and %d PLIs%n", targets, estimates,
                    relay.overflowed() - overflowedBefore,
                    (statsAfter.bytesIn() - statsBefore.bytesIn()) * 8 / 10_000,
                    statsAfter.nacksSent() - statsBefore.nacksSent(),
                    statsAfter.keyframeRequestsSent() - statsBefore.keyframeRequestsSent());
            assertThat(nearCap).as("seconds at most 10 %% over the cap: " + targets).isGreaterThanOrEqualTo(8);
        }
    }

    @Test
    void withoutBandwidthEstimationTheTargetStaysAtItsDefaultBehindTheCap() throws Exception {
        MediaServer media = withoutBwe.server().media();
        try (ShapedUdpRelay relay = new ShapedUdpRelay(new InetSocketAddress("127.0.0.1", media.udpPort()), 10, 0,
                9403);
                AiortcPeer publisher = AiortcPeer.publishNoise(whip(withoutBwe, 9403, "rn"), withoutBwe.userSig("rn"),
                        media.udpPort(), relay.port())) {
            relay.setUplinkBps(UPLINK_CAP_BPS);
            publisher.await("connected", WAIT);
            Await.until("aiortc's encoder running", WAIT, () -> publisher.encoderTargetBitrate() > 0,
                    publisher::diagnostics);
            Thread.sleep(2_000);
            long overflowedBefore = relay.overflowed();
            MediaServer.Stats statsBefore = media.stats();
            Thread.sleep(10_000);
            MediaServer.Stats statsAfter = media.stats();
            System.out.printf("400 kbit/s uplink, no REMB: %s; over 10 s the relay overflowed %d, the server "
                    + "received %d kbit/s and sent %d NACKs%n", trace(media, publisher),
                    relay.overflowed() - overflowedBefore, (statsAfter.bytesIn() - statsBefore.bytesIn()) * 8 / 10_000,
                    statsAfter.nacksSent() - statsBefore.nacksSent());
            assertThat(publisher.encoderTargetBitrate()).isEqualTo(AIORTC_VP8_DEFAULT_BPS);
            assertThat(publisher.rembReceivedBitrate()).isZero();
            assertThat(media.stats().rembSent()).isZero();
            assertThat(relay.overflowed()).as("it sends more than the path carries").isPositive();
        }
    }

    private static String trace(MediaServer media, AiortcPeer publisher) {
        return "server REMBs sent " + media.stats().rembSent() + ", aiortc sender "
                + publisher.senderStats().map(JsonNode::toString).orElse("(no report yet)");
    }

    /** The uplink estimate the server lists for the publisher of room {@code room} (-1 when none). */
    private static long uplinkEstimate(MediaServer media, String room) {
        return media.sessionStats("", 1000).listed().stream()
                .filter(s -> s.publisher() && s.streamKey().contains(room))
                .mapToLong(SessionStats::uplinkEstimateBps).max().orElse(-1);
    }

    private static URI whip(TestServer target, int room, String userId) {
        return target.endpoint("whip", "roomID=" + room, userId, null);
    }
}

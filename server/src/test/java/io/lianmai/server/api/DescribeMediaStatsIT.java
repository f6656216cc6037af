package io.lianmai.server.api;

import static io.lianmai.server.api.RestApiClient.adminSig;
import static io.lianmai.server.api.RestApiClient.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.auth.UserSigSigner;
import io.lianmai.media.bwe.SendSideBandwidthEstimator;
import io.lianmai.server.TestServer;
import io.lianmai.store.App;
import io.lianmai.testkit.LibWebRtcPeer;
import io.lianmai.testkit.WhipClient;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code DescribeMediaStats}: only an app's administrator reads it, it lists only that app's players (never a
 * publisher, never another app's), and for a real libwebrtc player it gives the session the WHEP Location names, its
 * room and stream, the server's transport-cc estimate of its downlink and its layer counters.
 */
class DescribeMediaStatsIT {
    private static final Duration DEADLINE = Duration.ofSeconds(15);
    @RegisterExtension
    private static final TestServer server = TestServer.fixture();
    private final WhipClient whip = new WhipClient();

    @Test
    void anAdministratorSeesItsPlayersEstimateAndLayerCounters() throws Exception {
        long app = server.sdkAppId();
        String body = "{\"SdkAppId\": " + app + "}";
        try (LibWebRtcPeer publisher = LibWebRtcPeer.publisher();
                LibWebRtcPeer player = LibWebRtcPeer.player()) {
            WhipClient.Result published = whip.post(server.endpoint("whip", "roomID=41", "cam", null),
                    server.userSig("cam"), publisher.createOffer());
            assertThat(published.status()).as(published.body()).isEqualTo(201);
            publisher.acceptAnswer(published.body());
            publisher.awaitConnected(Duration.ofSeconds(10));
            WhipClient.Result played = whip.post(server.endpoint("whep", "roomID=41", "eye", "cam_main"),
                    server.userSig("eye"), player.createOffer());
            assertThat(played.status()).as(played.body()).isEqualTo(201);
            player.acceptAnswer(played.body());
            player.awaitMedia(30, 50, DEADLINE);
            String sessionId = played.location().getPath().substring(played.location().getPath().lastIndexOf('/') + 1);

            // Refused without the administrator's UserSig, or with a member's.
            assertThat(call(server, "DescribeMediaStats", null, body).at("/Error/Code").asText())
                    .isEqualTo("AuthFailure");
            assertThat(call(server, "DescribeMediaStats", server.userSig("eye"), body).at("/Error/Code").asText())
                    .isEqualTo("AuthFailure");

            JsonNode stats = awaitEstimate(body);
            assertThat(stats.has("Error")).as(stats.toString()).isFalse();
            assertThat(stats.get("PlayerCount").asInt()).as("the player, not the publisher").isEqualTo(1);
            JsonNode p = stats.at("/Players/0");
            assertThat(p.get("SessionId").asText()).isEqualTo(sessionId);
            assertThat(p.get("RoomId").asText()).isEqualTo("41");
            assertThat(p.get("StreamId").asText()).isEqualTo("cam_main");
            assertThat(p.get("Estimator").asText()).isEqualTo("transport-cc");
            assertThat(p.get("EstimateBps").asLong())
                    .isBetween(SendSideBandwidthEstimator.MIN_BPS, SendSideBandwidthEstimator.MAX_BPS);
            assertThat(p.get("PacketsSent").asLong()).isPositive();
            assertThat(p.get("OctetsSent").asLong()).isPositive();
            for (String counter : new String[] {"LayerSwitches", "Pauses", "ProbesStarted", "ProbesRaised",
                "PaddingPackets", "PaddingBytes"}) {
                assertThat(p.get(counter).asLong()).as(counter).isNotNegative();
            }
            assertThat(p.has("AllocatedLayer")).isTrue();
            assertThat(p.get("CurrentLayer").asInt()).as("video flows").isNotNegative();
            assertThat(stats.at("/Totals/EstimatedPlayers").asInt()).isEqualTo(1);
            assertThat(stats.at("/Totals/OctetsSent").asLong()).isEqualTo(p.get("OctetsSent").asLong());

            JsonNode counted = call(server, "DescribeMediaStats", adminSig(server),
                    "{\"SdkAppId\": " + app + ", \"Limit\": 0}");
            assertThat(counted.get("PlayerCount").asInt()).isEqualTo(1);
            assertThat(counted.get("Players")).isEmpty();
            assertThat(call(server, "DescribeMediaStats", adminSig(server),
                    "{\"SdkAppId\": " + app + ", \"Limit\": 100000}").at("/Error/Code").asText())
                    .isEqualTo("InvalidParameter");

            App other = server.server().apps().create("stats-other");
            String otherSig = new UserSigSigner(other.sdkAppId(), other.secretKey(), Clock.systemUTC())
                    .genUserSig("administrator", 60);
            JsonNode others = call(server, "DescribeMediaStats", otherSig,
                    "{\"SdkAppId\": " + other.sdkAppId() + "}");
            assertThat(others.has("Error")).as(others.toString()).isFalse();
            assertThat(others.get("PlayerCount").asInt()).as("another app sees none of this app's players").isZero();
            assertThat(call(server, "DescribeMediaStats", otherSig, body).at("/Error/Code").asText())
                    .as("nor with its own UserSig and this app's id").isEqualTo("AuthFailure");
        }
    }

    /** Polls until the player's first feedback gave the server an estimate. */
    private static JsonNode awaitEstimate(String body) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        JsonNode stats = call(server, "DescribeMediaStats", adminSig(server), body);
        while (stats.at("/Players/0/EstimateBps").asLong(-1) < 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            stats = call(server, "DescribeMediaStats", adminSig(server), body);
        }
        return stats;
    }
}

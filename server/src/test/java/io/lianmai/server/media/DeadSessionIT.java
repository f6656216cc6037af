package io.lianmai.server.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.server.LianmaiServer;
import io.lianmai.server.TestServer;
import io.lianmai.testkit.LibWebRtcPeer;
import io.lianmai.testkit.ShapedUdpRelay;
import io.lianmai.testkit.WhipClient;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A publisher that vanishes without a goodbye loses its session when ICE consent expires. */
class DeadSessionIT {

    @Test
    void aVanishedPublisherIsEndedByTheConsentTimeout() throws Exception {
        try (TestServer test = TestServer.start(Map.of("media.consentTimeoutSeconds", "3"))) {
            LianmaiServer server = test.server();
            int mediaPort = server.media().udpPort();
            String streamKey = test.sdkAppId() + "/r3/ghost_main";
            try (ShapedUdpRelay relay = new ShapedUdpRelay(new InetSocketAddress("127.0.0.1", mediaPort), 0, 0, 1);
                    LibWebRtcPeer publisher = LibWebRtcPeer.publisher()) {
                WhipClient.Result published = new WhipClient().post(test.endpoint("whip", "roomID=3", "ghost", null),
                        test.userSig("ghost"), publisher.createOffer());
                assertThat(published.status()).as(published.body()).isEqualTo(201);
                publisher.acceptAnswer(relay.redirect(published.body(), mediaPort));
                publisher.awaitConnected(Duration.ofSeconds(10));
                assertThat(server.media().isPublished(streamKey)).isTrue();

                relay.blackhole();

                long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                while (server.media().isPublished(streamKey) && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(server.media().isPublished(streamKey)).as("the stream is gone once consent expired "
                        + "(relay forwarded %d, dropped %d after the blackhole)", relay.forwarded(),
                        relay.blackholed()).isFalse();
            }
        }
    }
}

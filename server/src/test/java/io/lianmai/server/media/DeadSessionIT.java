package io.lianmai.server.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.auth.UserSigSigner;
import io.lianmai.server.LianmaiServer;
import io.lianmai.server.config.ConfigLoader;
import io.lianmai.store.App;
import io.lianmai.testkit.LibWebRtcPeer;
import io.lianmai.testkit.LossyUdpRelay;
import io.lianmai.testkit.WhipClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A publisher that vanishes without a goodbye loses its session when ICE consent expires. */
class DeadSessionIT {

    @Test
    void aVanishedPublisherIsEndedByTheConsentTimeout() throws Exception {
        Path dir = Files.createTempDirectory("lianmai-dead-it");
        try (LianmaiServer server = LianmaiServer.start(new ConfigLoader(Map.of(), dir).load(Optional.empty(), Map.of(
                "http.port", "0", "http.host", "127.0.0.1", "media.host", "127.0.0.1", "media.udpPort", "0",
                "media.tcpPort", "0", "media.publicIp", "127.0.0.1", "media.consentTimeoutSeconds", "3")),
                Clock.systemUTC())) {
            App app = server.createdDefaultApp().orElseThrow();
            UserSigSigner signer = new UserSigSigner(app.sdkAppId(), app.secretKey(), Clock.systemUTC());
            int mediaPort = server.media().udpPort();
            String streamKey = app.sdkAppId() + "/r3/ghost_main";
            try (LossyUdpRelay relay = new LossyUdpRelay(new InetSocketAddress("127.0.0.1", mediaPort), 0, 1);
                    LibWebRtcPeer publisher = LibWebRtcPeer.publisher()) {
                WhipClient.Result published = new WhipClient().post(URI.create("http://127.0.0.1:"
                        + server.httpPort() + "/whip?sdkAppID=" + app.sdkAppId() + "&roomID=3&userID=ghost"),
                        signer.genUserSig("ghost", 600), publisher.createOffer());
                assertThat(published.status()).as(published.body()).isEqualTo(201);
                publisher.acceptAnswer(relay.redirect(published.body(), mediaPort));
                publisher.awaitConnected(Duration.ofSeconds(10));
                assertThat(server.media().isPublished(streamKey)).isTrue();

                relay.blackhole();

                long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                while (server.media().isPublished(streamKey) && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(server.media().isPublished(streamKey)).as("the stream is gone once consent expired")
                        .isFalse();
            }
        }
    }
}

package io.lianmai.server.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.server.TestServer;
import io.lianmai.testkit.Await;
import io.lianmai.testkit.LibWebRtcPeer;
import io.lianmai.testkit.ShapedUdpRelay;
import io.lianmai.testkit.WhipClient;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A player whose downlink loses 5 % of the server's RTP packets, having negotiated RTX (libwebrtc offers it): the
 * server answers its NACKs with RTX packets (RFC 4588) of the payload type the answer gave RTX, and the player keeps
 * decoding.
 */
class RtxToPlayersIT {
    @RegisterExtension
    private static final TestServer server = TestServer.fixture();
    private final WhipClient whip = new WhipClient();

    @Test
    void aLossyDownlinkIsRepairedWithRtx() throws Exception {
        int mediaPort = server.server().media().udpPort();
        try (ShapedUdpRelay relay = new ShapedUdpRelay(new InetSocketAddress("127.0.0.1", mediaPort), 0, 0, 0.05, 7);
                LibWebRtcPeer publisher = LibWebRtcPeer.publisher(); LibWebRtcPeer player = LibWebRtcPeer.player()) {
            WhipClient.Result published = whip.post(server.endpoint("whip", "roomID=9501", "rtx-pub", null),
                    server.userSig("rtx-pub"), publisher.createOffer());
            assertThat(published.status()).as(published.body()).isEqualTo(201);
            publisher.acceptAnswer(published.body());
            publisher.awaitConnected(Duration.ofSeconds(10));

            WhipClient.Result played = whip.post(server.endpoint("whep", "roomID=9501", "rtx-view", "rtx-pub_main"),
                    server.userSig("rtx-view"), player.createOffer());
            assertThat(played.status()).as(played.body()).isEqualTo(201);
            Matcher rtx = Pattern.compile("a=rtpmap:(\\d+) rtx/90000").matcher(played.body());
            assertThat(rtx.find()).as("the answer offers the player RTX: " + played.body()).isTrue();
            int rtxPayloadType = Integer.parseInt(rtx.group(1));
            player.acceptAnswer(relay.redirect(played.body(), mediaPort));

            player.awaitMedia(120, 50, Duration.ofSeconds(40));
            Await.until("retransmissions arrive as RTX", Duration.ofSeconds(20),
                    () -> relay.downlinkPackets(rtxPayloadType) >= 5,
                    () -> relay.downlinkPackets(rtxPayloadType) + " RTX packets, " + relay.lost() + " lost");
            assertThat(relay.lost()).isPositive();
            long frames = player.videoFramesReceived();
            player.awaitMedia(frames + 60, 1, Duration.ofSeconds(30));
        }
    }
}

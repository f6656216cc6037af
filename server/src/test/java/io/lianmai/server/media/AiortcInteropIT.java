package io.lianmai.server.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lianmai.media.MediaServer;
import io.lianmai.server.TestServer;
import io.lianmai.testkit.AiortcPeer;
import io.lianmai.testkit.Await;
import io.lianmai.testkit.LibWebRtcPeer;
import io.lianmai.testkit.WhipClient;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * aiortc (Python, written independently of libwebrtc) as WHIP publisher and WHEP viewer, beside libwebrtc. aiortc
 * offers one extmap id for two URIs in its two bundled m-lines (id 2: abs-send-time for video, ssrc-audio-level for
 * audio) and keeps one map for the whole bundle; an answer that echoed both left every forwarded audio packet
 * unparseable to it. Each viewer here must decode frames and hear the publisher's tone. aiortc offers {@code
 * goog-remb} and not transport-cc: its viewer is answered REMB and abs-send-time, and the REMB its own estimator
 * sends is the server's estimate of its downlink.
 */
class AiortcInteropIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final double TONE_HZ = 440;

    @RegisterExtension
    private static final TestServer server = TestServer.fixture();
    private final WhipClient whip = new WhipClient();

    @BeforeAll
    static void aiortcIsInstalled() {
        AiortcPeer.requireInstalled();
    }

    @Test
    void anAiortcViewerDecodesALibWebRtcPublisher() throws Exception {
        try (LibWebRtcPeer publisher = LibWebRtcPeer.publisher()) {
            WhipClient.Result published = whip.post(server.endpoint("whip", "roomID=9301", "lw", null),
                    server.userSig("lw"), publisher.createOffer());
            assertThat(published.status()).as(published.body()).isEqualTo(201);
            publisher.acceptAnswer(published.body());
            publisher.awaitConnected(Duration.ofSeconds(10));
            try (AiortcPeer viewer = AiortcPeer.play(whep(9301, "lw_main", "v1"), server.userSig("v1"))) {
                viewer.await("first_frame", WAIT);
                Await.until("aiortc decodes video and audio", WAIT,
                        () -> viewer.framesDecoded() > 30 && viewer.audioFrames() > 50, viewer::diagnostics);
            }
        }
    }

    @Test
    void anAiortcViewerSeesAndHearsAnAiortcVp8Publisher() {
        try (AiortcPeer publisher = AiortcPeer.publish(whipUrl(9302, "ai"), server.userSig("ai"), "vp8", TONE_HZ)) {
            publisher.await("connected", WAIT);
            try (AiortcPeer viewer = AiortcPeer.play(whep(9302, "ai_main", "v2"), server.userSig("v2"))) {
                viewer.await("first_frame", WAIT);
                Await.until("aiortc sees and hears aiortc", WAIT,
                        () -> viewer.framesDecoded() > 30 && Math.abs(viewer.toneHz() - TONE_HZ) < 10,
                        viewer::diagnostics);
                assertThat(viewer.toneHz()).isCloseTo(TONE_HZ, within(10.0));
                assertThat(viewer.stats().orElseThrow().path("brightness").asDouble()).isGreaterThan(100);
            }
        }
    }

    @Test
    void anAiortcViewersRembBecomesTheServersEstimateOfItsDownlink() {
        MediaServer media = server.server().media();
        Set<String> before = Set.copyOf(media.bandwidthEstimates().keySet());
        long rembsBefore = media.stats().rembReceived();
        // The aiortc publisher's own abs-send-time (its answer moves it to a free id) is what the server estimates
        // its uplink from; every abs-send-time the viewer's estimator reads is the one the server writes on the way
        // out (AbsSendTimeStamper).
        try (AiortcPeer publisher = AiortcPeer.publish(whipUrl(9304, "ai4"), server.userSig("ai4"), "vp8", TONE_HZ)) {
            publisher.await("connected", WAIT);
            try (AiortcPeer viewer = AiortcPeer.play(whep(9304, "ai4_main", "v4"), server.userSig("v4"))) {
                viewer.await("first_frame", WAIT);
                Map<String, Long> estimates = new HashMap<>();
                Await.until("the server reads the aiortc viewer's REMB", WAIT, () -> {
                    estimates.clear();
                    estimates.putAll(media.bandwidthEstimates());
                    estimates.keySet().removeAll(before);
                    return !estimates.isEmpty() && estimates.values().iterator().next() > 0
                            && viewer.rembBitrate() > 0;
                }, () -> "estimates " + media.bandwidthEstimates() + ", " + media.stats() + "; "
                        + viewer.diagnostics());
                long estimate = estimates.values().iterator().next();
                long reported = viewer.rembBitrate();
                System.out.println("server's estimate of the aiortc viewer's downlink: " + estimate + " bit/s; the "
                        + "viewer's latest REMB: " + reported + " bit/s; " + viewer.framesDecoded()
                        + " frames decoded");
                assertThat(estimates).hasSize(1);
                assertThat(estimate).as("what the viewer reported (its REMBs change by < 2x in half a second)")
                        .isBetween(reported / 2, reported * 2);
                assertThat(media.stats().rembReceived()).isGreaterThan(rembsBefore);
                assertThat(media.stats().rembIgnored()).isZero();
                Await.until("the aiortc viewer decodes", WAIT, () -> viewer.framesDecoded() > 30,
                        viewer::diagnostics);
            }
        }
    }

    @Test
    void libWebRtcDecodesAnAiortcPublisher() throws Exception {
        try (AiortcPeer publisher = AiortcPeer.publish(whipUrl(9303, "ai3"), server.userSig("ai3"), "vp8", TONE_HZ);
                LibWebRtcPeer player = LibWebRtcPeer.player()) {
            publisher.await("connected", WAIT);
            WhipClient.Result played = whip.post(whep(9303, "ai3_main", "p3"), server.userSig("p3"),
                    player.createOffer());
            assertThat(played.status()).as(played.body()).isEqualTo(201);
            player.acceptAnswer(played.body());
            player.awaitMedia(30, 50, WAIT);
        }
    }

    private static URI whipUrl(int room, String userId) {
        return server.endpoint("whip", "roomID=" + room, userId, null);
    }

    private static URI whep(int room, String streamId, String userId) {
        return server.endpoint("whep", "roomID=" + room, userId, streamId);
    }
}

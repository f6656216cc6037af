package io.lianmai.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.media.MediaPlane.MediaSession;
import io.lianmai.media.sdp.ExtMap;
import io.lianmai.media.sdp.MediaDescription;
import io.lianmai.media.sdp.RtcpFeedbackType;
import io.lianmai.media.sdp.SessionDescription;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How a real media server answers publishers for their uplink estimate: one that offers only {@code goog-remb} and
 * abs-send-time (aiortc's real offer) gets {@code goog-remb} and abs-send-time (moved off the id its audio uses for
 * audio-level), so that the server can estimate its uplink and send it REMB; one that offers transport-cc (Chromium)
 * keeps transport-cc and gets no REMB; with {@code media.bwe.enabled=false} neither.
 */
class PublisherEstimateNegotiationTest {
    private static final Path SAMPLES = Path.of("src/test/java/io/lianmai/media/sdp/samples");

    private MediaServer server;

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anAiortcPublisherIsAnsweredRembAndAbsSendTime() throws Exception {
        start(true);
        MediaSession session = publish("aiortc-publish-sendonly.sdp");
        MediaDescription video = answer(session, "video");

        assertThat(video.codecs().get(0).name()).isEqualTo("VP8");
        assertThat(video.codecs().get(0).feedback()).contains(RtcpFeedbackType.GOOG_REMB)
                .doesNotContain(RtcpFeedbackType.TRANSPORT_CC);
        assertThat(video.extMaps()).contains(ExtMap.of(3, ExtMap.ABS_SEND_TIME))
                .noneMatch(e -> e.uri().equals(ExtMap.TRANSPORT_WIDE_CC));
        assertThat(answer(session, "audio").extMaps()).contains(ExtMap.of(2, ExtMap.AUDIO_LEVEL));
        SessionStats stats = server.sessionStats("room/", 10).listed().get(0);
        assertThat(stats.publisher()).isTrue();
        assertThat(stats.uplinkEstimateBps()).as("estimated, but no packet came yet").isEqualTo(-1);
        assertThat(server.stats().rembSent()).isZero();
    }

    @Test
    void aChromiumPublisherKeepsTransportCcAndIsNotAnsweredRemb() throws Exception {
        start(true);
        MediaDescription video = answer(publish("chrome-publish-simulcast.sdp"), "video");

        assertThat(video.codecs().get(0).feedback()).contains(RtcpFeedbackType.TRANSPORT_CC)
                .doesNotContain(RtcpFeedbackType.GOOG_REMB);
        assertThat(video.extMaps()).extracting(ExtMap::uri).contains(ExtMap.TRANSPORT_WIDE_CC)
                .as("offered, but the server sends a publisher no media").doesNotContain(ExtMap.PLAYOUT_DELAY);
    }

    @Test
    void withBandwidthEstimationOffAnAiortcPublisherGetsNoRemb() throws Exception {
        start(false);
        MediaDescription video = answer(publish("aiortc-publish-sendonly.sdp"), "video");

        assertThat(video.codecs().get(0).feedback()).doesNotContain(RtcpFeedbackType.GOOG_REMB,
                RtcpFeedbackType.TRANSPORT_CC);
    }

    private void start(boolean bandwidthEstimation) throws Exception {
        server = MediaServer.start(new MediaConfig("127.0.0.1", 0, -1, List.of("127.0.0.1"), Duration.ofSeconds(30),
                Duration.ofSeconds(10)).withBandwidthEstimation(bandwidthEstimation));
    }

    private MediaSession publish(String sample) throws Exception {
        String offer = Files.readString(SAMPLES.resolve(sample), StandardCharsets.UTF_8).replace("\r\n", "\n")
                .replace("\n", "\r\n");
        return server.publish("room/pub_main", offer).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static MediaDescription answer(MediaSession session, String kind) throws Exception {
        return SessionDescription.parse(session.answerSdp()).media().stream()
                .filter(m -> m.media().equals(kind)).findFirst().orElseThrow();
    }
}

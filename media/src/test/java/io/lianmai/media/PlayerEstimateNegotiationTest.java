package io.lianmai.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.media.MediaPlane.MediaSession;
import io.lianmai.media.sdp.ExtMap;
import io.lianmai.media.sdp.MediaDescription;
import io.lianmai.media.sdp.RtcpFeedbackType;
import io.lianmai.media.sdp.RtpCodec;
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
 * How a real media server answers players for their downlink estimate: a player that offers transport-cc (Chromium)
 * gets transport-cc and no REMB; one that offers only {@code goog-remb} (aiortc) gets {@code goog-remb} and
 * abs-send-time, so that it sends REMB, and counts as estimated; with {@code media.bwe.enabled=false} neither.
 */
class PlayerEstimateNegotiationTest {
    private static final Path SAMPLES = Path.of("src/test/java/io/lianmai/media/sdp/samples");
    private static final RtpCodec OPUS = RtpCodec.of(111, "opus", 48_000, 2);
    private static final RtpCodec VP8 = RtpCodec.of(96, "VP8", 90_000, 0);

    private MediaServer server;

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anAiortcPlayerIsAnsweredRembAndAbsSendTimeAndIsEstimatedFromItsRemb() throws Exception {
        start(true);
        MediaDescription video = answerVideo(play("aiortc-play-recvonly.sdp"));

        assertThat(video.codecs().get(0).name()).isEqualTo("VP8");
        assertThat(video.codecs().get(0).feedback()).contains(RtcpFeedbackType.GOOG_REMB)
                .doesNotContain(RtcpFeedbackType.TRANSPORT_CC);
        // aiortc's id 2 is ssrc-audio-level in its audio m-line: abs-send-time moves to a free id.
        assertThat(video.extMaps()).contains(ExtMap.of(3, ExtMap.ABS_SEND_TIME))
                .noneMatch(e -> e.uri().equals(ExtMap.TRANSPORT_WIDE_CC));
        assertThat(server.stats().estimatedPlayers()).as("its REMB is read").isEqualTo(1);
        assertThat(server.bandwidthEstimates()).as("but none came yet").isEmpty();
    }

    @Test
    void aChromiumPlayerKeepsTransportCcAndIsNotAnsweredRemb() throws Exception {
        start(true);
        MediaDescription video = answerVideo(play("chrome-play-recvonly.sdp"));

        assertThat(video.codecs().get(0).feedback()).contains(RtcpFeedbackType.TRANSPORT_CC)
                .doesNotContain(RtcpFeedbackType.GOOG_REMB);
        assertThat(video.extMaps()).extracting(ExtMap::uri).contains(ExtMap.TRANSPORT_WIDE_CC)
                .as("what asks a lossy player to wait for its repairs").contains(ExtMap.PLAYOUT_DELAY);
        assertThat(server.stats().estimatedPlayers()).isEqualTo(1);
        assertThat(server.bandwidthEstimates()).hasSize(1);
    }

    @Test
    void withThePlayoutDelayOffAChromiumPlayerIsNotAnsweredIt() throws Exception {
        server = MediaServer.start(new MediaConfig("127.0.0.1", 0, -1, List.of("127.0.0.1"), Duration.ofSeconds(30),
                Duration.ofSeconds(10)).withPlayoutDelayMaxMillis(0));
        server.publishLocal("room/pub_main", List.of(OPUS, VP8)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        MediaDescription video = answerVideo(play("chrome-play-recvonly.sdp"));

        assertThat(video.extMaps()).extracting(ExtMap::uri).contains(ExtMap.TRANSPORT_WIDE_CC)
                .doesNotContain(ExtMap.PLAYOUT_DELAY);
    }

    @Test
    void withBandwidthEstimationOffAnAiortcPlayerGetsNoRemb() throws Exception {
        start(false);
        MediaDescription video = answerVideo(play("aiortc-play-recvonly.sdp"));

        assertThat(video.codecs().get(0).feedback()).doesNotContain(RtcpFeedbackType.GOOG_REMB,
                RtcpFeedbackType.TRANSPORT_CC);
        assertThat(server.stats().estimatedPlayers()).isZero();
    }

    private void start(boolean bandwidthEstimation) throws Exception {
        server = MediaServer.start(new MediaConfig("127.0.0.1", 0, -1, List.of("127.0.0.1"), Duration.ofSeconds(30),
                Duration.ofSeconds(10)).withBandwidthEstimation(bandwidthEstimation));
        server.publishLocal("room/pub_main", List.of(OPUS, VP8)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private MediaSession play(String sample) throws Exception {
        String offer = Files.readString(SAMPLES.resolve(sample), StandardCharsets.UTF_8).replace("\r\n", "\n")
                .replace("\n", "\r\n");
        return server.play("room/pub_main", offer).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static MediaDescription answerVideo(MediaSession session) throws Exception {
        return SessionDescription.parse(session.answerSdp()).media().stream()
                .filter(m -> m.media().equals("video")).findFirst().orElseThrow();
    }
}

package io.lianmai.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.media.sdp.RtpCodec;
import io.lianmai.media.sfu.DownTrack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link MediaServer#playerStats}: players only (never the publisher), filtered by stream key prefix, capped in what
 * is listed but not in what is counted, with which estimator each has before any media flowed.
 */
class PlayerStatsTest {
    private static final Path SAMPLES = Path.of("src/test/java/io/lianmai/media/sdp/samples");

    private MediaServer server;

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void listsThePlayersOfTheStreamsUnderAPrefix() throws Exception {
        server = MediaServer.start(new MediaConfig("127.0.0.1", 0, -1, List.of("127.0.0.1"), Duration.ofSeconds(30),
                Duration.ofSeconds(10)));
        server.publishLocal("app1/room/pub_main", List.of(RtpCodec.of(111, "opus", 48_000, 2),
                RtpCodec.of(96, "VP8", 90_000, 0))).toCompletableFuture().get(5, TimeUnit.SECONDS);
        String chrome = play("app1/room/pub_main", "chrome-play-recvonly.sdp");
        String aiortc = play("app1/room/pub_main", "aiortc-play-recvonly.sdp");

        PlayerStats.Page page = server.playerStats("app1/", 10);

        assertThat(page.players()).isEqualTo(2);
        assertThat(page.listed()).extracting(PlayerStats::sessionId).containsExactlyInAnyOrder(chrome, aiortc);
        PlayerStats chromeStats = page.listed().stream().filter(p -> p.sessionId().equals(chrome)).findFirst()
                .orElseThrow();
        assertThat(chromeStats.streamKey()).isEqualTo("app1/room/pub_main");
        assertThat(chromeStats.estimator()).isEqualTo("transport-cc");
        assertThat(chromeStats.estimateBps()).as("the estimator's start").isPositive();
        assertThat(chromeStats.allocatedLayer()).as("nothing allocated before any layer was measured")
                .isEqualTo(DownTrack.UNALLOCATED);
        assertThat(chromeStats.currentLayer()).isEqualTo(-1);
        assertThat(chromeStats.packetsSent()).isZero();
        assertThat(page.listed()).filteredOn(p -> p.sessionId().equals(aiortc)).extracting(PlayerStats::estimator)
                .containsExactly("remb");
        assertThat(server.playerStats("app1/", 1).listed()).hasSize(1);
        assertThat(server.playerStats("app1/", 0).players()).isEqualTo(2);
        assertThat(server.playerStats("app2/", 10).players()).isZero();
    }

    private String play(String streamKey, String sample) throws Exception {
        String offer = Files.readString(SAMPLES.resolve(sample), StandardCharsets.UTF_8).replace("\r\n", "\n")
                .replace("\n", "\r\n");
        return server.play(streamKey, offer).toCompletableFuture().get(5, TimeUnit.SECONDS).sessionId();
    }
}

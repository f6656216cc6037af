package io.lianmai.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.media.sdp.RtpCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link MediaServer#sessionStats}: publishers (an in-process one here, as the RTMP bridge makes) with the packets,
 * loss and tracks they sent, and WebRTC players, filtered by stream key prefix, capped in what is listed only.
 */
class SessionStatsTest {
    private static final Path SAMPLES = Path.of("src/test/java/io/lianmai/media/sdp/samples");

    private MediaServer server;

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void listsPublishersWithTheirLossAndPlayersUnderAPrefix() throws Exception {
        server = MediaServer.start(new MediaConfig("127.0.0.1", 0, -1, List.of("127.0.0.1"), Duration.ofSeconds(30),
                Duration.ofSeconds(10)));
        LocalPublisher publisher = server.publishLocal("app1/room/pub_main", List.of(
                RtpCodec.of(111, "opus", 48_000, 2), RtpCodec.of(96, "VP8", 90_000, 0)))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        String offer = Files.readString(SAMPLES.resolve("chrome-play-recvonly.sdp"), StandardCharsets.UTF_8)
                .replace("\r\n", "\n").replace("\n", "\r\n");
        String player = server.play("app1/room/pub_main", offer).toCompletableFuture().get(5, TimeUnit.SECONDS)
                .sessionId();
        // Audio sequence numbers 1..20 without 5 and 6: 18 received, 2 lost.
        for (int seq = 1; seq <= 20; seq++) {
            if (seq != 5 && seq != 6) {
                assertThat(publisher.send(0, rtp(seq), 0, 112)).isTrue();
            }
        }

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        SessionStats published;
        do {
            published = server.sessionStats("app1/", 10).listed().stream().filter(SessionStats::publisher)
                    .findFirst().orElseThrow();
            Thread.sleep(20);
        } while (published.packets() < 18 && System.nanoTime() < deadline);

        assertThat(published.sessionId()).isEqualTo(publisher.sessionId());
        assertThat(published.streamKey()).isEqualTo("app1/room/pub_main");
        assertThat(published.audio()).isTrue();
        assertThat(published.video()).isTrue();
        assertThat(published.packets()).isEqualTo(18);
        assertThat(published.octets()).isEqualTo(18 * 100);
        assertThat(published.packetsLost()).isEqualTo(2);
        assertThat(published.lossPermille()).isBetween(90, 110);
        assertThat(published.rttMillis()).isEqualTo(-1);

        SessionStats.Page page = server.sessionStats("app1/", 10);
        assertThat(page.sessions()).isEqualTo(2);
        SessionStats played = page.listed().stream().filter(s -> !s.publisher()).findFirst().orElseThrow();
        assertThat(played.sessionId()).isEqualTo(player);
        assertThat(played.bitrateBps()).isEqualTo(-1);
        assertThat(played.rttMillis()).as("no transport-cc feedback yet").isEqualTo(-1);
        assertThat(server.sessionStats("app1/", 1).listed()).hasSize(1);
        assertThat(server.sessionStats("app1/", 0).sessions()).isEqualTo(2);
        assertThat(server.sessionStats("app2/", 10).sessions()).isZero();
    }

    /** An RTP packet (RFC 3550 §5.1) with a 100-byte payload; SSRC and payload type are the track's. */
    private static byte[] rtp(int seq) {
        byte[] packet = new byte[112];
        packet[0] = (byte) 0x80;
        packet[2] = (byte) (seq >> 8);
        packet[3] = (byte) seq;
        int timestamp = seq * 960;
        packet[4] = (byte) (timestamp >> 24);
        packet[5] = (byte) (timestamp >> 16);
        packet[6] = (byte) (timestamp >> 8);
        packet[7] = (byte) timestamp;
        return packet;
    }
}

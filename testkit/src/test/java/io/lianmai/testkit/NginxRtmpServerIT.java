package io.lianmai.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nginx-rtmp as the tests run it: ffmpeg publishes into it, another ffmpeg decodes what it serves, and it stops. */
class NginxRtmpServerIT {
    @TempDir
    Path dir;

    @Test
    void servesWhatIsPublishedAndStopsWhenClosed() throws Exception {
        FfmpegDecoder decoder = FfmpegDecoder.find(dir);
        InetSocketAddress rtmp;
        try (NginxRtmpServer nginx = NginxRtmpServer.start(dir)) {
            String url = nginx.url("check");
            rtmp = new InetSocketAddress("127.0.0.1", Integer.parseInt(url.split("[:/]")[4]));
            Process publisher = new ProcessBuilder(List.of("/usr/bin/ffmpeg", "-hide_banner", "-nostdin", "-re",
                    "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-f", "lavfi", "-i",
                    "sine=frequency=440:sample_rate=44100", "-t", "20", "-c:v", "libx264", "-preset", "veryfast",
                    "-tune", "zerolatency", "-g", "30", "-c:a", "aac", "-f", "flv", url))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("publisher.log").toFile()).start();
            try {
                DecodedMedia decoded = decoder.decodeWhenLive(url, Duration.ofSeconds(2),
                        Duration.ofSeconds(20));
                assertThat(decoded.videoFrames()).isGreaterThan(50);
                assertThat(decoded.dominantFrequency(50, 4000)).isBetween(437.0, 443.0);
                assertThat(nginx.isPublishing("check")).as(nginx.stat()).isTrue();
                assertThat(nginx.isPublishing("other")).isFalse();
            } finally {
                publisher.destroy();
                publisher.waitFor(5, TimeUnit.SECONDS);
            }
        }
        try (Socket socket = new Socket()) {
            socket.connect(rtmp, 1000);
            throw new AssertionError("nginx still listens on " + rtmp);
        } catch (java.io.IOException refused) {
            // closed, as it should be
        }
    }
}

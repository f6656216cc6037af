package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.server.TestServer;
import io.lianmai.testkit.ExternalTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ffmpeg, acting as a live-pusher, publishes RTMP with a UserSig; ffprobe, acting as a live-player, reads the stream
 * back over HTTP-FLV and finds both tracks, and ffmpeg decodes it: 30 fps of frames and the publisher's 440 Hz tone.
 * A wrong UserSig is refused.
 */
class RtmpToFlvIT {
    @TempDir
    Path dir;

    @Test
    void anRtmpPublisherIsPlayableAsHttpFlv() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        Path ffprobe = ExternalTools.require("ffprobe (Debian package ffmpeg)", "/usr/bin/ffprobe");
        try (TestServer server = TestServer.start()) {
            String stream = server.sdkAppId() + "_8080_anchor_main";
            Process publisher = publish(server, ffmpeg, stream, server.userSig("anchor"), 20);
            try {
                String url = server.signedLive(stream + ".flv").toString();
                String probed = "";
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!(probed.contains("h264") && probed.contains("aac")) && System.nanoTime() < deadline) {
                    probed = run(List.of(ffprobe.toString(), "-v", "error", "-rw_timeout", "5000000",
                            "-show_entries", "stream=codec_name", "-of", "csv=p=0", url), 20);
                    if (!probed.contains("h264")) {
                        Thread.sleep(500);
                    }
                }
                assertThat(probed).contains("h264").contains("aac");
                LiveOutput.assertSeenAndHeard(dir, url);
            } finally {
                publisher.destroy();
                publisher.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aWrongUserSigIsRefused() throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        try (TestServer server = TestServer.start()) {
            String stream = server.sdkAppId() + "_8081_mallory_main";
            Process publisher = publish(server, ffmpeg, stream, server.userSig("someone-else"), 5);
            assertThat(publisher.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(publisher.exitValue()).isNotZero();
            assertThat(Files.readString(dir.resolve("ffmpeg.log"))).contains("-100018");
            assertThat(server.server().live().rtmpPort()).isPositive();
        }
    }

    private Process publish(TestServer server, Path ffmpeg, String stream, String userSig, int seconds)
            throws IOException {
        return FfmpegRtmp.publish(ffmpeg, FfmpegRtmp.url(server, stream, userSig), seconds, dir.resolve("ffmpeg.log"));
    }

    private String run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        return FfmpegRtmp.run(command, timeoutSeconds, dir);
    }
}

package io.lianmai.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.auth.UserSigSigner;
import io.lianmai.common.SdkAppId;
import io.lianmai.testkit.ExternalTools;
import io.lianmai.testkit.NetworkNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An RTMP publisher (ffmpeg, in the server's network namespace) enters a room on a deployed server: its AAC is
 * transcoded to Opus with the FFmpeg natives from the server's jars, which must load where the deployment put them
 * (glibc and libstdc++ of the image, a writable natives cache).
 */
final class RtmpProbe {
    private RtmpProbe() {
    }

    /**
     * Publishes 3 s of test video and tone as the first-run app's user, then checks the server's log and that FFmpeg's
     * natives were unpacked into {@code nativesCache}. Without ffmpeg: skipped with a loud line, or fails under CI.
     *
     * @param banner what {@code serve} printed (the default app's SDKAppID and SecretKey)
     */
    static void publishAndCheckFfmpegLoads(NetworkNamespace namespace, String banner, Path log, Path nativesCache)
            throws Exception {
        Optional<Path> ffmpeg = ExternalTools.find("/usr/bin/ffmpeg");
        if (ffmpeg.isEmpty()) {
            if (ExternalTools.isCi()) {
                throw new AssertionError("ffmpeg is not installed — CI must install it (see .ci/run)");
            }
            System.err.println("SKIPPED: FFmpeg natives of the deployed server: ffmpeg (Debian package ffmpeg) is "
                    + "not installed");
            return;
        }
        long sdkAppId = Long.parseLong(field(banner, "SDKAppID"));
        String userSig = new UserSigSigner(new SdkAppId(sdkAppId), field(banner, "SecretKey"), Clock.systemUTC())
                .genUserSig("rtmpuser", 600);
        String stream = sdkAppId + "_4242_rtmpuser_main";
        Process publisher = new ProcessBuilder(namespace.command(ffmpeg.get().toString(), "-hide_banner",
                "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-f", "lavfi",
                "-i", "sine", "-t", "3", "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency",
                "-profile:v", "baseline", "-bf", "0", "-g", "30", "-c:a", "aac", "-f", "flv",
                "rtmp://127.0.0.1:1935/live/" + stream + "?usersig=" + userSig))
                .redirectErrorStream(true).start();
        byte[] output = publisher.getInputStream().readAllBytes();
        if (!publisher.waitFor(60, TimeUnit.SECONDS)) {
            publisher.destroyForcibly();
            throw new AssertionError("ffmpeg did not finish publishing within 60 s");
        }
        assertThat(publisher.exitValue()).as("ffmpeg: " + new String(output)).isZero();

        assertThat(Files.readString(log)).contains("RTMP publisher " + stream + " joined room")
                .doesNotContain("cannot be transcoded").doesNotContain("FFmpeg natives failed");
        try (Stream<Path> files = Files.walk(nativesCache)) {
            List<String> names = files.map(file -> file.getFileName().toString()).toList();
            assertThat(names).as("FFmpeg's natives unpacked to " + nativesCache)
                    .contains("libavcodec.so.61", "libjniavcodec.so");
        }
    }

    private static String field(String text, String name) {
        Matcher matcher = Pattern.compile("(?m)^\\s*" + name + "\\s+(\\S+)").matcher(text);
        assertThat(matcher.find()).as(name + " in the banner").isTrue();
        return matcher.group(1);
    }
}

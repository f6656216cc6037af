package io.lianmai.server.live;

import io.lianmai.server.TestServer;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** ffmpeg as a live-pusher (H.264 baseline + AAC over RTMP, like a mini program's), and ffprobe as a player. */
public final class FfmpegRtmp {
    private FfmpegRtmp() {
    }

    /** The RTMP URL of a CDN stream name, with the publisher's UserSig. */
    public static String url(TestServer server, String stream, String userSig) {
        return "rtmp://127.0.0.1:" + server.server().live().rtmpPort() + "/live/" + stream + "?usersig="
                + URLEncoder.encode(userSig, StandardCharsets.UTF_8);
    }

    /** The publisher's picture: ffmpeg's moving test pattern, 320x240 at 30 fps. */
    public static final String TEST_PATTERN = "testsrc2=size=320x240:rate=30";
    /** The publisher's sound: a {@value LiveOutput#TONE_HZ} Hz sine, which {@link LiveOutput} listens for. */
    public static final String TONE = "sine=frequency=" + LiveOutput.TONE_HZ + ":sample_rate=44100";

    /** Publishes a test pattern and a tone in real time for {@code seconds}; output goes to {@code log}. */
    public static Process publish(Path ffmpeg, String url, int seconds, Path log) throws IOException {
        return publish(ffmpeg, url, seconds, log, TEST_PATTERN, TONE);
    }

    /** Publishes ffmpeg lavfi sources {@code video} and {@code audio} in real time, like {@link #publish}. */
    public static Process publish(Path ffmpeg, String url, int seconds, Path log, String video, String audio)
            throws IOException {
        return new ProcessBuilder(ffmpeg.toString(), "-hide_banner", "-re", "-f", "lavfi", "-i", video,
                "-f", "lavfi", "-i", audio, "-t",
                Integer.toString(seconds), "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency",
                "-profile:v", "baseline", "-bf", "0", "-g", "30", "-c:a", "aac", "-ar", "44100", "-f", "flv", url)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** Runs a command, waiting at most {@code timeoutSeconds}; returns its combined output. */
    public static String run(List<String> command, int timeoutSeconds, Path dir) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "run", ".txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        return Files.readString(out);
    }

    public static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}

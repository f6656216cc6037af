package io.lianmai.server.live;

import io.lianmai.testkit.ExternalTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** ffmpeg and ffprobe as the live tests drive them: a test-pattern publisher and a stream prober. */
final class Ffmpeg {
    final Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
    final Path ffprobe = ExternalTools.require("ffprobe (Debian package ffmpeg)", "/usr/bin/ffprobe");
    private final Path dir;

    Ffmpeg(Path dir) {
        this.dir = dir;
    }

    /**
     * Publishes 320x240 H.264 baseline (keyframe every 30 frames, 30 fps) + AAC of a 440 Hz tone to {@code url} in
     * real time.
     */
    Process publish(String url, int seconds, String logName) throws IOException {
        return FfmpegRtmp.publish(ffmpeg, url, seconds, dir.resolve(logName));
    }

    /** The codec names ffprobe finds in {@code url}, comma-joined, and whatever it printed on error. */
    String probe(String url) throws IOException, InterruptedException {
        return run(List.of(ffprobe.toString(), "-v", "error", "-rw_timeout", "5000000", "-show_entries",
                "stream=codec_name", "-of", "csv=p=0", url), 20);
    }

    /** Probes until both H.264 and AAC are found or 20 s pass; returns the last output. */
    String probeUntilAv(String url) throws IOException, InterruptedException {
        String probed = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!(probed.contains("h264") && probed.contains("aac")) && System.nanoTime() < deadline) {
            probed = probe(url);
            if (!probed.contains("h264")) {
                Thread.sleep(500);
            }
        }
        return probed;
    }

    String run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "tool", ".txt");
        Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return Files.readString(out);
    }

    static void stop(Process process) throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}

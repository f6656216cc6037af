package io.lianmai.bench.flv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The input every server gets: a 30 s 720p30 H.264 (keyframe every 30 frames, constant ~1.4 Mbit/s) + AAC (96 kbit/s)
 * FLV made once by ffmpeg from its test pattern and cached, then pushed in real time in a loop with {@code -c copy}.
 */
final class Clip {
    static final int SECONDS = 30;
    private static final String NAME = "clip-720p30-1500k-g30-" + SECONDS + "s.flv";

    private Clip() {
    }

    /** ffmpeg from PATH or Debian's path, or an explanation of how to get it. */
    static String ffmpeg() {
        for (String candidate : List.of("/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return "ffmpeg";
    }

    /** {@code given} when set, else the cached clip under the temp directory, made first when missing. */
    static Path ensure(Path given, java.io.PrintStream log) throws IOException, InterruptedException {
        if (given != null) {
            if (!Files.isRegularFile(given)) {
                throw new IllegalArgumentException("no clip at " + given);
            }
            return given;
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "lianmai-bench-flv");
        Files.createDirectories(dir);
        Path clip = dir.resolve(NAME);
        if (Files.isRegularFile(clip) && Files.size(clip) > 0) {
            return clip;
        }
        log.println("making the input clip once (" + SECONDS + " s of 720p30 H.264 + AAC): " + clip);
        Path partial = Files.createTempFile(dir, "clip", ".flv");
        List<String> command = new ArrayList<>(List.of(ffmpeg(), "-y", "-hide_banner", "-loglevel", "error",
                "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                "-t", Integer.toString(SECONDS), "-pix_fmt", "yuv420p",
                "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "main", "-bf", "0",
                "-g", "30", "-keyint_min", "30", "-sc_threshold", "0",
                "-b:v", "1400k", "-minrate", "1400k", "-maxrate", "1400k", "-bufsize", "1400k",
                "-x264-params", "nal-hrd=cbr",
                "-c:a", "aac", "-b:a", "96k", "-ar", "44100", "-ac", "2", "-f", "flv", partial.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("clip-ffmpeg.log").toFile()).start();
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            Files.deleteIfExists(partial);
            throw new IllegalStateException("ffmpeg could not make the clip; see " + dir.resolve("clip-ffmpeg.log"));
        }
        Files.move(partial, clip, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return clip;
    }

    /** The clip's average bitrate in Mbit/s (its size over its length as ffprobe reads it), or NaN. */
    static double megabitsPerSecond(Path clip) throws IOException, InterruptedException {
        String ffprobe = ffmpeg().replace("ffmpeg", "ffprobe");
        Process process = new ProcessBuilder(ffprobe, "-v", "error", "-show_entries", "format=duration", "-of",
                "csv=p=0", clip.toString()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes()).trim();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return Double.NaN;
        }
        try {
            return Files.size(clip) * 8.0 / Double.parseDouble(out) / 1e6;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Pushes {@code clip} to {@code rtmpUrl} in real time, looping, without re-encoding. */
    static Process publish(Path clip, String rtmpUrl, Path log) throws IOException {
        return new ProcessBuilder(ffmpeg(), "-hide_banner", "-loglevel", "warning", "-re", "-stream_loop", "-1",
                "-i", clip.toString(), "-c", "copy", "-f", "flv", rtmpUrl)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}

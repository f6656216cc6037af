package io.lianmai.bench.flv;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.bench.load.BenchCommand;
import io.lianmai.testkit.ExternalTools;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code lianmai bench flv} end to end against a Lianmai child server (the server module's jar), with ffmpeg pushing a
 * small clip: every HTTP-FLV or RTMP player gets data, none starves, and the table reports the server's CPU. No CPU
 * figure is asserted (the machine is shared).
 */
class FlvBenchIT {
    private static final Path SERVER_JAR = Path.of("..", "server", "target", "lianmai.jar");
    private static final int PLAYERS = 20;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"flv", "rtmp"})
    void everyPlayerOfTheChildServerGetsDataAndNoneStarves(String protocol) throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg (Debian package ffmpeg)", "/usr/bin/ffmpeg");
        if (!Files.isRegularFile(SERVER_JAR)) {
            ExternalTools.unavailable("FlvBenchIT needs " + SERVER_JAR.toAbsolutePath()
                    + " (build the server module first: ./mvnw -pl server -am package -DskipTests)");
        }
        Path clip = smallClip(ffmpeg);
        StringWriter out = new StringWriter();
        int exit = BenchCommand.commandLine().setOut(new PrintWriter(out)).execute("flv", "--protocol", protocol,
                "--players", Integer.toString(PLAYERS), "--seconds", "3", "--warmup", "1", "--join-rate", "100",
                "--server-jar", SERVER_JAR.toString(), "--clip", clip.toString());

        String report = out.toString();
        String row = report.lines().filter(line -> line.startsWith("lianmai ")).findFirst().orElse("");
        assertThat(row).as("the Lianmai row of:\n" + report).isNotEmpty();
        String[] cells = row.trim().split("\\s+");
        assertThat(cells[1]).as("players playing").isEqualTo(PLAYERS + "/" + PLAYERS);
        assertThat(cells[2]).as("players starved").isEqualTo("0");
        assertThat(Double.parseDouble(cells[4])).as("delivered Mbit/s").isPositive();
        assertThat(cells[5]).as("server CPU, read from its pid").isNotEqualTo("-");
        assertThat(exit).as(report).isZero();
    }

    /** 10 s of 320x240 H.264 (keyframe every 30 frames) + AAC: quick to make, enough to loop. */
    private Path smallClip(Path ffmpeg) throws Exception {
        Path clip = dir.resolve("clip.flv");
        Process process = new ProcessBuilder(List.of(ffmpeg.toString(), "-y", "-hide_banner", "-loglevel", "error",
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=44100", "-t", "10", "-pix_fmt", "yuv420p", "-c:v", "libx264",
                "-preset", "veryfast", "-bf", "0", "-g", "30", "-b:v", "300k", "-c:a", "aac", "-f", "flv",
                clip.toString())).redirectErrorStream(true).redirectOutput(dir.resolve("clip.log").toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("ffmpeg made the clip in time").isTrue();
        assertThat(process.exitValue()).as(Files.readString(dir.resolve("clip.log"))).isZero();
        return clip;
    }
}

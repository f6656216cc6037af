package io.lianmai.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lianmai bench compare} end to end with two Lianmai servers as the "peers" (SRS and Janus are benchmark
 * targets, not CI dependencies): a child server it starts and one already running, the same fan-out against each
 * back to back, a step-up on each, and one table with the ratio of the first to the second; the JSON holds both
 * runs' figures and steps.
 */
class CompareIT {
    private static final Path SERVER_JAR = Path.of("..", "server", "target", "lianmai.jar");

    @TempDir
    Path dir;

    @Test
    void comparesAChildAndARunningServerBackToBackInOneTable() throws Exception {
        assumeTrue(Files.isRegularFile(SERVER_JAR), "the server jar is needed (./mvnw -pl server -am package)");
        Path json = dir.resolve("compare.json");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int exit;
        try (ChildServer running = ChildServer.start(SERVER_JAR, "", List.of())) {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            exit = BenchCommand.commandLine().execute("compare", "fanout", "--subscribers", "3",
                    "--target", "lianmai", "--target", "lianmai=" + running.baseUrl(),
                    "--sdkappid", running.sdkAppId().toString(), "--secret", running.secretKey(),
                    "--pid", Long.toString(running.pid().getAsLong()), "--server-jar", SERVER_JAR.toString(),
                    "--codec", "h264", "--video-bitrate", "500k", "--duration", "2s", "--warmup", "0s",
                    "--ramp", "0s", "--find-max", "--max-load", "4", "--max-steps", "2", "--quiet",
                    "--json", json.toString());
        } finally {
            System.setOut(stdout);
        }
        String table = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(table).isZero();
        assertThat(table).contains("| | lianmai | lianmai-2 | lianmai ÷ lianmai-2 |")
                .contains("| CPU per forwarded packet (µs, lower is better) |")
                .contains("| SRTP profile negotiated | SRTP_AES128_CM_HMAC_SHA1_80 | SRTP_AES128_CM_HMAC_SHA1_80 | "
                        + "same |");

        JsonNode comparison = new ObjectMapper().readTree(json.toFile());
        assertThat(comparison.at("/entries")).hasSize(2);
        for (JsonNode entry : comparison.at("/entries")) {
            assertThat(entry.at("/report/failures")).isEmpty();
            assertThat(entry.at("/report/subscribersWithMedia").asInt()).isEqualTo(3);
            assertThat(entry.at("/figures/cpuMicrosPerForwardedPacket").asDouble()).isPositive();
            assertThat(entry.at("/figures/forwardedPacketsPerSecondPerCore").asDouble()).isPositive();
            assertThat(entry.at("/figures/joinToFirstVideoP50Millis").asDouble()).isPositive();
            assertThat(entry.at("/figures/srtpProfiles").asText()).as("compare fixes AES-CM")
                    .isEqualTo("SRTP_AES128_CM_HMAC_SHA1_80");
            assertThat(entry.at("/steps")).extracting(step -> step.at("/load").asInt()).containsExactly(3, 4);
            assertThat(entry.at("/figures/subscribersPerCore").asDouble()).isPositive();
        }
        assertThat(comparison.at("/entries/0/target").asText()).contains("child server");
        assertThat(comparison.at("/entries/1/target").asText()).contains("existing server");
    }
}

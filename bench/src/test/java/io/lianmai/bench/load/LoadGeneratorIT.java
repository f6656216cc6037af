package io.lianmai.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lianmai bench} end to end against a real server process (the server module's jar, built earlier in the
 * reactor): every subscriber gets media, nothing is lost on a clean loopback, a lossy one shows NACK recoveries,
 * and the server's CPU and memory readings are plausible. No timing is asserted.
 */
class LoadGeneratorIT {
    private static final Path SERVER_JAR = Path.of("..", "server", "target", "lianmai.jar");
    private static ChildServer shared;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        if (!Files.isRegularFile(SERVER_JAR)) {
            System.err.println("LoadGeneratorIT SKIPPED: no " + SERVER_JAR.toAbsolutePath()
                    + " (build the server module first: ./mvnw -pl server -am package -DskipTests)");
        }
        assumeTrue(Files.isRegularFile(SERVER_JAR), "the server jar is needed");
        shared = ChildServer.start(SERVER_JAR, "", List.of());
    }

    @AfterAll
    static void stopServer() {
        if (shared != null) {
            shared.close();
        }
    }

    @Test
    void callAgainstItsOwnChildServerWithAutomaticEgressThreads() throws IOException {
        // media.egressThreads=auto: one lane per core beyond the first (none on a one-core machine).
        JsonNode report = run(List.of("call", "--server-jar", SERVER_JAR.toString(), "--duration", "3s",
                "--warmup", "1s", "--ramp", "0s", "--server-set", "media.egressThreads=auto"));
        assertEveryoneGotMedia(report, 2);
        assertNothingLost(report);
        assertPlausibleServerFigures(report);
    }

    @Test
    void fanoutThroughThreeEgressThreadsReachesEveryoneFromTheOnePort() throws IOException {
        // More lanes than this machine may have cores: players spread over three sockets on the media port, and the
        // kernel spreads their incoming packets (ICE, RTCP) over four; every session still works.
        JsonNode report = run(List.of("fanout", "--subscribers", "9", "--server-jar", SERVER_JAR.toString(),
                "--duration", "3s", "--warmup", "1s", "--ramp", "1s", "--server-set", "media.egressThreads=3"));
        assertEveryoneGotMedia(report, 9);
        assertNothingLost(report);
        assertPlausibleServerFigures(report);
    }

    @Test
    void fanoutOverTwoMediaLoopsToLightPlayersReachesEveryoneAndReportsEachLoop() throws IOException {
        // Players spread evenly over two loops (one gets a mirror of the stream), the child server placed on the CPUs
        // given, and players that only peek at what they receive, half of them not reading after their first packet.
        JsonNode report = run(List.of("fanout", "--subscribers", "8", "--server-jar", SERVER_JAR.toString(),
                "--duration", "3s", "--warmup", "1s", "--ramp", "1s", "--server-set", "media.loops=2",
                "--server-set", "media.loopPlacementSlack=0", "--server-cpus", "0", "--light-players",
                "--measure-every", "2"));
        assertEveryoneGotMedia(report, 8);
        assertNothingLost(report);
        assertThat(report.at("/forwardLatencyMicros/count").asLong()).as("the stamps were decrypted").isPositive();
        assertThat(report.at("/totals/srtpErrors").asLong()).isZero();
        assertThat(report.at("/server/mediaLoopCores").size()).as("both media loops' threads").isEqualTo(2);
        assertThat(report.at("/server/mediaLoopCores/lianmai-media-2").asDouble()).as("the second loop works")
                .isPositive();
        assertThat(report.at("/target").asText()).contains("every 2. player measured");
        assertThat(report.at("/serverForwarded/packetsPerSecond").asDouble())
                .as("8 players are sent about 8 times what the publisher sends, 4 of them measured")
                .isGreaterThan(6 * report.at("/publishersSent/packetsPerSecond").asDouble());
        assertPlausibleServerFigures(report);
    }

    @Test
    void fanoutToFiveLosesNothingOnACleanLoopback() throws IOException {
        JsonNode report = run(withShared("fanout", "--subscribers", "5", "--duration", "3s", "--warmup", "1s",
                "--ramp", "1s"));
        assertEveryoneGotMedia(report, 5);
        assertNothingLost(report);
        assertThat(report.at("/serverForwarded/packetsPerSecond").asDouble())
                .as("5 subscribers receive about 5 times what the publisher sends")
                .isGreaterThan(3 * report.at("/publishersSent/packetsPerSecond").asDouble());
        assertThat(report.at("/forwardLatencyMicros/count").asLong()).isPositive();
        assertPlausibleServerFigures(report);
    }

    @Test
    void simulcastPlayersAreEstimatedAndAllocatedWithBweAndNotWithout() throws IOException {
        JsonNode report = run(withShared("fanout", "--subscribers", "4", "--simulcast", "2", "--duration", "3s",
                "--warmup", "2s", "--ramp", "1s"));
        assertEveryoneGotMedia(report, 4);
        assertNothingLost(report);
        assertThat(report.at("/bwe/offered").asBoolean()).isTrue();
        assertThat(report.at("/bwe/serverStats").isNull()).as(report.at("/bwe/serverStats").asText()).isTrue();
        assertThat(report.at("/bwe/feedbacksSent").asLong()).as("transport-cc feedback").isPositive();
        assertThat(report.at("/bwe/playersEstimated").asInt()).isEqualTo(4);
        assertThat(report.at("/bwe/estimateKbps/count").asInt()).isEqualTo(4);
        assertThat(report.at("/bwe/estimateKbps/min").asDouble()).as("kbit/s").isPositive();
        assertThat(report.at("/perCore/cpuMicrosPerSecondPerSubscriber").asDouble()).isPositive();

        JsonNode without = run(withShared("fanout", "--subscribers", "4", "--simulcast", "2", "--duration", "3s",
                "--warmup", "1s", "--ramp", "1s", "--no-bwe"));
        assertEveryoneGotMedia(without, 4);
        assertThat(without.at("/bwe/offered").asBoolean()).isFalse();
        assertThat(without.at("/bwe/feedbacksSent").asLong()).isZero();
        assertThat(without.at("/bwe/playersEstimated").asInt()).isZero();
        assertThat(without.at("/bwe/paddingPacketsReceived").asLong()).as("no probes without an estimate").isZero();
    }

    @Test
    void fanoutWithLossRecoversVideoByNack() throws IOException {
        JsonNode report = run(withShared("fanout", "--subscribers", "5", "--duration", "4s", "--warmup", "1s",
                "--ramp", "1s", "--loss", "5%"));
        assertEveryoneGotMedia(report, 5);
        assertThat(report.at("/totals/impairmentDrops").asLong()).isPositive();
        assertThat(report.at("/totals/lost").asLong()).as("audio is not repaired").isPositive();
        assertThat(report.at("/totals/nackPackets").asLong()).isPositive();
        assertThat(report.at("/totals/recovered").asLong()).as("lost, NACKed, then received").isPositive();
        assertThat(report.at("/totals/publisherRetransmissions").asLong()).as("RTX for the server's NACKs")
                .isPositive();
        assertThat(report.at("/recoveredLatencyMicros/count").asLong()).isPositive();
    }

    private static List<String> withShared(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", shared.baseUrl().toString(), "--sdkappid", shared.sdkAppId().toString(),
                "--secret", shared.secretKey(), "--pid", Long.toString(shared.pid().getAsLong())));
        return all;
    }

    private JsonNode run(List<String> args) throws IOException {
        Path json = dir.resolve("report.json");
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--json", json.toString(), "--video-bitrate", "500k"));
        int exit = BenchCommand.commandLine().execute(all.toArray(String[]::new));
        assertThat(json).exists();
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertThat(report.at("/failures")).as("failures").isEmpty();
        assertThat(exit).isZero();
        return report;
    }

    private static void assertEveryoneGotMedia(JsonNode report, int subscribers) {
        assertThat(report.at("/subscribers").asInt()).isEqualTo(subscribers);
        assertThat(report.at("/subscribersWithMedia").asInt()).isEqualTo(subscribers);
        assertThat(report.at("/subscriberPacketsPerSecond/min").asDouble()).as("every subscriber receives")
                .isGreaterThan(10);
        assertThat(report.at("/joinToFirstVideoMillis/count").asInt()).isEqualTo(subscribers);
    }

    private static void assertNothingLost(JsonNode report) {
        // ≈ 0: a clean loopback loses nothing, but a busy CI machine may overflow a socket buffer now and then.
        long expected = report.at("/totals/expected").asLong();
        assertThat(expected).isPositive();
        assertThat(report.at("/totals/lost").asLong()).isLessThanOrEqualTo(expected / 100);
    }

    private static void assertPlausibleServerFigures(JsonNode report) {
        assertThat(report.at("/server/pid").asLong()).isPositive();
        assertThat(report.at("/server/cpuSeconds").asDouble()).isPositive();
        assertThat(report.at("/server/rssMb").asDouble()).isBetween(30.0, 8192.0);
        assertThat(report.at("/server/hwmMb").asDouble())
                .isGreaterThanOrEqualTo(report.at("/server/rssMb").asDouble());
        assertThat(report.at("/server/threads").asInt()).isPositive();
        assertThat(report.at("/perCore/cpuMicrosPerForwardedPacket").asDouble()).isPositive();
    }
}

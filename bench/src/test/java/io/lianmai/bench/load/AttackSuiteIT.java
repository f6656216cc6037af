package io.lianmai.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code lianmai bench attack --short} against a real server process (the server module's jar, built earlier in the
 * reactor): every attack at a tenth of its count, a few seconds each, while a 1:1 call runs. One dynamic test per
 * attack asserts its criteria: its own expectation, the call's frame rate and added p99 latency, and the server's
 * peak threads, file descriptors and RSS. The whole run takes about two and a half minutes.
 */
class AttackSuiteIT {
    private static final Path SERVER_JAR = Path.of("..", "server", "target", "lianmai.jar");
    private static JsonNode report;
    private static int exitCode;

    @BeforeAll
    static void runTheSuite() throws IOException {
        if (!Files.isRegularFile(SERVER_JAR)) {
            System.err.println("AttackSuiteIT SKIPPED: no " + SERVER_JAR.toAbsolutePath()
                    + " (build the server module first: ./mvnw -pl server -am package -DskipTests)");
        }
        assumeTrue(Files.isRegularFile(SERVER_JAR), "the server jar is needed");
        Path json = Files.createTempFile("attack-suite", ".json");
        // The short flood sends 300 POSTs: a per-user cap of 20 keeps "at most 10 % accepted" meaningful at that
        // scale, as the default 100 does for the full 5,000.
        exitCode = BenchCommand.commandLine().execute("attack", "--short", "--baseline", "3s",
                "--server-jar", SERVER_JAR.toString(), "--json", json.toString(),
                "--server-set", "limits.maxSessionsPerUser=20");
        report = new ObjectMapper().readTree(json.toFile());
        Files.deleteIfExists(json);
    }

    @Test
    void everyAttackRanAndSentSomethingAndTheExitStatusSaysWhetherAllPassed() {
        List<String> names = new ArrayList<>();
        report.get("attacks").forEach(a -> names.add(a.get("name").asText()));
        assertThat(names).containsExactlyElementsOf(AttackSuite.all().stream().map(Attack::name).toList());
        report.get("attacks").forEach(a -> assertThat(a.get("sent").asLong()).as(a.get("name").asText() + " sent")
                .isPositive());
        assertThat(report.at("/baseline/framesPerSecond").asDouble()).as("the call's baseline frame rate")
                .isGreaterThan(20);
        boolean allPassed = true;
        for (JsonNode a : report.get("attacks")) {
            allPassed &= a.get("pass").asBoolean();
        }
        assertThat(exitCode).isEqualTo(allPassed ? 0 : 1);
    }

    @TestFactory
    Stream<DynamicTest> eachAttackMeetsEveryCriterion() {
        Map<String, JsonNode> byName = new HashMap<>();
        report.get("attacks").forEach(a -> byName.put(a.get("name").asText(), a));
        return AttackSuite.all().stream().map(Attack::name).map(name -> DynamicTest.dynamicTest(name, () -> {
            JsonNode a = byName.get(name);
            assertThat(a).as(name + " ran").isNotNull();
            String what = name + " (" + a.get("detail").asText() + "; outcomes " + a.get("outcomes") + ")";
            assertThat(a.get("expectationStatus").asText()).as("%s", "expectation of " + what).isEqualTo("PASS");
            assertThat(a.get("callOk").asBoolean()).as("%s", "the call kept ≥ 90 % of its frame rate during "
                    + name + ": " + a.get("framePercent").asDouble() + " %").isTrue();
            assertThat(a.get("latencyOk").asBoolean()).as("%s", "the call's p99 rose < 50 ms during " + name
                    + ": +" + a.get("addedP99Millis").asDouble() + " ms").isTrue();
            assertThat(a.get("threadsOk").asBoolean()).as("%s", "server threads during " + name + ": "
                    + a.get("maxThreads").asInt()).isTrue();
            assertThat(a.get("fdsOk").asBoolean()).as("%s", "server fds during " + name + ": "
                    + a.get("maxFds").asInt()).isTrue();
            assertThat(a.get("rssOk").asBoolean()).as("%s", "server RSS during " + name + ": "
                    + a.get("maxRssMb").asDouble() + " MB").isTrue();
        }));
    }
}

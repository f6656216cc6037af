package io.lianmai.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.ExternalTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the SDK's Node check scripts ({@code sdk/test/check-*.js}: one line per problem, then {@code ok}) and
 * asserts that it passed. Node is required (skips loudly without it; CI installs it).
 */
final class NodeScript {
    private static final long TIMEOUT_SECONDS = 120;

    private NodeScript() {
    }

    static Path node() {
        return ExternalTools.require("Node.js (Debian package nodejs)", "/usr/bin/node", "/usr/local/bin/node",
                "/usr/bin/nodejs");
    }

    /** Runs {@code node <script> <args…>} and asserts it finished in time, exited 0 and said ok. */
    static void assertPasses(Path node, Path script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(node.toString(), script.toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("node-check", ".txt");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            boolean finished = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!finished) {
                process.destroyForcibly();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(finished).as("the check finished within " + TIMEOUT_SECONDS + " s: " + output).isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).contains("ok");
        } finally {
            Files.deleteIfExists(log);
        }
    }
}

package io.lianmai.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.auth.UserSigSigner;
import io.lianmai.common.SdkAppId;
import io.lianmai.server.signal.SignalClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code lianmai.jar} run as its own process, as {@code ./lianmai} runs it: {@code serve} prints the
 * default app and the URL, {@code /healthz} answers, other commands share the running server's database, and
 * SIGTERM stops it cleanly.
 */
class FatJarIT {
    private static final Duration START_DEADLINE = Duration.ofSeconds(60);
    private static final Path JAR = Path.of("target", "lianmai.jar").toAbsolutePath();

    @TempDir
    Path workingDirectory;

    @Test
    void serveFirstRunPrintsTheDefaultAppAndAnswersHealth() throws Exception {
        assertThat(JAR).as("the shaded jar is built in the package phase").exists();
        Process server = serve();
        try {
            List<String> banner = readUntil(server, "Press Ctrl-C to stop.");
            String text = String.join("\n", banner);
            assertThat(text).contains("First run: created the default app").contains("SDKAppID   1400000000");
            assertThat(value(text, "SecretKey")).matches("[0-9a-f]{64}");
            assertThat(text).contains("#sdkAppID=1400000000&secretKey=" + value(text, "SecretKey"));
            String url = value(text, "URL");
            assertThat(url).matches("http://localhost:\\d+/");

            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url + "healthz")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"ok\"");
            // The shaded jar carries Netty's epoll natives, and Vert.x uses them (Linux x86-64, what we ship for).
            assertThat(Files.readString(workingDirectory.resolve("serve.log")))
                    .contains("HTTP on the native transport (epoll)");

            // While the server holds the embedded database, the CLI can still add and list apps.
            Result created = run("app", "create", "--name", "Side app");
            assertThat(created.status).as(created.err).isZero();
            assertThat(created.out).contains("SDKAppID   1400000001");
            Result listed = run("app", "list");
            assertThat(listed.out).contains("Default app").contains("Side app");
        } finally {
            server.destroy();
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("server stops on SIGTERM").isTrue();
        }

        Process again = serve();
        try {
            String text = String.join("\n", readUntil(again, "Press Ctrl-C to stop."));
            assertThat(text).doesNotContain("First run").contains("Apps       2");
        } finally {
            again.destroy();
            again.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** Issue 12: a key that was printed must be in the database, even if the process dies the next instant. */
    @Test
    void theDefaultAppSurvivesKillNineRightAfterItsKeyIsPrinted() throws Exception {
        Process server = serve();
        String key;
        try {
            key = value(String.join("\n", readUntil(server, "SecretKey")), "SecretKey");
        } finally {
            server.destroyForcibly();
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("SIGKILL ends the server").isTrue();
        }

        Result listed = run("app", "list", "--show-keys");

        assertThat(listed.status).as(listed.err).isZero();
        assertThat(listed.out).contains("1400000000").contains(key);
    }

    /** A rotation (or an app) made by the CLI through the running server survives that server's kill -9. */
    @Test
    void aRotationPrintedByTheCliSurvivesKillNineOfTheServer() throws Exception {
        Process server = serve();
        String rotatedKey;
        String createdKey;
        try {
            readUntil(server, "Press Ctrl-C to stop.");
            Result created = run("app", "create", "--name", "Made before the kill");
            assertThat(created.status).as(created.err).isZero();
            createdKey = value(created.out, "SecretKey");
            // The last write before the kill: the server holds it, the CLI has printed it and exited.
            Result rotated = run("app", "rotate-key", "--sdkappid", "1400000000", "--grace", "0");
            assertThat(rotated.status).as(rotated.err).isZero();
            rotatedKey = value(rotated.out, "SecretKey");
        } finally {
            server.destroyForcibly();
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("SIGKILL ends the server").isTrue();
        }

        Result listed = run("app", "list", "--show-keys");

        assertThat(listed.status).as(listed.err).isZero();
        assertThat(listed.out).contains(rotatedKey).contains("Made before the kill").contains(createdKey);
    }

    /**
     * SIGTERM: a signalling member is told {@code serverShutdown} and its socket closed with 1001 before the process
     * exits (143, as Java exits on SIGTERM) and the log's last line says the server stopped.
     */
    @Test
    void sigtermTellsMembersWhyAndStopsCleanly() throws Exception {
        Process server = serve();
        List<String> banner = readUntil(server, "Press Ctrl-C to stop.");
        String text = String.join("\n", banner);
        String url = value(text, "URL");
        long sdkAppId = Long.parseLong(value(text, "SDKAppID"));
        UserSigSigner signer = new UserSigSigner(new SdkAppId(sdkAppId), value(text, "SecretKey"), Clock.systemUTC());
        try (SignalClient member = SignalClient.connect(URI.create(url.replace("http://", "ws://") + "ws"))) {
            member.ok("enter", SignalClient.data().put("sdkAppID", sdkAppId).put("userID", "alice")
                    .put("userSig", signer.genUserSig("alice", 600)).put("strRoomID", "shutdown-room"));

            long sent = System.nanoTime();
            server.destroy();

            JsonNode notice = member.awaitEvent("serverShutdown", any -> true);
            assertThat(notice.path("reason").asText()).isEqualTo("server-shutdown");
            assertThat(notice.path("message").asText()).contains("shutting down");
            assertThat(member.awaitClose()).as("close code: going away").isEqualTo(1001);
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("the server exits within 20 s").isTrue();
            assertThat(server.exitValue()).as("exit status after SIGTERM").isIn(0, 143);
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(20));
        } finally {
            server.destroyForcibly();
        }
        List<String> log = Files.readAllLines(workingDirectory.resolve("serve.log")).stream()
                .filter(line -> !line.isBlank()).toList();
        assertThat(log).as("server log").isNotEmpty();
        assertThat(log.get(log.size() - 1)).as("last log line").contains("LianmaiServer").contains("stopped");
    }

    @Test
    void wrongFlagsExitTwoWithUsage() throws Exception {
        Result result = run("serve", "--no-such-flag");

        assertThat(result.status).isEqualTo(2);
        assertThat(result.err).contains("Unknown option: '--no-such-flag'").contains("Usage: lianmai serve");
    }

    private Process serve() throws IOException {
        return lianmai("serve", "--http-host", "127.0.0.1", "--http-port", "0", "--media-port", "0",
                "--public-ip", "127.0.0.1", "--set", "media.host=127.0.0.1", "--set", "rtmp.port=0")
                .redirectError(ProcessBuilder.Redirect.appendTo(workingDirectory.resolve("serve.log").toFile()))
                .start();
    }

    private ProcessBuilder lianmai(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(JAR.toString());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(workingDirectory.toFile());
    }

    private Result run(String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(workingDirectory, "out", ".txt");
        Path err = Files.createTempFile(workingDirectory, "err", ".txt");
        Process process = lianmai(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("lianmai " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Reads standard output until {@code last} appears, within the start deadline. */
    private List<String> readUntil(Process process, String last) throws Exception {
        List<String> lines = new ArrayList<>();
        Instant deadline = Instant.now().plus(START_DEADLINE);
        BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        while (Instant.now().isBefore(deadline)) {
            if (reader.ready()) {
                String line = reader.readLine();
                if (line == null) {
                    break;
                }
                lines.add(line);
                if (line.contains(last)) {
                    return lines;
                }
            } else if (!process.isAlive()) {
                break;
            } else {
                Thread.sleep(50);
            }
        }
        String errors = Files.readString(workingDirectory.resolve("serve.log"));
        throw new AssertionError("no '" + last + "' from lianmai serve; output: " + lines + "; errors: " + errors);
    }

    private static String value(String text, String label) {
        Matcher matcher = Pattern.compile(label + "\\s+(\\S+)").matcher(text);
        assertThat(matcher.find()).as(label + " in " + text).isTrue();
        return matcher.group(1);
    }

    private record Result(int status, String out, String err) {
    }
}

package io.lianmai.server.callback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The test receiver of callbacks: {@code callbacks/receiver.py} run by {@code /usr/bin/python3} as a process of its
 * own, which logs every request it gets (see the script for its modes). It can be stopped and started again on the
 * same port and log, as a receiver that restarts.
 */
final class CallbackReceiver implements AutoCloseable {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path script;
    private final Path log;
    private final int port;
    private final String mode;
    private final double slowSeconds;
    private Process process;

    private CallbackReceiver(Path dir, String mode, double slowSeconds) throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), "SKIPPED: /usr/bin/python3 is missing: the callback "
                + "receiver cannot run");
        this.script = dir.resolve("receiver.py");
        try (InputStream in = CallbackReceiver.class.getResourceAsStream("/callbacks/receiver.py")) {
            Files.copy(in, script);
        }
        this.log = dir.resolve("received.jsonl");
        Files.writeString(log, "");
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            this.port = socket.getLocalPort();
        }
        this.mode = mode;
        this.slowSeconds = slowSeconds;
    }

    /** Starts a receiver in {@code mode} ("ok" or "flaky") that answers slow ones after {@code slowSeconds}. */
    static CallbackReceiver start(Path dir, String mode, double slowSeconds) throws IOException {
        CallbackReceiver receiver = new CallbackReceiver(dir, mode, slowSeconds);
        receiver.restart();
        return receiver;
    }

    String url() {
        return "http://127.0.0.1:" + port + "/trtc/callback";
    }

    /** Starts the process (again), waiting until it listens. */
    void restart() throws IOException {
        process = new ProcessBuilder(PYTHON.toString(), script.toString(), Integer.toString(port), log.toString(), mode,
                Double.toString(slowSeconds)).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        if (!"listening".equals(first)) {
            process.destroyForcibly();
            throw new IllegalStateException("the receiver did not start: " + first);
        }
    }

    /** Kills the process at once (SIGKILL): requests in flight get no answer. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
    }

    /** Every request logged so far, in order of arrival. */
    List<JsonNode> requests() {
        try {
            List<JsonNode> requests = new ArrayList<>();
            for (String line : Files.readAllLines(log)) {
                if (!line.isBlank()) {
                    requests.add(JSON.readTree(line));
                }
            }
            return requests;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            kill();
        }
    }
}

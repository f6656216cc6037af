package io.lianmai.server.callback;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Lianmai server in a JVM of its own ({@code io.lianmai.server.Main serve} on the test classpath), so that a test
 * can kill it with SIGKILL (kill -9) as a crash would, and start another on the same data directory.
 */
public final class ChildServer implements AutoCloseable {
    private static final Duration START_DEADLINE = Duration.ofSeconds(60);

    private final Process process;
    private final int httpPort;

    private ChildServer(Process process, int httpPort) {
        this.process = process;
        this.httpPort = httpPort;
    }

    /** Starts a server on {@code dataDir} with {@code settings} on top of loopback defaults; waits for /healthz. */
    public static ChildServer start(Path dataDir, Path log, Map<String, String> settings) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        // Surefire and Failsafe start tests from a manifest-only jar; this property holds the real classpath.
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", classpath, "io.lianmai.server.Main",
                "serve", "--data-dir", dataDir.toString(),
                "--set", "http.host=127.0.0.1", "--set", "http.port=" + port,
                "--set", "media.host=127.0.0.1", "--set", "media.udpPort=0", "--set", "media.tcpPort=0",
                "--set", "media.publicIp=127.0.0.1", "--set", "rtmp.host=127.0.0.1", "--set", "rtmp.port=0"));
        settings.forEach((key, value) -> {
            command.add("--set");
            command.add(key + "=" + value);
        });
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        ChildServer child = new ChildServer(process, port);
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + ":\n"
                        + Files.readString(log));
            }
            try {
                HttpResponse<Void> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/healthz")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (health.statusCode() == 200) {
                    return child;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("the server did not answer /healthz within " + START_DEADLINE
                        + ":\n" + Files.readString(log));
            }
            Thread.sleep(200);
        }
    }

    /** The HTTP port it listens on (127.0.0.1). */
    public int httpPort() {
        return httpPort;
    }

    public URI signalling() {
        return URI.create("ws://127.0.0.1:" + httpPort + "/ws");
    }

    /** SIGKILL: no shutdown hook, nothing flushed. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the server survived SIGKILL for 10 s");
        }
    }

    /** SIGTERM: the orderly shutdown (members leave, their callbacks are written). */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill9();
        }
    }
}

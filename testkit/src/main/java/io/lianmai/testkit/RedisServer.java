package io.lianmai.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's package redis-server) as the test's own process on a loopback port, with no
 * persistence: for cluster mode's tests. It can be stopped and started again on the same port (a Redis outage).
 */
public final class RedisServer implements AutoCloseable {
    private final Path binary;
    private final Path home;
    private final int port;
    private Process process;

    private RedisServer(Path binary, Path home, int port) {
        this.binary = binary;
        this.home = home;
        this.port = port;
    }

    /**
     * Starts redis-server on a free loopback port and waits (at most 10 s) until it answers; skips the test loudly,
     * or fails it under CI, when it is not installed.
     */
    public static RedisServer start(Path dir) throws IOException, InterruptedException {
        Path binary = ExternalTools.require("Redis (Debian package redis-server)", "/usr/bin/redis-server");
        Path home = Files.createDirectories(dir.resolve("redis"));
        RedisServer server = new RedisServer(binary, home, ServerProcesses.freePort());
        server.startAgain();
        return server;
    }

    /** Starts the server (again) on its port, empty. */
    public void startAgain() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("redis-server is running");
        }
        process = new ProcessBuilder(binary.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", home.toString(), "--protected-mode", "yes")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("redis-server exited with " + process.exitValue() + ": "
                        + Files.readString(log()));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                probe.getOutputStream().write("PING\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                byte[] answer = new byte[7];
                if (probe.getInputStream().readNBytes(answer, 0, 7) == 7
                        && new String(answer, java.nio.charset.StandardCharsets.US_ASCII).equals("+PONG\r\n")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        close();
        throw new AssertionError("redis-server did not answer on 127.0.0.1:" + port + " within 10 s");
    }

    private Path log() {
        return home.resolve("redis.log");
    }

    /** {@code redis://127.0.0.1:port}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Sends one command with redis-cli semantics over a plain socket and returns the raw RESP reply. */
    public String command(String... words) throws IOException {
        StringBuilder request = new StringBuilder("*").append(words.length).append("\r\n");
        for (String word : words) {
            request.append('$').append(word.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).append("\r\n")
                    .append(word).append("\r\n");
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write(request.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Stops the server (SIGTERM; SIGKILL after 5 s): clients see it gone. */
    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            ServerProcesses.stop(process);
        }
    }
}

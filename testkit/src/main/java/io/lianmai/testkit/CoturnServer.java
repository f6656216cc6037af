package io.lianmai.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Debian's coturn ({@code /usr/bin/turnserver}, package {@code coturn}) as a TURN server on loopback, configured as
 * a deployment next to Lianmai would be: TURN REST credentials ({@code use-auth-secret} with a
 * {@code static-auth-secret} shared with Lianmai), so it accepts exactly the credentials Lianmai signs and refuses
 * anything else. It relays to loopback peers ({@code allow-loopback-peers}: the test's Lianmai) from relay ports on
 * 127.0.0.1. Each instance is a process of the test's own with its files in the test's folder.
 */
public final class CoturnServer implements AutoCloseable {
    private static final int RELAY_PORTS = 100;
    private final Process process;
    private final int port;
    private final Path log;

    private CoturnServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts coturn with {@code secret} and waits (at most 10 s) until it listens; skips the test loudly, or fails
     * it under CI, when coturn is not installed.
     */
    public static CoturnServer start(Path dir, String secret) throws IOException, InterruptedException {
        Path turnserver = ExternalTools.require("coturn (Debian package coturn)", "/usr/bin/turnserver");
        Path home = Files.createDirectories(dir.resolve("coturn"));
        int port = ServerProcesses.freePort();
        int minRelayPort = 20_000 + ThreadLocalRandom.current().nextInt(20_000);
        Path log = home.resolve("turnserver.log");
        Process process = new ProcessBuilder(turnserver.toString(), "-n",
                "--listening-ip=127.0.0.1", "--listening-port=" + port, "--relay-ip=127.0.0.1",
                "--min-port=" + minRelayPort, "--max-port=" + (minRelayPort + RELAY_PORTS - 1),
                "--use-auth-secret", "--static-auth-secret=" + secret, "--realm=lianmai.test",
                "--allow-loopback-peers", "--no-tls", "--no-dtls", "--no-cli", "--fingerprint",
                "--userdb=" + home.resolve("turndb"), "--pidfile=" + home.resolve("turnserver.pid"),
                "--log-file=stdout", "--simple-log", "--verbose")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        CoturnServer server = new CoturnServer(process, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("coturn exited with " + process.exitValue() + ": " + server.log());
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                return server;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        server.close();
        throw new AssertionError("coturn did not listen on 127.0.0.1:" + port + " within 10 s: " + server.log());
    }

    /** The server's URL for clients, over UDP. */
    public String udpUrl() {
        return "turn:127.0.0.1:" + port + "?transport=udp";
    }

    /** The server's URL for clients, over TCP (a client whose network lets only TCP out). */
    public String tcpUrl() {
        return "turn:127.0.0.1:" + port + "?transport=tcp";
    }

    /** What coturn logged so far: allocations, with the username they were made with, and refusals. */
    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Stops coturn (SIGTERM) and waits for it, at most 5 s before killing it. */
    @Override
    public void close() throws InterruptedException {
        ServerProcesses.stop(process);
    }
}

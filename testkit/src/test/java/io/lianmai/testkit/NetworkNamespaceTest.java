package io.lianmai.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A test's own network namespace (needs root; skipped loudly without): a process inside has loopback and its end of
 * the veth pair only, TCP crosses both ways through the bridge, and nothing is left behind — after close, or after a
 * JVM that was killed.
 */
class NetworkNamespaceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void insideAreLoopbackAndTheVethEndOnBenchmarkingAddresses() throws Exception {
        try (NetworkNamespace network = NetworkNamespace.create("test")) {
            assertThat(network.hostAddress()).matches("198\\.1[89]\\.\\d+\\.\\d+");
            int host = NetworkNamespace.toInt(network.hostAddress());
            assertThat(NetworkNamespace.toInt(network.address())).isEqualTo(host + 1);
            assertThat(host & 3).as("the first host of its /30").isEqualTo(1);

            String inside = run(network.command("ip", "-4", "-o", "addr", "show"));
            assertThat(addresses(inside)).containsExactlyInAnyOrder("127.0.0.1/8", network.address() + "/30");
            assertThat(run(List.of("ip", "-4", "-o", "addr", "show"))).contains(network.hostAddress() + "/30");
            assertThat(run(network.command("ip", "route", "get", "192.0.2.1")))
                    .as("nothing beyond the /30 has a way out").contains("dev lo");
        }
    }

    @Test
    void tcpCrossesIntoTheNamespaceAndOut() throws Exception {
        try (NetworkNamespace network = NetworkNamespace.create("test");
                ServerSocket here = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread answer = new Thread(() -> {
                try (Socket accepted = here.accept()) {
                    accepted.getOutputStream().write("from the host".getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // The test fails on what the client did not read.
                }
            });
            answer.setDaemon(true);
            answer.start();
            network.exposeHostPort(here.getLocalPort());
            assertThat(run(network.command("/usr/bin/python3", "-c", "import socket; s = socket.create_connection("
                    + "('127.0.0.1', " + here.getLocalPort() + "), 5); s.settimeout(5); print(s.recv(100).decode())")))
                    .contains("from the host");

            int port;
            try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = free.getLocalPort();
            }
            Process server = new ProcessBuilder(network.command("/usr/bin/python3", "-c", "import socket;"
                    + " l = socket.create_server(('127.0.0.1', " + port + ")); l.settimeout(10);"
                    + " print('up', flush=True);"
                    + " c, _ = l.accept(); c.sendall(b'from the namespace'); c.close()")).start();
            try {
                assertThat(new String(server.getInputStream().readNBytes(3), StandardCharsets.UTF_8)).isEqualTo("up\n");
                network.reachNamespacePort(port);
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    socket.setSoTimeout((int) WAIT.toMillis());
                    assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                            .isEqualTo("from the namespace");
                }
            } finally {
                server.destroyForcibly();
            }
        }
    }

    @Test
    void closeDeletesTheNamespaceItsVethAndItsProcesses() throws Exception {
        NetworkNamespace network = NetworkNamespace.create("test");
        Process sleeper = new ProcessBuilder(network.command("sleep", "60")).start();

        network.close();

        assertThat(sleeper.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the process inside ended").isTrue();
        assertThat(run(List.of("ip", "netns", "list"))).doesNotContain(network.name());
        assertThat(run(List.of("ip", "-4", "-o", "addr", "show"))).doesNotContain(network.hostAddress() + "/");
    }

    @Test
    void aNamespaceLeftByAKilledJvmIsDeletedByTheNextCreate() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
        String leftover = "lm-test-" + gone.pid() + "-abcdef";
        run(List.of("ip", "netns", "add", leftover));
        try {
            try (NetworkNamespace network = NetworkNamespace.create("test")) {
                assertThat(run(List.of("ip", "netns", "list"))).doesNotContain(leftover).contains(network.name());
            }
        } finally {
            new ProcessBuilder("ip", "netns", "del", leftover).start().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static List<String> addresses(String ipAddrShow) {
        List<String> addresses = new ArrayList<>();
        for (String line : ipAddrShow.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            for (int i = 0; i + 1 < fields.length; i++) {
                if (fields[i].equals("inet")) {
                    addresses.add(fields[i + 1]);
                }
            }
        }
        return addresses;
    }

    /** Runs {@code command} with a deadline and returns its standard output (and error). */
    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream stdin = process.getOutputStream(); InputStream out = process.getInputStream()) {
            if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish within " + WAIT);
            }
            return new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

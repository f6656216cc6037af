package io.lianmai.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

/** What the peer servers a test runs as its own processes (nginx-rtmp, coturn) share: ports and stopping. */
final class ServerProcesses {
    private ServerProcesses() {
    }

    /** A TCP port free on loopback now (the server started next takes it). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Stops {@code process} with SIGTERM and waits for it, at most 5 s before killing it (and 5 s more). */
    static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}

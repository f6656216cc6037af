package io.lianmai.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.media.ice.ConnectivityCheck;
import io.lianmai.media.ice.IceRole;
import io.lianmai.media.ice.MessageIntegrity;
import io.lianmai.media.ice.StunMessageWriter;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * ICE-TCP (RFC 6544) connections to the media port with real sockets: a connection must send a valid framed
 * check in time, garbage is closed, one address holds a bounded number of connections, and a connection that did
 * bind to a session stays.
 */
@Timeout(60)
class IceTcpLimitsIT {
    private MediaServer server;

    private void start(Duration handshakeTimeout, int perIp) {
        start(handshakeTimeout, perIp, 1);
    }

    private void start(Duration handshakeTimeout, int perIp, int loops) {
        server = MediaServer.start(new MediaConfig("127.0.0.1", 0, 0, List.of("127.0.0.1"), Duration.ofSeconds(30),
                Duration.ofSeconds(20)).withLimits(MediaLimits.DEFAULT.withTcp(handshakeTimeout, perIp))
                .withLoops(loops));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aSilentConnectionIsClosedAfterTheHandshakeTimeout() throws Exception {
        start(Duration.ofSeconds(1), 50);
        try (Socket silent = connect()) {
            long started = System.nanoTime();
            assertThat(readUntilClosed(silent, 5_000)).as("closed by the server").isTrue();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(millis).isBetween(700L, 3_000L);
        }
        assertThat(awaitStats().tcpHandshakeTimeouts()).isEqualTo(1);
    }

    @Test
    void garbageFramingIsClosedAtOnce() throws Exception {
        start(Duration.ofSeconds(10), 50);
        try (Socket http = connect()) {
            http.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readUntilClosed(http, 2_000)).as("an HTTP request (frame length 0x4745)").isTrue();
        }
        try (Socket empty = connect()) {
            empty.getOutputStream().write(new byte[] {0, 0});
            assertThat(readUntilClosed(empty, 2_000)).as("a zero-length frame").isTrue();
        }
        try (Socket notStun = connect()) {
            byte[] frame = new byte[2 + 100];
            frame[1] = 100;
            frame[2] = (byte) 0x80;
            notStun.getOutputStream().write(frame);
            assertThat(readUntilClosed(notStun, 2_000)).as("a first frame that is not a check").isTrue();
        }
        assertThat(awaitStats().tcpConnections()).isZero();
    }

    @Test
    void oneAddressHoldsAtMostItsShareOfConnections() throws Exception {
        start(Duration.ofSeconds(10), 3);
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                sockets.add(connect());
            }
            awaitOpen(3);
            try (Socket fourth = connect()) {
                assertThat(readUntilClosed(fourth, 2_000)).as("the 4th connection from 127.0.0.1").isTrue();
            }
            for (Socket socket : sockets) {
                assertThat(readUntilClosed(socket, 200)).as("the first three stay").isFalse();
            }
            assertThat(server.stats().refusedTcpConnections()).isEqualTo(1);

            sockets.remove(0).close();
            awaitOpen(2);
            Socket again = connect();
            sockets.add(again);
            assertThat(readUntilClosed(again, 300)).as("a place freed by a close is taken again").isFalse();
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void aConnectionBoundToASessionByAValidCheckStays() throws Exception {
        start(Duration.ofSeconds(1), 50);
        try (RawPeer peer = new RawPeer(server.udpPort()); Socket tcp = connect()) {
            MediaPlane.MediaSession session = server.publish("app/tcp/alice_main", peer.offer(true))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            peer.useAnswer(session.answerSdp());
            assertThat(session.answerSdp()).contains("tcptype passive");

            assertThat(exchangeCheck(tcp, peer)).as("a framed success response").isTrue();
            Thread.sleep(2_000);
            assertThat(exchangeCheck(tcp, peer)).as("still open past the handshake timeout").isTrue();

            assertThat(server.end(session.sessionId())).isTrue();
            assertThat(readUntilClosed(tcp, 3_000)).as("closed when its session ends").isTrue();
        }
    }

    @Test
    void aConnectionToASessionOfAnotherLoopIsServedThereAndClosedWithIt() throws Exception {
        start(Duration.ofSeconds(1), 50, 2);
        try (RawPeer first = new RawPeer(server.udpPort()); RawPeer second = new RawPeer(server.udpPort());
                Socket tcp = connect()) {
            server.publish("app/tcp/first_main", first.offer(true)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            // Loop 0 holds a session now: the next one goes to loop 1, while ICE-TCP is accepted by loop 0.
            MediaPlane.MediaSession session = server.publish("app/tcp/second_main", second.offer(true))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            second.useAnswer(session.answerSdp());

            assertThat(exchangeCheck(tcp, second)).as("answered by the session's loop").isTrue();
            Thread.sleep(2_000);
            assertThat(exchangeCheck(tcp, second)).as("still open past the handshake timeout").isTrue();
            assertThat(server.stats().handedOver()).isPositive();

            // The right username fragment with a key that is not the session's: the owning loop refuses it.
            byte[] check = new byte[512];
            int len = StunMessageWriter.writeBindingRequest(check, 0, new ConnectivityCheck(
                    ConnectivityCheck.randomTransactionId(new java.security.SecureRandom()),
                    second.serverIce().ufrag() + ":" + second.localIce().ufrag(), 1, IceRole.CONTROLLING, 42, true),
                    MessageIntegrity.forPassword("not-the-session-password-at-all"));
            try (Socket forged = connect()) {
                OutputStream out = forged.getOutputStream();
                out.write(new byte[] {(byte) (len >> 8), (byte) len});
                out.write(check, 0, len);
                assertThat(readUntilClosed(forged, 800)).as("a forged check closes its connection at once")
                        .isTrue();
            }

            assertThat(server.end(session.sessionId())).isTrue();
            assertThat(readUntilClosed(tcp, 3_000)).as("closed when its session ends").isTrue();
        }
    }

    private boolean exchangeCheck(Socket tcp, RawPeer peer) throws IOException {
        byte[] check = peer.check(true);
        OutputStream out = tcp.getOutputStream();
        out.write(new byte[] {(byte) (check.length >> 8), (byte) check.length});
        out.write(check);
        tcp.setSoTimeout(3_000);
        DataInputStream in = new DataInputStream(tcp.getInputStream());
        int length = in.readUnsignedShort();
        byte[] response = new byte[length];
        in.readFully(response);
        return response[0] == 0x01 && response[1] == 0x01;
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.tcpPort());
        socket.setSoTimeout(100);
        return socket;
    }

    /** Whether the server closed the connection (EOF or reset) within {@code millis}. */
    private static boolean readUntilClosed(Socket socket, long millis) throws IOException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        InputStream in = socket.getInputStream();
        socket.setSoTimeout(50);
        byte[] buf = new byte[4096];
        while (System.nanoTime() < deadline) {
            try {
                if (in.read(buf) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                // still open
            } catch (java.net.SocketException e) {
                return true;
            }
        }
        return false;
    }

    private void awaitOpen(int connections) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (server.stats().tcpConnections() != connections) {
            assertThat(System.nanoTime()).as("%d connections open", connections).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private MediaServer.Stats awaitStats() throws InterruptedException {
        Thread.sleep(100);
        return server.stats();
    }
}

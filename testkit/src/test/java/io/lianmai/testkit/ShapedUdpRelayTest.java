package io.lianmai.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The relay as a NAT in front of a delayed link: each client address gets its own replies, a round trip later. */
@Timeout(30)
class ShapedUdpRelayTest {

    @Test
    void twoClientAddressesInterleavedOnADelayedPathEachGetTheirOwnReplies() throws Exception {
        try (DatagramSocket server = loopbackSocket();
                ShapedUdpRelay relay = new ShapedUdpRelay((InetSocketAddress) server.getLocalSocketAddress(), 50, 0, 1);
                DatagramSocket a = loopbackSocket();
                DatagramSocket b = loopbackSocket()) {
            Thread echo = echo(server);
            InetSocketAddress relayAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), relay.port());
            long sent = System.nanoTime();
            // Interleaved faster than the round trip: a relay answering "whoever spoke last" mixes them up.
            for (int i = 0; i < 5; i++) {
                send(a, "a" + i, relayAddress);
                send(b, "b" + i, relayAddress);
            }
            List<String> toA = receive(a, 5);
            long roundTripMillis = (System.nanoTime() - sent) / 1_000_000;
            List<String> toB = receive(b, 5);

            assertThat(toA).containsExactly("a0", "a1", "a2", "a3", "a4");
            assertThat(toB).containsExactly("b0", "b1", "b2", "b3", "b4");
            assertThat(roundTripMillis).as("two one-way delays of 50 ms").isGreaterThanOrEqualTo(100);
            assertThat(relay.mappings()).isEqualTo(2);
            echo.interrupt();
        }
    }

    @Test
    void mediaIsLostAtTheGivenShareButStunAndDtlsPass() throws Exception {
        try (DatagramSocket server = loopbackSocket();
                ShapedUdpRelay relay = new ShapedUdpRelay(
                        (InetSocketAddress) server.getLocalSocketAddress(), 0, 1.0, 2);
                DatagramSocket client = loopbackSocket()) {
            Thread echo = echo(server);
            InetSocketAddress relayAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), relay.port());
            client.send(new DatagramPacket(new byte[] {(byte) 0x80, 1}, 2, relayAddress)); // RTP: lost
            client.send(new DatagramPacket(new byte[] {22, 2}, 2, relayAddress)); // DTLS: passes, both ways
            client.send(new DatagramPacket(new byte[] {0, 3}, 2, relayAddress)); // STUN: passes, both ways

            DatagramPacket reply = new DatagramPacket(new byte[16], 16);
            client.setSoTimeout(2000);
            client.receive(reply);
            assertThat(reply.getData()[1]).isEqualTo((byte) 2);
            client.receive(reply);
            assertThat(reply.getData()[1]).isEqualTo((byte) 3);
            assertThat(relay.lost()).isEqualTo(1);
            echo.interrupt();
        }
    }

    @Test
    void aCappedUplinkPacesWhatReachesTheServerAndDropsWhatOverflowsItsQueue() throws Exception {
        try (DatagramSocket server = loopbackSocket();
                ShapedUdpRelay relay = new ShapedUdpRelay((InetSocketAddress) server.getLocalSocketAddress(), 0, 0, 3);
                DatagramSocket client = loopbackSocket()) {
            relay.setUplinkBps(800_000); // 100 kB/s: a 1000-byte packet every 10 ms, a queue of 300 ms (30 kB)
            InetSocketAddress relayAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), relay.port());
            byte[] media = new byte[1000];
            media[0] = (byte) 0x80;
            for (int i = 0; i < 100; i++) {
                client.send(new DatagramPacket(media, media.length, relayAddress));
            }
            server.setSoTimeout(1000);
            DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
            int received = 0;
            long first = 0;
            long last = 0;
            while (received < 100) {
                try {
                    server.receive(packet);
                } catch (SocketTimeoutException e) {
                    break;
                }
                last = System.nanoTime();
                first = received++ == 0 ? last : first;
            }
            assertThat(received).as("what the 300 ms queue holds at that rate").isBetween(25, 40);
            assertThat((last - first) / 1_000_000).as("paced at 10 ms a packet").isBetween(220L, 600L);
            assertThat(relay.overflowed()).as("the rest overflowed the queue").isBetween(50L, 100L - received);
            assertThat(relay.downlinkBytes()).isZero();
        }
    }

    private static DatagramSocket loopbackSocket() throws Exception {
        return new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    private static void send(DatagramSocket from, String text, InetSocketAddress to) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        from.send(new DatagramPacket(bytes, bytes.length, to));
    }

    private static List<String> receive(DatagramSocket socket, int count) throws Exception {
        socket.setSoTimeout(2000);
        List<String> got = new ArrayList<>();
        byte[] buffer = new byte[64];
        for (int i = 0; i < count; i++) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                break;
            }
            got.add(new String(buffer, 0, packet.getLength(), StandardCharsets.US_ASCII));
        }
        return got;
    }

    /** Sends every datagram back where it came from, until the socket closes. */
    private static Thread echo(DatagramSocket server) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64];
            while (!server.isClosed()) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    server.receive(packet);
                    server.send(new DatagramPacket(buffer, packet.getLength(), packet.getSocketAddress()));
                } catch (Exception e) {
                    return;
                }
            }
        }, "echo");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}

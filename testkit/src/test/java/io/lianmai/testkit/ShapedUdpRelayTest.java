package io.lianmai.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The relay as a NAT in front of a delayed, lossy, capped link: each client address gets its own replies, a round trip
 * later; loss per direction, the blackhole, the counters and the SDP redirect tests rely on.
 */
@Timeout(30)
class ShapedUdpRelayTest {

    @Test
    void twoClientAddressesInterleavedOnADelayedPathEachGetTheirOwnReplies() throws Exception {
        try (DatagramSocket server = loopbackSocket();
                ShapedUdpRelay relay = new ShapedUdpRelay(addressOf(server), 50, 0, 1);
                DatagramSocket a = loopbackSocket();
                DatagramSocket b = loopbackSocket()) {
            Thread echo = echo(server);
            InetSocketAddress relayAddress = addressOf(relay);
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
                ShapedUdpRelay relay = new ShapedUdpRelay(addressOf(server), 0, 1.0, 2);
                DatagramSocket client = loopbackSocket()) {
            Thread echo = echo(server);
            InetSocketAddress relayAddress = addressOf(relay);
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
                ShapedUdpRelay relay = new ShapedUdpRelay(addressOf(server), 0, 0, 3);
                DatagramSocket client = loopbackSocket()) {
            relay.setUplinkBps(800_000); // 100 kB/s: a 1000-byte packet every 10 ms, a queue of 300 ms (30 kB)
            InetSocketAddress relayAddress = addressOf(relay);
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

    @Test
    void lossInOneDirectionOnlyLeavesTheOtherWhole() throws Exception {
        try (DatagramSocket server = loopbackSocket();
                ShapedUdpRelay uplinkLossy = new ShapedUdpRelay(addressOf(server), 0, 1.0, 0, 4);
                DatagramSocket client = loopbackSocket()) {
            InetSocketAddress relayAddress = addressOf(uplinkLossy);
            client.send(new DatagramPacket(rtp(96, 1), 12, relayAddress)); // lost on the way up
            client.send(new DatagramPacket(new byte[] {0, 2}, 2, relayAddress)); // STUN: opens the mapping
            DatagramPacket packet = new DatagramPacket(new byte[64], 64);
            server.setSoTimeout(2000);
            server.receive(packet);
            assertThat(packet.getData()[1]).as("the STUN packet, the RTP one lost").isEqualTo((byte) 2);
            // The server's media comes down whole.
            server.send(new DatagramPacket(rtp(96, 3), 12, packet.getSocketAddress()));
            client.setSoTimeout(2000);
            client.receive(packet);
            assertThat(packet.getData()[3]).isEqualTo((byte) 3);
            assertThat(uplinkLossy.lost()).isEqualTo(1);
            // Counted once sent, which may come a moment after the server has it.
            Await.until("one packet forwarded", Duration.ofSeconds(2), () -> uplinkLossy.forwarded() == 1,
                    () -> uplinkLossy.forwarded() + " forwarded");
        }
        try (DatagramSocket server = loopbackSocket();
                ShapedUdpRelay downlinkLossy = new ShapedUdpRelay(addressOf(server), 0, 0, 1.0, 5);
                DatagramSocket client = loopbackSocket()) {
            Thread echo = echo(server);
            InetSocketAddress relayAddress = addressOf(downlinkLossy);
            client.send(new DatagramPacket(rtp(96, 1), 12, relayAddress)); // up whole, its echo lost on the way down
            client.send(new DatagramPacket(new byte[] {0, 2}, 2, relayAddress)); // STUN: both ways
            DatagramPacket packet = new DatagramPacket(new byte[64], 64);
            client.setSoTimeout(2000);
            client.receive(packet);
            assertThat(packet.getData()[1]).as("the STUN echo, the RTP echo lost").isEqualTo((byte) 2);
            Await.until("both forwarded to the server", Duration.ofSeconds(2), () -> downlinkLossy.forwarded() == 2,
                    () -> downlinkLossy.forwarded() + " forwarded");
            assertThat(downlinkLossy.lost()).isEqualTo(1);
            assertThat(downlinkLossy.downlinkPackets(96)).as("counted, lost or not").isEqualTo(1);
            echo.interrupt();
        }
    }

    @Test
    void aBlackholeDropsEverythingTheClientSendsWhileTheServerStillReachesIt() throws Exception {
        try (DatagramSocket server = loopbackSocket();
                ShapedUdpRelay relay = new ShapedUdpRelay(addressOf(server), 0, 0, 6);
                DatagramSocket client = loopbackSocket()) {
            InetSocketAddress relayAddress = addressOf(relay);
            SocketAddress mapped = openMapping(client, relayAddress, server);
            DatagramPacket packet = new DatagramPacket(new byte[64], 64);

            relay.blackhole();
            client.send(new DatagramPacket(new byte[] {0, 2}, 2, relayAddress)); // STUN: a consent check
            client.send(new DatagramPacket(rtp(96, 3), 12, relayAddress));
            server.send(new DatagramPacket(new byte[] {0, 4}, 2, mapped));
            client.setSoTimeout(2000);
            client.receive(packet);
            assertThat(packet.getData()[1]).as("the server's packet still comes down").isEqualTo((byte) 4);
            Await.until("both client packets dropped", Duration.ofSeconds(2), () -> relay.blackholed() == 2,
                    () -> relay.blackholed() + " dropped");
            server.setSoTimeout(300);
            assertThatThrownBy(() -> server.receive(packet)).as("nothing more reaches the server")
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(relay.forwarded()).isEqualTo(1);
            assertThat(relay.lost()).isZero();
        }
    }

    @Test
    void serverRtpIsCountedByPayloadTypeAndRtcpIsNot() throws Exception {
        try (DatagramSocket server = loopbackSocket();
                ShapedUdpRelay relay = new ShapedUdpRelay(addressOf(server), 0, 0, 7);
                DatagramSocket client = loopbackSocket()) {
            InetSocketAddress relayAddress = addressOf(relay);
            SocketAddress mapped = openMapping(client, relayAddress, server);
            DatagramPacket packet = new DatagramPacket(new byte[64], 64);
            server.send(new DatagramPacket(rtp(96, 0), 12, mapped));
            server.send(new DatagramPacket(rtp(97, 0), 12, mapped)); // e.g. RTX
            server.send(new DatagramPacket(rtp(97 | 0x80, 0), 12, mapped)); // the marker bit set: still 97
            byte[] senderReport = new byte[28];
            senderReport[0] = (byte) 0x80;
            senderReport[1] = (byte) 200; // RTCP SR, not payload type 72 with the marker
            server.send(new DatagramPacket(senderReport, senderReport.length, mapped));

            List<Integer> lengths = new ArrayList<>();
            client.setSoTimeout(2000);
            for (int i = 0; i < 4; i++) {
                client.receive(packet);
                lengths.add(packet.getLength());
            }
            assertThat(lengths).containsExactly(12, 12, 12, 28);
            assertThat(relay.downlinkPackets(96)).isEqualTo(1);
            assertThat(relay.downlinkPackets(97)).isEqualTo(2);
            assertThat(relay.downlinkPackets(72)).isZero();
            Await.until("all delivered", Duration.ofSeconds(2), () -> relay.downlinkBytes() == 12 * 3 + 28,
                    () -> relay.downlinkBytes() + " bytes");
        }
    }

    @Test
    void redirectPointsHostCandidatesAndTheMLineAtTheRelayAndDropsTcpCandidates() {
        String answer = "v=0\r\n"
                + "m=video 40000 UDP/TLS/RTP/SAVPF 96\r\n"
                + "c=IN IP4 127.0.0.1\r\n"
                + "a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host\r\n"
                + "a=candidate:2 1 tcp 1518280447 127.0.0.1 40000 typ host tcptype passive\r\n"
                + "a=rtpmap:96 VP8/90000\r\n";

        assertThat(ShapedUdpRelay.redirect(answer, 40000, 50000)).isEqualTo("v=0\r\n"
                + "m=video 50000 UDP/TLS/RTP/SAVPF 96\r\n"
                + "c=IN IP4 127.0.0.1\r\n"
                + "a=candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host\r\n"
                + "a=rtpmap:96 VP8/90000\r\n");
    }

    /** Sends a STUN-like packet through the relay; returns the relay's address for this client as the server sees it. */
    private static SocketAddress openMapping(DatagramSocket client, InetSocketAddress relay, DatagramSocket server)
            throws Exception {
        client.send(new DatagramPacket(new byte[] {0, 1}, 2, relay));
        DatagramPacket packet = new DatagramPacket(new byte[64], 64);
        server.setSoTimeout(2000);
        server.receive(packet);
        return packet.getSocketAddress();
    }

    /** A 12-byte RTP header (RFC 3550 §5.1) of {@code secondByte} (marker and payload type), its 4th byte a tag. */
    private static byte[] rtp(int secondByte, int tag) {
        byte[] packet = new byte[12];
        packet[0] = (byte) 0x80;
        packet[1] = (byte) secondByte;
        packet[3] = (byte) tag;
        return packet;
    }

    private static InetSocketAddress addressOf(DatagramSocket socket) {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private static InetSocketAddress addressOf(ShapedUdpRelay relay) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), relay.port());
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

package io.lianmai.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The drop counters of the packet path reach {@link MediaServer#stats()} (for {@code /metrics}): datagrams nobody
 * can use are counted, not logged, and never break the socket for the next packet.
 */
class MediaServerStatsTest {
    /** Source addresses sending the same garbage: with two loops the kernel spreads them over both sockets. */
    private static final int SOURCES = 8;
    private MediaServer server;

    private void start(int loops) {
        server = MediaServer.start(new MediaConfig("127.0.0.1", 0, -1, List.of("127.0.0.1"), Duration.ofSeconds(30),
                Duration.ofSeconds(10)).withLoops(loops));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /**
     * With two loops the datagrams land on either loop's socket (by the source address's hash); each loop counts
     * what it read and hands nothing over, since no session owns these addresses, and the stats add them up.
     */
    @ParameterizedTest(name = "{0} media loop(s)")
    @ValueSource(ints = {1, 2})
    void packetsNoSessionClaimsAreCountedByKind(int loops) throws Exception {
        start(loops);
        MediaServer.Stats before = server.stats();
        assertThat(before.loops()).isEqualTo(loops);
        assertThat(before.unknownPackets()).isZero();
        assertThat(before.badStun()).isZero();
        for (int source = 0; source < SOURCES; source++) {
            try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                // DTLS and RTP from an address no session owns, then a first byte that is none of STUN, DTLS, RTP.
                send(socket, new byte[] {22, (byte) 0xFE, (byte) 0xFD, 0, 0});
                send(socket, new byte[] {(byte) 0x80, 96, 0, 1});
                send(socket, new byte[] {100, 1, 2, 3});
                // A binding request without the magic cookie (RFC 8489 section 5): it does not parse.
                byte[] stun = new byte[20];
                stun[1] = 0x01;
                send(socket, stun);
            }
        }
        MediaServer.Stats after = awaitStats(stats -> stats.unknownPackets() >= 3 * SOURCES
                && stats.badStun() >= SOURCES);
        assertThat(after.unknownPackets()).isEqualTo(3 * SOURCES);
        assertThat(after.badStun()).isEqualTo(SOURCES);
        assertThat(after.packetFailures()).isZero();
        assertThat(after.srtpDropped()).isZero();
        assertThat(after.routedAddresses()).isZero();
        assertThat(after.handedOver()).as("nobody owns them: nothing handed over").isZero();
    }

    private void send(DatagramSocket socket, byte[] datagram) throws Exception {
        socket.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(),
                server.udpPort()));
    }

    private MediaServer.Stats awaitStats(Predicate<MediaServer.Stats> condition) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        MediaServer.Stats stats = server.stats();
        while (!condition.test(stats) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            stats = server.stats();
        }
        return stats;
    }
}

package io.lianmai.media.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lianmai.media.MediaConfig;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the media socket sends to one address between two flushes arrives as the same datagrams, in order, whether
 * coalesced into segmented sends (UDP GSO) or not: equal runs, a shorter datagram ending a batch, a longer one
 * starting the next, datagrams too big to coalesce, more than a batch holds, and tiny ones past the segment limit.
 */
class UdpSegmentationTest {
    private MediaSockets sockets;
    private DatagramSocket player;
    /** Where the sockets' receiver sends every datagram it reads (a fan-out of one), or null; on the loop. */
    private MediaEndpoint forwardTo;

    @BeforeEach
    void start() throws Exception {
        sockets = new MediaSockets(new MediaConfig("127.0.0.1", 0, -1, List.of("127.0.0.1"), Duration.ofSeconds(30),
                Duration.ofSeconds(10), 0), Clock.systemUTC());
        sockets.bind(new PacketReceiver() {
            @Override
            public void onDatagram(byte[] buf, int len, InetSocketAddress sender) {
                if (forwardTo != null) {
                    forwardTo.send(buf, 0, len);
                }
            }

            @Override
            public PeerConnection onTcpFrame(PeerConnection bound, MediaEndpoint from, byte[] buf, int len) {
                return null;
            }
        });
        player = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        player.setReceiveBufferSize(4 << 20);
        player.setSoTimeout(5000);
    }

    @AfterEach
    void stop() {
        player.close();
        sockets.close();
    }

    @Test
    void coalescedDatagramsArriveUnchangedAndInOrder() throws Exception {
        List<Integer> sizes = new ArrayList<>();
        // A paced frame: four equal packets, then audio (shorter: ends the batch), then the next frame.
        sizes.addAll(List.of(1222, 1222, 1222, 1222, 170, 1100, 1100, 1222, 300, 300));
        sizes.add(1500); // over the segment limit: alone
        sizes.add(1300);
        for (int i = 0; i < 14; i++) {
            sizes.add(1000); // more than a 12 KB batch holds
        }
        for (int i = 0; i < 40; i++) {
            sizes.add(20); // more than 32 segments
        }
        sizes.add(1);
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            byte[] datagram = new byte[sizes.get(i)];
            Arrays.fill(datagram, (byte) i);
            datagram[0] = (byte) i;
            sent.add(datagram);
        }
        InetSocketAddress to = (InetSocketAddress) player.getLocalSocketAddress();

        long[] counted = sockets.loop().submit(() -> {
            MediaEndpoint endpoint = sockets.udpEndpoint(to);
            byte[] buffer = new byte[2000];
            for (byte[] datagram : sent) {
                System.arraycopy(datagram, 0, buffer, 7, datagram.length);
                endpoint.send(buffer, 7, datagram.length);
            }
            sockets.flush();
            return sockets.segmentedSends();
        }).get(5, TimeUnit.SECONDS);

        byte[] receive = new byte[4000];
        for (int i = 0; i < sent.size(); i++) {
            DatagramPacket packet = new DatagramPacket(receive, receive.length);
            try {
                player.receive(packet);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("datagram " + i + " of " + sent.size() + " never arrived", e);
            }
            assertThat(Arrays.copyOf(receive, packet.getLength())).as("datagram %d", i).isEqualTo(sent.get(i));
        }
        boolean segmentation = sockets.loop().submit(sockets::udpSegmentation).get(5, TimeUnit.SECONDS);
        assumeTrue(segmentation, "this kernel or transport has no UDP segmentation offload");
        // Batches: [1222 x4, 170] [1100 x2] [1222, 300] [300] alone, [1500] alone, [1300, 1000] [1000 x12]
        // [1000, 20] [20 x32] [20 x7, 1]: eight segmented sends.
        assertThat(counted[0]).isEqualTo(8);
        assertThat(counted[1]).isEqualTo(5 + 2 + 2 + 2 + 12 + 2 + 32 + 8);
    }

    /**
     * Datagrams that wait in the socket together are read in one round and flushed once, so what they make for one
     * player goes out as one send: before, each read round took a single datagram and flushed it alone.
     */
    @Test
    void aBurstReadTogetherLeavesAsOneSendPerPlayer() throws Exception {
        InetSocketAddress to = (InetSocketAddress) player.getLocalSocketAddress();
        sockets.loop().submit(() -> forwardTo = sockets.udpEndpoint(to)).get(5, TimeUnit.SECONDS);
        boolean segmentation = sockets.loop().submit(sockets::udpSegmentation).get(5, TimeUnit.SECONDS);
        assumeTrue(segmentation, "this kernel or transport has no UDP segmentation offload");
        CountDownLatch release = new CountDownLatch(1);
        // Holds the loop while the burst arrives, as forwarding the previous packet to many players does.
        sockets.loop().execute(() -> {
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (DatagramSocket publisher = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), sockets.udpPort());
            for (int i = 0; i < 4; i++) {
                byte[] packet = new byte[1000];
                Arrays.fill(packet, (byte) (0x80 + i));
                publisher.send(new DatagramPacket(packet, packet.length, server));
            }
        }
        release.countDown();

        byte[] receive = new byte[2000];
        for (int i = 0; i < 4; i++) {
            DatagramPacket packet = new DatagramPacket(receive, receive.length);
            player.receive(packet);
            assertThat(packet.getLength()).isEqualTo(1000);
            assertThat(receive[0]).isEqualTo((byte) (0x80 + i));
        }
        long[] counted = sockets.loop().submit(sockets::segmentedSends).get(5, TimeUnit.SECONDS);
        assertThat(counted).containsExactly(1, 4);
    }
}

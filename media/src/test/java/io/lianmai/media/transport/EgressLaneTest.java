package io.lianmai.media.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lianmai.media.sfu.Buffers;
import io.lianmai.media.srtp.SrtpContext;
import io.lianmai.media.srtp.SrtpMasterKey;
import io.lianmai.media.srtp.SrtpProfile;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Egress lanes on real loopback sockets: packets offered on the media loop leave SRTP-protected, in order, from
 * the media port; datagrams the kernel hands to a lane's socket reach the media loop; a lane that falls behind
 * drops and counts instead of growing.
 */
class EgressLaneTest {
    private static final SrtpProfile PROFILE = SrtpProfile.AES128_CM_HMAC_SHA1_80;

    private EventLoopGroup group;
    private EventLoop mediaLoop;
    private final List<EventLoop> laneLoops = new ArrayList<>();
    private Channel main;
    private final List<EgressLane> lanes = new ArrayList<>();
    private final AtomicInteger mainReceived = new AtomicInteger();
    private final AtomicInteger laneReceived = new AtomicInteger();
    private final Set<String> inboundThreads = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Epoll.isAvailable(), "egress lanes need Linux epoll (SO_REUSEPORT)");
        group = new MultiThreadIoEventLoopGroup(3, EpollIoHandler.newFactory());
        mediaLoop = group.next();
        main = new Bootstrap().group(mediaLoop).channel(EpollDatagramChannel.class)
                .option(EpollChannelOption.SO_REUSEPORT, true)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext context, DatagramPacket packet) {
                        mainReceived.incrementAndGet();
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        EgressLane.InboundHandler inbound = new EgressLane.InboundHandler() {
            @Override
            public void onLaneDatagram(byte[] buf, int len, InetSocketAddress sender) {
                inboundThreads.add(Thread.currentThread().getName());
                assertThat(mediaLoop.inEventLoop()).isTrue();
                laneReceived.incrementAndGet();
            }

            @Override
            public void onLaneBatchEnd() {
            }
        };
        InetSocketAddress local = (InetSocketAddress) main.localAddress();
        for (int i = 0; i < 2; i++) {
            EventLoop loop = group.next();
            assertThat(loop).isNotSameAs(mediaLoop);
            laneLoops.add(loop);
            lanes.add(EgressLane.bind(loop, mediaLoop, local, 1 << 20, inbound));
        }
    }

    @AfterEach
    void stop() {
        lanes.forEach(EgressLane::close);
        if (main != null) {
            main.close().awaitUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void offeredPacketsLeaveProtectedInOrderFromTheMediaPort() throws Exception {
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(5000);
            client.setReceiveBufferSize(1 << 20);
            EgressTarget target = new EgressTarget(SrtpContext.create(key()), new UdpEndpoint(main,
                    (InetSocketAddress) client.getLocalSocketAddress(), new TrafficCounters(), new UdpBatches(false)));
            int count = 300;
            mediaLoop.submit(() -> {
                byte[] packet = Buffers.packetArray();
                for (int i = 0; i < count; i++) {
                    int len = rtp(packet, 1000 + i, 200);
                    assertThat(lanes.get(0).offer(target, packet, 0, len)).isTrue();
                }
                lanes.get(0).signal();
            }).sync();

            SrtpContext receiver = SrtpContext.create(key());
            java.net.DatagramPacket datagram = new java.net.DatagramPacket(new byte[2048], 2048);
            for (int i = 0; i < count; i++) {
                client.receive(datagram);
                assertThat(datagram.getPort()).as("source port").isEqualTo(((InetSocketAddress) main.localAddress())
                        .getPort());
                byte[] data = datagram.getData();
                int plain = receiver.unprotectRtp(data, 0, datagram.getLength());
                assertThat(plain).as("packet %d authenticates", i).isEqualTo(212);
                assertThat(((data[2] & 0xFF) << 8) | (data[3] & 0xFF)).isEqualTo(1000 + i);
                assertThat(data[12 + 199]).isEqualTo((byte) (1000 + i));
            }
            assertThat(lanes.get(0).sent()).isEqualTo(count);
            assertThat(lanes.get(0).protectFailed()).isZero();
        }
    }

    /**
     * A fan-out burst through a lane (packet after packet to every player, as the forwarder offers them): each
     * player's share leaves as one segmented send, and every player gets its datagrams unchanged and in order.
     * Before, a lane wrote every datagram alone.
     */
    @Test
    void aPlayersShareOfABurstLeavesAsOneSegmentedSend() throws Exception {
        EgressLane lane = lanes.get(0);
        boolean segmentation = laneLoops.get(0).submit(lane::udpSegmentation).get(5, TimeUnit.SECONDS);
        int players = 3;
        int burst = 4;
        List<DatagramSocket> clients = new ArrayList<>();
        try {
            List<EgressTarget> targets = new ArrayList<>();
            for (int p = 0; p < players; p++) {
                DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                client.setSoTimeout(5000);
                clients.add(client);
                targets.add(new EgressTarget(SrtpContext.create(key()), new UdpEndpoint(main,
                        (InetSocketAddress) client.getLocalSocketAddress(), new TrafficCounters(),
                        new UdpBatches(false))));
            }
            mediaLoop.submit(() -> {
                byte[] packet = Buffers.packetArray();
                for (int i = 0; i < burst; i++) {
                    for (EgressTarget target : targets) {
                        assertThat(lane.offer(target, packet, 0, rtp(packet, 2000 + i, 1100))).isTrue();
                    }
                }
                lane.signal();
            }).sync();

            for (DatagramSocket client : clients) {
                SrtpContext receiver = SrtpContext.create(key());
                java.net.DatagramPacket datagram = new java.net.DatagramPacket(new byte[2048], 2048);
                for (int i = 0; i < burst; i++) {
                    client.receive(datagram);
                    byte[] data = datagram.getData();
                    assertThat(receiver.unprotectRtp(data, 0, datagram.getLength())).as("packet %d", i)
                            .isEqualTo(1112);
                    assertThat(((data[2] & 0xFF) << 8) | (data[3] & 0xFF)).isEqualTo(2000 + i);
                    assertThat(data[12 + 1099]).isEqualTo((byte) (2000 + i));
                }
            }
        } finally {
            clients.forEach(DatagramSocket::close);
        }
        assumeTrue(segmentation, "this kernel has no UDP segmentation offload");
        long[] counted = laneLoops.get(0).submit(lane::segmentedSends).get(5, TimeUnit.SECONDS);
        assertThat(counted).as("segmented sends, datagrams in them").containsExactly(players, players * burst);
    }

    @Test
    void datagramsTheKernelGivesALaneReachTheMediaLoop() throws Exception {
        int flows = 40;
        int perFlow = 5;
        InetSocketAddress server = (InetSocketAddress) main.localAddress();
        List<DatagramSocket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < flows; i++) {
                DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                clients.add(client);
                for (int j = 0; j < perFlow; j++) {
                    byte[] stun = {0, 1, 0, 0};
                    client.send(new java.net.DatagramPacket(stun, stun.length, server));
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (mainReceived.get() + laneReceived.get() < flows * perFlow && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } finally {
            clients.forEach(DatagramSocket::close);
        }
        assertThat(mainReceived.get() + laneReceived.get()).isEqualTo(flows * perFlow);
        // Three sockets share the port: with 40 flows the lanes' share is never zero (hash spread).
        assertThat(laneReceived.get()).isPositive();
        assertThat(inboundThreads).hasSize(1);
    }

    @Test
    void aLaneThatFallsBehindDropsAndCountsNewPackets() throws Exception {
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(200);
            EgressTarget target = new EgressTarget(SrtpContext.create(key()), new UdpEndpoint(main,
                    (InetSocketAddress) client.getLocalSocketAddress(), new TrafficCounters(), new UdpBatches(false)));
            EgressLane lane = lanes.get(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch blocked = new CountDownLatch(1);
            // Block the lane's thread: nothing drains while the media loop offers.
            laneLoops.get(1).execute(() -> {
                blocked.countDown();
                awaitQuietly(release);
            });
            assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();
            int extra = 10;
            int accepted = mediaLoop.submit(() -> {
                byte[] packet = Buffers.packetArray();
                int ok = 0;
                for (int i = 0; i < EgressLane.QUEUE_PACKETS + extra; i++) {
                    if (lane.offer(target, packet, 0, rtp(packet, i, 20))) {
                        ok++;
                    }
                }
                lane.signal();
                return ok;
            }).get(10, TimeUnit.SECONDS);
            release.countDown();
            assertThat(accepted).isEqualTo(EgressLane.QUEUE_PACKETS);
            assertThat(lane.outboundFull()).isEqualTo(extra);
            // And it recovers: what was queued goes out once the lane runs again.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (lane.sent() < EgressLane.QUEUE_PACKETS && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(lane.sent()).isEqualTo(EgressLane.QUEUE_PACKETS);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static SrtpMasterKey key() {
        byte[] key = new byte[16];
        byte[] salt = new byte[14];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 7 + 1);
        }
        for (int i = 0; i < salt.length; i++) {
            salt[i] = (byte) (i * 13 + 5);
        }
        return SrtpMasterKey.of(PROFILE, key, salt);
    }

    /** A plain RTP packet (VP8 payload type 96, SSRC 0x1234) of {@code payload} bytes, each the sequence's low byte. */
    private static int rtp(byte[] buf, int sequence, int payload) {
        buf[0] = (byte) 0x80;
        buf[1] = 96;
        buf[2] = (byte) (sequence >> 8);
        buf[3] = (byte) sequence;
        for (int i = 4; i < 8; i++) {
            buf[i] = 0;
        }
        buf[8] = 0;
        buf[9] = 0;
        buf[10] = 0x12;
        buf[11] = 0x34;
        for (int i = 0; i < payload; i++) {
            buf[12 + i] = (byte) sequence;
        }
        return 12 + payload;
    }
}

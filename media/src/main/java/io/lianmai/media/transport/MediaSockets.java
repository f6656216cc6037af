package io.lianmai.media.transport;

import io.lianmai.media.MediaConfig;
import io.lianmai.media.MediaLimits;
import io.lianmai.media.ice.IceCandidate;
import io.lianmai.media.ice.Rfc4571FrameDecoder;
import io.lianmai.media.ice.Rfc4571FrameEncoder;
import io.lianmai.media.sfu.Buffers;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One media loop's sockets: the UDP socket on the media port (with several loops, each loop has its own on the same
 * port, {@code SO_REUSEPORT}), and on loop 0 the ICE-TCP port (RFC 6544, RFC 4571 framing) and, with
 * {@link MediaConfig#egressThreads()}, one egress lane socket per lane on the port, all on one Netty event loop.
 * What they read goes to a {@link PacketReceiver}; they know nothing of sessions.
 *
 * <p>Threading: the media loop runs every handler here and owns {@link #receiveArray the receive array}; the lanes
 * hand their datagrams to it (see {@link EgressLane}). Counters are written on the loop and read there by
 * {@link #counters()}.
 */
public final class MediaSockets implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MediaSockets.class);
    private static final int UDP_RECEIVE_BUFFER = 4 * 1024 * 1024;
    /**
     * Datagrams read per read round, before the round's forwarding is flushed (Netty's default for datagram
     * channels). A {@link FixedRecvByteBufAllocator} starts at one: every datagram was then its own round and its own
     * flush, so no player ever had two packets in one send.
     */
    static final int READ_BURST = 16;

    private final MediaConfig config;
    private final Clock clock;
    private final EventLoopGroup group;
    private final EventLoop loop;
    /** The egress lanes' threads, or null when there are none (one core, or no epoll). */
    private final EventLoopGroup egressGroup;
    /** Set once by {@link #bind}; read by the offer thread too. */
    private volatile EgressLane[] lanes = new EgressLane[0];
    private final AtomicInteger nextLane = new AtomicInteger();
    private final TcpConnectionLimiter tcpConnections;
    /** Set once by {@link #bind}; read by the offer thread. */
    private volatile List<String> candidateLines = List.of();
    private Channel udp;
    private Channel tcp;
    private PacketReceiver receiver;

    // Owned by the media loop.
    private final byte[] receive = Buffers.packetArray();
    private long unusableDatagrams;
    private long packetFailures;
    private long tcpHandshakeTimeouts;
    private long tcpDropped;
    private final TrafficCounters traffic = new TrafficCounters();
    /** Set by {@link #bind}: UDP segmentation where the transport has it (epoll on Linux 4.18+). */
    private UdpBatches batches = new UdpBatches(false);

    /** Makes the (first) media loop and the lanes' threads; {@link #bind} opens the sockets. */
    public MediaSockets(MediaConfig config, Clock clock) {
        this(config, clock, 0);
    }

    /**
     * Makes media loop {@code index} (0..{@code config.loops()}-1). Loop 0 has the ICE-TCP port and the egress lanes
     * and is bound by {@link #bind}; the others by {@link #bindBeside}, each with its own UDP socket on loop 0's port.
     */
    public MediaSockets(MediaConfig config, Clock clock, int index) {
        this.config = config;
        this.clock = clock;
        this.tcpConnections = new TcpConnectionLimiter(config.limits().tcpMaxConnectionsPerIp());
        // Netty's own thread class: on any other thread every FastThreadLocal (the pooled allocator's thread cache,
        // the recyclers of outbound-buffer entries and buffers, all used per forwarded packet) falls back to a
        // java.lang.ThreadLocal lookup, which was ~8 % of the media thread's samples at fan-out 200.
        String name = index == 0 ? "lianmai-media" : "lianmai-media-" + (index + 1);
        ThreadFactory mediaThread = runnable -> new FastThreadLocalThread(runnable, name);
        this.group = new MultiThreadIoEventLoopGroup(1, mediaThread,
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.loop = group.next();
        int egressThreads = Epoll.isAvailable() && index == 0 ? config.egressThreads() : 0;
        if (egressThreads > 0) {
            AtomicInteger egressCount = new AtomicInteger();
            ThreadFactory egressThread = runnable -> new FastThreadLocalThread(runnable,
                    "lianmai-egress-" + egressCount.incrementAndGet());
            this.egressGroup = EgressLane.newGroup(egressThreads, egressThread);
        } else {
            this.egressGroup = null;
        }
    }

    /** The media loop: the one thread that owns sessions, tracks and these sockets. */
    public EventLoop loop() {
        return loop;
    }

    /** Binds the UDP socket, the lanes' sockets and the ICE-TCP socket; what they read goes to {@code to}. */
    public void bind(PacketReceiver to) throws InterruptedException {
        this.receiver = to;
        boolean epoll = Epoll.isAvailable();
        boolean shared = egressGroup != null || config.loops() > 1;
        if (shared && config.udpPort() != 0) {
            ensurePortFree(config.bindHost(), config.udpPort());
        }
        Bootstrap udpBootstrap = udpBootstrap(epoll);
        if (shared && epoll) {
            udpBootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        udp = udpBootstrap.bind(config.bindHost(), config.udpPort()).sync().channel();
        batches = new UdpBatches(epoll && EpollDatagramChannel.isSegmentedDatagramPacketSupported());
        int udpPort = ((InetSocketAddress) udp.localAddress()).getPort();
        if (egressGroup != null) {
            List<EgressLane> bound = new ArrayList<>();
            LaneInbound inbound = new LaneInbound();
            try {
                for (int i = 0; i < config.egressThreads(); i++) {
                    bound.add(EgressLane.bind(egressGroup.next(), loop, (InetSocketAddress) udp.localAddress(),
                            UDP_RECEIVE_BUFFER, inbound));
                }
            } catch (RuntimeException | InterruptedException e) {
                bound.forEach(EgressLane::close);
                throw e;
            }
            lanes = bound.toArray(new EgressLane[0]);
        }
        int tcpPort = -1;
        if (config.tcpPort() >= 0) {
            ServerBootstrap tcpBootstrap = new ServerBootstrap()
                    .group(group, group)
                    .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new Rfc4571FrameDecoder(Buffers.MAX_PACKET),
                                    Rfc4571FrameEncoder.INSTANCE, new TcpHandler());
                        }
                    });
            tcp = tcpBootstrap.bind(config.bindHost(), config.tcpPort()).sync().channel();
            tcpPort = ((InetSocketAddress) tcp.localAddress()).getPort();
        }
        candidateLines = candidateLines(config.candidateAddresses(), udpPort, tcpPort);
        LOG.info("media listening on UDP {} and TCP {} ({}, {} egress thread(s)), candidates {}", udpPort, tcpPort,
                epoll ? "epoll" : "nio", lanes.length, config.candidateAddresses());
    }

    /**
     * Binds this loop's own UDP socket on {@code first}'s port ({@code SO_REUSEPORT}: the kernel spreads remote
     * addresses over the loops' sockets by a hash of the address pair, so a datagram may arrive on a loop that does not
     * own its session and is handed over, see {@code demux.LoopLinks}). No ICE-TCP or lanes here: loop 0's serve
     * every loop. Answers carry {@code first}'s candidates.
     */
    public void bindBeside(MediaSockets first, PacketReceiver to) throws InterruptedException {
        this.receiver = to;
        boolean epoll = Epoll.isAvailable();
        if (!epoll) {
            throw new IllegalStateException("more than one media loop needs epoll (SO_REUSEPORT)");
        }
        udp = udpBootstrap(true).option(EpollChannelOption.SO_REUSEPORT, true)
                .bind(first.udp.localAddress()).sync().channel();
        batches = new UdpBatches(EpollDatagramChannel.isSegmentedDatagramPacketSupported());
        candidateLines = first.candidateLines;
    }

    private Bootstrap udpBootstrap(boolean epoll) {
        return new Bootstrap()
                .group(group)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, UDP_RECEIVE_BUFFER)
                .option(ChannelOption.SO_SNDBUF, UDP_RECEIVE_BUFFER)
                .option(ChannelOption.RECVBUF_ALLOCATOR,
                        new FixedRecvByteBufAllocator(Buffers.CAPACITY).maxMessagesPerRead(READ_BURST))
                // Netty 4.2's default (adaptive) allocator makes a java.nio slice on every writeBytes(byte[]): one
                // garbage DirectByteBuffer per forwarded packet. The classic pooled arena copies with Unsafe.
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .handler(new UdpHandler());
    }

    /** The host candidates (RFC 8445 section 5.1.1.1) of the bound ports, as SDP attribute values. */
    private static List<String> candidateLines(List<String> candidateAddresses, int udpPort, int tcpPort) {
        List<InetAddress> addresses = new ArrayList<>();
        for (String address : candidateAddresses) {
            try {
                addresses.add(InetAddress.getByName(address));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("candidate address '" + address + "' is not an IP address", e);
            }
        }
        List<String> lines = new ArrayList<>();
        List<IceCandidate> candidates = tcpPort >= 0 ? IceCandidate.hostCandidates(addresses, udpPort, tcpPort)
                : IceCandidate.hostCandidates(addresses, udpPort);
        for (IceCandidate candidate : candidates) {
            lines.add(candidate.toCandidateString());
        }
        return List.copyOf(lines);
    }

    /**
     * With {@code SO_REUSEPORT} a second server of the same user could bind the same port and silently take half
     * of its flows; a plain bind first fails if anyone holds the port, as a server without lanes would.
     */
    private static void ensurePortFree(String host, int port) {
        try (DatagramSocket probe = new DatagramSocket(null)) {
            probe.setReuseAddress(false);
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new IllegalStateException("UDP port " + port + " is in use: " + e.getMessage(), e);
        }
    }

    /** Whether datagrams to one address are coalesced into segmented sends (UDP GSO) now. On the loop. */
    public boolean udpSegmentation() {
        return batches.segmentation();
    }

    /** Segmented sends so far and the datagrams they carried, {send, datagrams}; on the loop (tests). */
    long[] segmentedSends() {
        return new long[] {batches.segmentedSends(), batches.segmentedDatagrams()};
    }

    /** The bound UDP port. */
    public int udpPort() {
        return ((InetSocketAddress) udp.localAddress()).getPort();
    }

    /** The bound TCP port, or -1 when ICE-TCP is off. */
    public int tcpPort() {
        return tcp == null ? -1 : ((InetSocketAddress) tcp.localAddress()).getPort();
    }

    /** The host candidate lines for SDP answers; empty before {@link #bind}. Any thread. */
    public List<String> candidateLines() {
        return candidateLines;
    }

    /** The next egress lane, round robin, or null when there are none (the media loop sends). Any thread. */
    public EgressLane nextLane() {
        EgressLane[] egress = lanes;
        return egress.length > 0 ? egress[Math.floorMod(nextLane.getAndIncrement(), egress.length)] : null;
    }

    /** The endpoint of a remote UDP address on the shared socket. On the loop. */
    public MediaEndpoint udpEndpoint(InetSocketAddress remote) {
        return new UdpEndpoint(udp, remote, traffic, batches);
    }

    /** Sends what was queued on the UDP socket and wakes the lanes (after a batch of forwarding). On the loop. */
    public void flush() {
        if (udp != null) {
            batches.writeAll();
            udp.flush();
        }
        signalLanes();
    }

    private void signalLanes() {
        for (EgressLane lane : lanes) {
            lane.signal();
        }
    }

    /**
     * What the sockets counted, on the loop.
     *
     * @param unusableDatagrams UDP datagrams dropped for their size (empty, or over {@code Buffers.MAX_PACKET})
     * @param packetFailures packets dropped after an internal error in their handling
     * @param tcpConnections ICE-TCP connections open
     * @param refusedTcpConnections ICE-TCP connections closed at once, over {@code media.tcpMaxConnectionsPerIp}
     * @param tcpHandshakeTimeouts ICE-TCP connections closed for sending no valid check in time
     * @param tcpDropped packets not sent on ICE-TCP connections whose reader stalled (counted at their close)
     * @param laneQueueFull packets dropped because an egress lane was too far behind (both directions)
     * @param laneProtectFailures packets an egress lane could not protect
     * @param packetsIn packets read (UDP datagrams of the media port and the lanes' sockets, ICE-TCP frames)
     * @param bytesIn their bytes
     * @param packetsOut packets written (by the media loop and by the egress lanes)
     * @param bytesOut their bytes
     */
    public record Counters(long unusableDatagrams, long packetFailures, int tcpConnections,
            long refusedTcpConnections, long tcpHandshakeTimeouts, long tcpDropped, long laneQueueFull,
            long laneProtectFailures, long packetsIn, long bytesIn, long packetsOut, long bytesOut) {
    }

    /** A snapshot of {@link Counters}; on the loop (the lanes' own figures may lag). */
    public Counters counters() {
        long laneQueueFull = 0;
        long laneProtectFailures = 0;
        long packetsOut = traffic.packetsOut();
        long bytesOut = traffic.bytesOut();
        for (EgressLane lane : lanes) {
            laneQueueFull += lane.outboundFull() + lane.inboundFull();
            laneProtectFailures += lane.protectFailed();
            packetsOut += lane.sent();
            bytesOut += lane.sentBytes();
        }
        return new Counters(unusableDatagrams, packetFailures, tcpConnections.open(), tcpConnections.refused(),
                tcpHandshakeTimeouts, tcpDropped, laneQueueFull, laneProtectFailures, traffic.packetsIn(),
                traffic.bytesIn(), packetsOut, bytesOut);
    }

    private final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext context, DatagramPacket packet) {
            try {
                ByteBuf content = packet.content();
                int len = content.readableBytes();
                if (len < 1 || len > Buffers.MAX_PACKET) {
                    unusableDatagrams++;
                    return;
                }
                traffic.received(len);
                content.getBytes(content.readerIndex(), receive, 0, len);
                receiver.onDatagram(receive, len, packet.sender());
            } catch (RuntimeException e) {
                // A bug triggered by one packet must not close the shared socket for everyone.
                onPacketFailure(packet.sender(), e);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext context) {
            batches.writeAll();
            context.flush();
            signalLanes();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            // A failed write arrives here (void promise). The likeliest after a segmented send is the kernel refusing
            // segmentation on this route (no checksum offload, an MTU below a segment): stop coalescing, once.
            if (cause instanceof IOException && batches.turnOff()) {
                LOG.warn("media UDP send failed with segmentation offload ({}); sending datagrams one by one from now",
                        cause.toString());
                return;
            }
            LOG.warn("media UDP socket error: {}", cause.toString());
        }
    }

    /** Counts a packet dropped after an internal error; logs the first ten. */
    private void onPacketFailure(InetSocketAddress sender, RuntimeException e) {
        packetFailures++;
        if (packetFailures <= 10) {
            LOG.warn("dropped a packet from {} after an internal error", sender, e);
        }
    }

    /** Datagrams the kernel delivered to a lane's socket, on the media loop. */
    private final class LaneInbound implements EgressLane.InboundHandler {
        @Override
        public void onLaneDatagram(byte[] buf, int len, InetSocketAddress sender) {
            traffic.received(len);
            try {
                receiver.onDatagram(buf, len, sender);
            } catch (RuntimeException e) {
                onPacketFailure(sender, e);
            }
        }

        @Override
        public void onLaneBatchEnd() {
            flush();
        }
    }

    /**
     * One ICE-TCP connection: its first frame must be a valid check, which binds it to a peer connection. It counts
     * against its source's {@link TcpConnectionLimiter} share, must send that check within
     * {@link MediaLimits#tcpHandshakeTimeout()}, and is closed when its peer connection ends or when it is silent
     * for the consent timeout (a live client checks every ~5 s).
     */
    private final class TcpHandler extends SimpleChannelInboundHandler<ByteBuf> {
        private static final long WATCH_MILLIS = 250;

        private PeerConnection peer;
        private TcpEndpoint endpoint;
        private InetAddress source;
        private long openedMillis;
        private long lastReadMillis;
        private ScheduledFuture<?> watch;

        @Override
        public void channelActive(ChannelHandlerContext context) {
            InetSocketAddress remote = (InetSocketAddress) context.channel().remoteAddress();
            InetAddress key = TcpConnectionLimiter.sourceOf(remote.getAddress());
            if (!tcpConnections.tryOpen(key)) {
                context.close();
                return;
            }
            source = key;
            endpoint = new TcpEndpoint(context.channel(), traffic);
            openedMillis = clock.millis();
            lastReadMillis = openedMillis;
            watch = context.executor().scheduleAtFixedRate(() -> watch(context), WATCH_MILLIS, WATCH_MILLIS,
                    TimeUnit.MILLISECONDS);
        }

        /** Closes a connection that never bound to a peer in time, whose peer has ended, or gone silent. */
        private void watch(ChannelHandlerContext context) {
            long now = clock.millis();
            if (peer == null || !peer.isBound()) {
                if (now - openedMillis >= config.limits().tcpHandshakeTimeout().toMillis()) {
                    tcpHandshakeTimeouts++;
                    context.close();
                }
            } else if (peer.isEnded() || now - lastReadMillis >= config.consentTimeout().toMillis()) {
                context.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            if (watch != null) {
                watch.cancel(false);
            }
            if (source != null) {
                tcpConnections.onClosed(source);
                source = null;
            }
            if (endpoint != null) {
                tcpDropped += endpoint.dropped();
            }
            context.fireChannelInactive();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, ByteBuf frame) {
            int len = frame.readableBytes();
            if (endpoint == null || len < 1 || len > Buffers.MAX_PACKET) {
                context.close();
                return;
            }
            lastReadMillis = clock.millis();
            traffic.received(len);
            frame.getBytes(frame.readerIndex(), receive, 0, len);
            PeerConnection bound = receiver.onTcpFrame(peer, endpoint, receive, len);
            if (bound == null) {
                context.close();
            } else {
                peer = bound;
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext context) {
            context.flush();
            flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            // Framing errors close the connection (the decoder does it); nothing else to do.
            context.close();
        }
    }

    /** Closes the sockets and the lanes and stops the threads (the media loop last); waits up to ~5 s for each. */
    @Override
    public void close() {
        if (udp != null) {
            udp.close();
        }
        if (tcp != null) {
            tcp.close();
        }
        for (EgressLane lane : lanes) {
            lane.close();
        }
        if (egressGroup != null) {
            egressGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}

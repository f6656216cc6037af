package io.lianmai.media.transport;

import io.lianmai.media.demux.PacketKind;
import io.lianmai.media.sfu.Buffers;
import io.lianmai.media.sfu.PacketQueue;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.RejectedExecutionHandlers;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One egress thread of the media plane. The media loop keeps every piece of forwarding state and does the cheap
 * part of a forward (the copy and header rewrite per player); a lane does the expensive part — SRTP protection and
 * the send system call — for the sessions bound to it, from its own UDP socket on the media port
 * ({@code SO_REUSEPORT}), so a fan-out's per-copy cost spreads over cores and players see one source address.
 *
 * <pre>
 *  media loop ── offer(target, plain packet) ──▶ [outbound queue] ──▶ lane: protect, coalesce … flush (sendmmsg)
 *  media loop ◀── onLaneDatagram(bytes, sender) ◀── [inbound queue] ◀── lane socket's reads
 * </pre>
 *
 * As the media loop does, a lane coalesces what it sends to one player between two of its flushes into one segmented
 * send ({@link UdpCoalescer}); it flushes when its queue is empty, or after {@link #FLUSH_EVERY} packets.
 *
 * <p>The kernel spreads incoming flows over every socket of the port's group, so a lane also receives datagrams; it
 * copies them to the media loop, which owns the sessions they belong to.
 *
 * <p>Threads: {@link #offer} and {@link #signal} on the media loop only (the single producer of the outbound
 * queue, the single consumer of the inbound one); everything else on the lane's own event loop. Both queues are
 * preallocated and bounded: a full queue drops the packet and counts it. Nothing is allocated or logged per packet
 * beyond Netty's own datagram envelope.
 */
public final class EgressLane {
    private static final Logger LOG = LoggerFactory.getLogger(EgressLane.class);
    /** Packets queued towards the lane: a keyframe burst of 16 packets to 500 players fits. */
    static final int QUEUE_PACKETS = 8192;
    /** Datagrams the lane's socket received, waiting for the media loop. */
    static final int INBOUND_PACKETS = 2048;
    /** Wake the lane after this many packets even before the media loop's batch ends, so the two overlap. */
    private static final int SIGNAL_EVERY = 1024;
    /** Packets one drain handles before letting the lane's loop do its other work (its socket's reads). */
    private static final int MAX_DRAIN = 256;
    /**
     * Packets written between two flushes at most while the queue stays non-empty: a fan-out burst (a paced frame of
     * ~4 packets to a few hundred players) is flushed whole, so each player's share leaves as one send, and a lane
     * that never catches up still sends every ~2,048 packets (a few ms).
     */
    static final int FLUSH_EVERY = 2 * SIGNAL_EVERY;
    /**
     * How long a lane's loop may run queued tasks (drains) before it reads its socket again. Netty's default is
     * 1 s: a lane kept busy by a big fan-out would leave the ICE, DTLS and RTCP of the flows the kernel hashed to
     * its socket unread for that long, and handshakes time out.
     */
    private static final long TASK_QUANTUM_MILLIS = 1;

    /** Receives, on the media loop, the datagrams that arrived on a lane's socket. */
    interface InboundHandler {
        /** One datagram, read in place: {@code buf} is valid only during the call. */
        void onLaneDatagram(byte[] buf, int len, InetSocketAddress sender);

        /** After a batch of {@link #onLaneDatagram} calls: send what they queued. */
        void onLaneBatchEnd();
    }

    private final EventLoop loop;
    private final EventLoop mediaLoop;
    private final InboundHandler handler;
    private final PacketQueue outbound = new PacketQueue(QUEUE_PACKETS);
    private final PacketQueue inbound = new PacketQueue(INBOUND_PACKETS);
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicBoolean inboundScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private final Runnable inboundTask = this::drainInbound;
    private final byte[] receive = Buffers.packetArray();
    private Channel channel;
    /** The lane socket's coalesced sends (lane thread). */
    private UdpBatches batches;

    // Media loop.
    private int unsignalled;
    private long outboundFull;

    // Lane loop; read elsewhere only as statistics that may lag.
    private long sent;
    private long sentBytes;
    /** Packets written since the last flush; whether any of them went to the lane's socket. */
    private int sinceFlush;
    private boolean unflushed;
    private long protectFailed;
    private long inboundFull;

    private EgressLane(EventLoop loop, EventLoop mediaLoop, InboundHandler handler) {
        this.loop = loop;
        this.mediaLoop = mediaLoop;
        this.handler = handler;
    }

    /** The lanes' event loops: epoll, each thread from {@code threads}, reading its socket at least every ms. */
    static EventLoopGroup newGroup(int count, ThreadFactory threads) {
        return new MultiThreadIoEventLoopGroup(count, threads, EpollIoHandler.newFactory()) {
            @Override
            protected IoEventLoop newChild(Executor executor, IoHandlerFactory ioHandlerFactory, Object... args) {
                return new SingleThreadIoEventLoop(this, executor, ioHandlerFactory, Integer.MAX_VALUE,
                        RejectedExecutionHandlers.reject(), TASK_QUANTUM_MILLIS);
            }
        };
    }

    /**
     * Binds a lane's socket to {@code local} (which already has a socket with {@code SO_REUSEPORT} of this
     * process) on {@code loop}.
     */
    static EgressLane bind(EventLoop loop, EventLoop mediaLoop, InetSocketAddress local, int bufferBytes,
            InboundHandler handler) throws InterruptedException {
        EgressLane lane = new EgressLane(loop, mediaLoop, handler);
        lane.batches = new UdpBatches(EpollDatagramChannel.isSegmentedDatagramPacketSupported());
        lane.channel = new Bootstrap()
                .group(loop)
                .channel(EpollDatagramChannel.class)
                .option(EpollChannelOption.SO_REUSEPORT, true)
                .option(ChannelOption.SO_RCVBUF, bufferBytes)
                .option(ChannelOption.SO_SNDBUF, bufferBytes)
                .option(ChannelOption.RECVBUF_ALLOCATOR,
                        new FixedRecvByteBufAllocator(Buffers.CAPACITY).maxMessagesPerRead(MediaSockets.READ_BURST))
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .handler(lane.new Reader())
                .bind(local).sync().channel();
        return lane;
    }

    // ---- media loop ----

    /**
     * Queues a plain RTP or RTCP packet for {@code target}: the lane protects it with the target's keys and sends
     * it. Copies the bytes; false (and counted) when the queue is full.
     */
    public boolean offer(EgressTarget target, byte[] buf, int off, int len) {
        if (!outbound.offer(buf, off, len, target)) {
            outboundFull++;
            return false;
        }
        if (++unsignalled >= SIGNAL_EVERY) {
            signal();
        }
        return true;
    }

    /** Wakes the lane for what was offered since the last signal; called at the end of every media-loop batch. */
    void signal() {
        if (unsignalled == 0) {
            return;
        }
        unsignalled = 0;
        // The drain clears the flag before it reads the queue, so a packet offered after that read sees it clear.
        if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
            loop.execute(drainTask);
        }
    }

    /** Packets dropped because the lane was this far behind. */
    long outboundFull() {
        return outboundFull;
    }

    // ---- lane loop ----

    private void drain() {
        drainScheduled.set(false);
        int count = 0;
        while (count < MAX_DRAIN && !outbound.isEmpty()) {
            unflushed |= send((EgressTarget) outbound.peekTag(), outbound.peekBuffer(), outbound.peekLength());
            outbound.pop();
            count++;
        }
        sinceFlush = unflushed ? sinceFlush + count : 0;
        if (unflushed && (outbound.isEmpty() || sinceFlush >= FLUSH_EVERY)) {
            batches.writeAll();
            channel.flush();
            unflushed = false;
            sinceFlush = 0;
        }
        if (!outbound.isEmpty() && drainScheduled.compareAndSet(false, true)) {
            loop.execute(drainTask);
        }
    }

    /** Protects and writes one packet; returns whether it was written to the lane's socket (needs a flush). */
    private boolean send(EgressTarget target, byte[] buf, int len) {
        int length = PacketKind.isRtcp(buf[1] & 0xFF) ? target.srtp.protectRtcp(buf, 0, len)
                : target.srtp.protectRtp(buf, 0, len);
        if (length <= 0) {
            protectFailed++;
            return false;
        }
        sent++;
        sentBytes += length;
        if (target.udpRemote == null) {
            // ICE-TCP: the connection's own event loop writes it.
            target.endpoint.send(buf, 0, length);
            return false;
        }
        UdpCoalescer coalescer = target.laneCoalescer;
        if (coalescer == null) {
            coalescer = new UdpCoalescer(channel, target.udpRemote, batches);
            target.laneCoalescer = coalescer;
        }
        coalescer.send(buf, 0, length);
        return true;
    }

    /** Segmented sends and the datagrams they carried so far; on the lane's loop. */
    long[] segmentedSends() {
        return new long[] {batches.segmentedSends(), batches.segmentedDatagrams()};
    }

    /** Whether the lane coalesces now; on the lane's loop. */
    boolean udpSegmentation() {
        return batches.segmentation();
    }

    private void drainInbound() {
        inboundScheduled.set(false);
        int count = 0;
        while (count < MAX_DRAIN && !inbound.isEmpty()) {
            handler.onLaneDatagram(inbound.peekBuffer(), inbound.peekLength(), (InetSocketAddress) inbound.peekTag());
            inbound.pop();
            count++;
        }
        handler.onLaneBatchEnd();
        if (!inbound.isEmpty() && inboundScheduled.compareAndSet(false, true)) {
            mediaLoop.execute(inboundTask);
        }
    }

    /** Packets the lane protected and sent. */
    long sent() {
        return sent;
    }

    /** Bytes of the packets the lane protected and sent. */
    long sentBytes() {
        return sentBytes;
    }

    /** Packets the lane could not protect (a refused SRTP context: too many streams, exhausted index). */
    long protectFailed() {
        return protectFailed;
    }

    /** Received datagrams dropped because the media loop was this far behind. */
    long inboundFull() {
        return inboundFull;
    }

    void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly();
        }
    }

    /** The lane socket's reads: handed to the media loop, in order. */
    private final class Reader extends SimpleChannelInboundHandler<DatagramPacket> {
        private boolean queued;

        @Override
        protected void channelRead0(ChannelHandlerContext context, DatagramPacket packet) {
            ByteBuf content = packet.content();
            int len = content.readableBytes();
            if (len < 1 || len > Buffers.MAX_PACKET) {
                return;
            }
            content.getBytes(content.readerIndex(), receive, 0, len);
            if (inbound.offer(receive, 0, len, packet.sender())) {
                queued = true;
            } else {
                inboundFull++;
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext context) {
            if (queued) {
                queued = false;
                if (!inboundScheduled.get() && inboundScheduled.compareAndSet(false, true)) {
                    mediaLoop.execute(inboundTask);
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            // A socket error on one datagram (ICMP unreachable surfaced as an error) must not close the lane. A
            // failed write (void promise) after a segmented send is likely the kernel refusing segmentation on this
            // route, as on the media socket: stop coalescing, once.
            if (cause instanceof IOException && batches.turnOff()) {
                LOG.warn("egress lane UDP send failed with segmentation offload ({}); sending datagrams one by one "
                        + "from now", cause.toString());
            }
        }
    }
}

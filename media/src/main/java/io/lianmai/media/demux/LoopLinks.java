package io.lianmai.media.demux;

import io.lianmai.media.sfu.PacketQueue;
import io.lianmai.media.transport.MediaEndpoint;
import io.lianmai.media.transport.PeerConnection;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How one media loop reaches the others. With several loops, every loop has its own socket on the media port and
 * the kernel picks the socket by a hash of the address pair ({@code SO_REUSEPORT}), not by session; so a loop reads
 * datagrams of sessions another loop owns. Its demultiplexer finds no session for them and hands them here: the
 * {@link Directory} (shared, concurrent maps written only when a session is registered, checked or ended) names the
 * owning loop, and the datagram is copied into that loop's inbound queue from this loop (bounded, single producer,
 * single consumer: no lock, nothing allocated per packet), which drains it through its own demultiplexer.
 *
 * <p>ICE-TCP connections are all accepted by loop 0. A connection whose first check names another loop's session is
 * bound to a {@link RemoteTcp}: its frames are handed over the same way, and the owning loop decides (and closes the
 * connection when the check was not valid).
 *
 * <p>Threading: {@link #forward}, {@link #forwardCheck} and {@link #forwardTcp} run on this loop; the drain on
 * the owning loop. One instance per loop; with one loop, {@link #NONE}.
 */
public final class LoopLinks {
    /** One loop: nothing is ever elsewhere. */
    public static final LoopLinks NONE = new LoopLinks();

    /** Packets each inbound queue holds (per sending loop); a full queue drops the packet. */
    static final int QUEUE_PACKETS = 1024;
    /**
     * Packets one drain takes from each queue before it flushes and yields, so that a loop that falls behind still
     * reads its own socket, runs its tick and sends what it forwarded.
     */
    static final int DRAIN_BATCH = 64;

    private final Directory directory;
    private final int index;
    private final EventLoop loop;
    private final PacketQueue[] inbound;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    private PacketDemultiplexer demux;
    private Runnable flush;
    // Owned by this loop.
    private long handedOver;
    private long handoverDropped;

    private LoopLinks() {
        this.directory = null;
        this.index = 0;
        this.loop = null;
        this.inbound = new PacketQueue[0];
    }

    /** Loop {@code index} of {@code directory}'s, running on {@code loop}. */
    public LoopLinks(Directory directory, int index, EventLoop loop) {
        this.directory = directory;
        this.index = index;
        this.loop = loop;
        this.inbound = new PacketQueue[directory.links.length];
        for (int i = 0; i < inbound.length; i++) {
            inbound[i] = i == index ? null : new PacketQueue(QUEUE_PACKETS);
        }
        directory.links[index] = this;
    }

    /** Where handed-over packets go on this loop, and what sends what they caused; set once, before any packet. */
    public void attach(PacketDemultiplexer receiver, Runnable flushAfterDrain) {
        this.demux = receiver;
        this.flush = flushAfterDrain;
    }

    // ---- the directory (any thread; writes only on registration, checks and ends) ----

    void ufragRouted(String ufrag) {
        if (directory != null) {
            directory.ufrags.put(ufrag, index);
        }
    }

    void ufragForgotten(String ufrag) {
        if (directory != null) {
            directory.ufrags.remove(ufrag, index);
        }
    }

    void addressRouted(InetSocketAddress address) {
        if (directory != null) {
            directory.addresses.put(address, index);
        }
    }

    void addressForgotten(InetSocketAddress address) {
        if (directory != null) {
            directory.addresses.remove(address, index);
        }
    }

    // ---- this loop: hand over what belongs elsewhere ----

    /** A datagram from an address this loop does not route: true when another loop owns it and it was handed over. */
    boolean forward(byte[] buf, int len, InetSocketAddress sender) {
        if (directory == null) {
            return false;
        }
        Integer owner = directory.addresses.get(sender);
        return owner != null && owner != index && handOver(owner, buf, len, sender);
    }

    /** A STUN check naming a ufrag this loop does not know: true when another loop's session has it. */
    boolean forwardCheck(String ufrag, byte[] buf, int len, InetSocketAddress sender) {
        if (directory == null) {
            return false;
        }
        Integer owner = directory.ufrags.get(ufrag);
        return owner != null && owner != index && handOver(owner, buf, len, sender);
    }

    /**
     * An ICE-TCP check naming another loop's ufrag: the connection is bound to a {@link RemoteTcp} of that loop,
     * which takes this frame and every later one; null when no loop knows the ufrag.
     */
    PeerConnection forwardTcpCheck(String ufrag, MediaEndpoint from, byte[] buf, int len) {
        if (directory == null) {
            return null;
        }
        Integer owner = directory.ufrags.get(ufrag);
        if (owner == null || owner == index) {
            return null;
        }
        RemoteTcp remote = new RemoteTcp(owner, from);
        handOver(owner, buf, len, remote);
        return remote;
    }

    /** A frame of a TCP connection bound to another loop ({@link #forwardTcpCheck}). */
    void forwardTcp(RemoteTcp remote, byte[] buf, int len) {
        handOver(remote.loop, buf, len, remote);
    }

    private boolean handOver(int owner, byte[] buf, int len, Object tag) {
        directory.links[owner].receive(index, buf, len, tag);
        handedOver++;
        return true;
    }

    /** On loop {@code from}: queues a packet for this loop and wakes it unless it is awake already. */
    private void receive(int from, byte[] buf, int len, Object tag) {
        if (!inbound[from].offer(buf, 0, len, tag)) {
            directory.links[from].handoverDropped++;
            return;
        }
        if (drainScheduled.compareAndSet(false, true)) {
            loop.execute(drain);
        }
    }

    // ---- this loop: what others handed over ----

    private void drain() {
        drainScheduled.set(false);
        boolean more = false;
        for (PacketQueue queue : inbound) {
            if (queue == null) {
                continue;
            }
            for (int n = 0; n < DRAIN_BATCH && !queue.isEmpty(); n++) {
                byte[] buf = queue.peekBuffer();
                int len = queue.peekLength();
                Object tag = queue.peekTag();
                try {
                    if (tag instanceof RemoteTcp remote) {
                        onTcp(remote, buf, len);
                    } else {
                        demux.onHandedDatagram(buf, len, (InetSocketAddress) tag);
                    }
                } catch (RuntimeException e) {
                    demux.onPacketFailure(e);
                }
                queue.pop();
            }
            more |= !queue.isEmpty();
        }
        flush.run();
        if (more && drainScheduled.compareAndSet(false, true)) {
            loop.execute(drain); // the rest after this loop's other work
        }
    }

    private void onTcp(RemoteTcp remote, byte[] buf, int len) {
        if (remote.closed) {
            return;
        }
        PeerConnection bound = demux.onHandedTcpFrame(remote.session, remote.endpoint, buf, len);
        if (bound == null) {
            remote.closed = true;
            remote.endpoint.close();
        } else {
            remote.session = bound;
        }
    }

    /** Datagrams and frames this loop handed to others (on this loop). */
    public long handedOver() {
        return handedOver;
    }

    /** Of those, dropped because the owner's queue was full (on this loop). */
    public long handoverDropped() {
        return handoverDropped;
    }

    /**
     * An ICE-TCP connection accepted by loop 0 whose session lives on {@code loop}: loop 0 keeps the connection, the
     * owner keeps the binding.
     */
    static final class RemoteTcp implements PeerConnection {
        final int loop;
        final MediaEndpoint endpoint;
        /** The session a valid check bound the connection to, on the owning loop; null before. */
        volatile PeerConnection session;
        volatile boolean closed;

        RemoteTcp(int loop, MediaEndpoint endpoint) {
            this.loop = loop;
            this.endpoint = endpoint;
        }

        @Override
        public boolean isEnded() {
            PeerConnection bound = session;
            return closed || (bound != null && bound.isEnded());
        }

        @Override
        public boolean isBound() {
            return session != null;
        }
    }

    /** What every loop shares: which loop owns a ufrag or an address, and each loop's links. */
    public static final class Directory {
        private final Map<String, Integer> ufrags = new ConcurrentHashMap<>();
        private final Map<InetSocketAddress, Integer> addresses = new ConcurrentHashMap<>();
        private final LoopLinks[] links;

        public Directory(int loops) {
            this.links = new LoopLinks[loops];
        }
    }
}

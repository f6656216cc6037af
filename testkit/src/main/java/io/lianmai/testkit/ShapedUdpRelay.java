package io.lianmai.testkit;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A UDP relay on loopback between one client and a server that behaves like a constrained access link behind a NAT:
 * the server→client direction passes through a bottleneck of a given rate (changeable while running, as a phone's
 * downlink changes) with a drop-tail queue of {@link #QUEUE_MILLIS} at that rate, and so can the client→server
 * direction (a narrow uplink under a publisher, {@link #setUplinkBps}); both directions add a one-way
 * delay, and a share of the media packets (RTP and RTCP, first byte 128..191; STUN and DTLS pass, so the session
 * connects) is lost at random in each direction. What {@code tc tbf} + {@code netem} would do in a network
 * namespace, without needing one.
 *
 * <p>Like a NAT, each client address (a browser gathers a host candidate per interface and checks from every one)
 * gets a server-side socket of its own, so the server's answers to one candidate's checks return to that candidate,
 * whatever the others sent in the meantime — one shared socket, answering whoever spoke last, sent a delayed path's
 * replies to the wrong candidate and the browser's ICE failed. At most {@link #MAX_MAPPINGS} client addresses.
 *
 * <p>Daemon threads (a receiver per socket and a timed sender per direction), ended by {@link #close()}.
 */
public final class ShapedUdpRelay implements AutoCloseable {
    /** The bottleneck's queue holds what drains in this long at its rate, as a router's buffer would. */
    public static final long QUEUE_MILLIS = 300;
    /** Client addresses (mappings) one relay serves; a browser has a few host candidates. */
    static final int MAX_MAPPINGS = 16;
    private static final int TIMEOUT_MILLIS = 200;
    private static final int MIN_QUEUE_BYTES = 8 * 1024;

    private final DatagramSocket clientSide;
    private final InetSocketAddress server;
    private final ConcurrentHashMap<SocketAddress, Mapping> mappings = new ConcurrentHashMap<>();
    private final long delayNanos;
    private final double lossShare;
    private final SplittableRandom upRandom;
    private final SplittableRandom downRandom;
    private final Direction up;
    private final Direction down;
    private final Thread clientReceiver;
    private volatile long downlinkBps = Long.MAX_VALUE;
    private volatile long uplinkBps = Long.MAX_VALUE;
    private volatile boolean running = true;
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong overflowed = new AtomicLong();
    private final AtomicLong downlinkBytes = new AtomicLong();

    /**
     * @param server the server's media address (loopback)
     * @param oneWayDelayMillis added in each direction (the round trip grows by twice this)
     * @param lossShare share of media packets lost in each direction, 0..1
     * @param seed the random seed, so that a run can be repeated
     */
    public ShapedUdpRelay(InetSocketAddress server, long oneWayDelayMillis, double lossShare, long seed)
            throws IOException {
        this.server = server;
        this.delayNanos = TimeUnit.MILLISECONDS.toNanos(oneWayDelayMillis);
        this.lossShare = lossShare;
        this.upRandom = new SplittableRandom(seed);
        this.downRandom = upRandom.split();
        this.clientSide = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        clientSide.setSoTimeout(TIMEOUT_MILLIS);
        this.up = new Direction("up", false);
        this.down = new Direction("down", true);
        this.clientReceiver = daemon("shaped-relay-up-in", this::receiveFromClients);
    }

    /** The port clients must send to (see {@link #redirect}). */
    public int port() {
        return clientSide.getLocalPort();
    }

    /** Sets the server→client bottleneck rate in bit/s; {@link Long#MAX_VALUE} lifts it. */
    public void setDownlinkBps(long bps) {
        this.downlinkBps = bps;
    }

    /** Media packets lost at random so far (both directions). */
    public long lost() {
        return lost.get();
    }

    /** Sets the client→server bottleneck rate in bit/s (same queue rule); {@link Long#MAX_VALUE} lifts it. */
    public void setUplinkBps(long bps) {
        this.uplinkBps = bps;
    }

    /** Packets dropped because a bottleneck's queue was full (server→client, and client→server when capped). */
    public long overflowed() {
        return overflowed.get();
    }

    /** Server→client bytes delivered to the client so far. */
    public long downlinkBytes() {
        return downlinkBytes.get();
    }

    /** Client addresses seen so far, each with its own server-side socket. */
    public int mappings() {
        return mappings.size();
    }

    /** An SDP answer whose UDP host candidates point at this relay ({@link LossyUdpRelay#redirect}). */
    public String redirect(String answerSdp, int serverPort) {
        return LossyUdpRelay.redirect(answerSdp, serverPort, port());
    }

    private static boolean isMedia(byte[] buffer) {
        int first = buffer[0] & 0xFF;
        return first >= 128 && first <= 191;
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void receiveFromClients() {
        byte[] buffer = new byte[2048];
        while (running) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                clientSide.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return;
            }
            Mapping mapping = mapping(packet.getSocketAddress());
            if (mapping != null) {
                up.admit(buffer, packet.getLength(), mapping.serverSide, server, upRandom);
            }
        }
    }

    /** The client address's mapping, made on its first packet; null beyond {@link #MAX_MAPPINGS} or when closed. */
    private Mapping mapping(SocketAddress client) {
        Mapping known = mappings.get(client);
        if (known != null || mappings.size() >= MAX_MAPPINGS || !running) {
            return known;
        }
        try {
            Mapping made = new Mapping(client);
            mappings.put(client, made);
            return made;
        } catch (IOException e) {
            return null;
        }
    }

    /** One client address: a server-side socket whose receiver returns what the server sends to that address. */
    private final class Mapping {
        final DatagramSocket serverSide;

        Mapping(SocketAddress client) throws IOException {
            serverSide = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            serverSide.setSoTimeout(TIMEOUT_MILLIS);
            daemon("shaped-relay-down-in", () -> {
                byte[] buffer = new byte[2048];
                while (running) {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    try {
                        serverSide.receive(packet);
                    } catch (SocketTimeoutException e) {
                        continue;
                    } catch (IOException e) {
                        return;
                    }
                    down.admit(buffer, packet.getLength(), clientSide, client, downRandom);
                }
            });
        }
    }

    /** A packet waiting in a direction: its bytes, the socket it leaves by, where it goes, when it is due. */
    private record Queued(byte[] bytes, DatagramSocket via, SocketAddress target, long dueNanos) {
    }

    /** One direction: receivers admit packets (loss, bottleneck, delay), a sender thread sends each when it is due. */
    private final class Direction {
        private final boolean downlink;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final ArrayDeque<Queued> packets = new ArrayDeque<>();
        private long bottleneckFreeAt;
        private final Thread sender;

        Direction(String name, boolean downlink) {
            this.downlink = downlink;
            this.sender = daemon("shaped-relay-" + name + "-out", this::send);
        }

        void admit(byte[] buffer, int length, DatagramSocket via, SocketAddress target, SplittableRandom random) {
            if (length <= 0) {
                return;
            }
            lock.lock();
            try {
                // The random generators are not thread-safe; the down direction has a receiver per mapping.
                if (lossShare > 0 && isMedia(buffer) && random.nextDouble() < lossShare) {
                    lost.incrementAndGet();
                    return;
                }
                byte[] copy = Arrays.copyOf(buffer, length);
                long now = System.nanoTime();
                long departure = now;
                long bps = downlink ? downlinkBps : uplinkBps;
                if (bps != Long.MAX_VALUE) {
                    long queueLimit = Math.max(MIN_QUEUE_BYTES, bps / 8 * QUEUE_MILLIS / 1000);
                    // The backlog is what the bottleneck still has to send at its rate.
                    long backlog = Math.max(0, bottleneckFreeAt - now) * (bps / 8) / 1_000_000_000L;
                    if (backlog + copy.length > queueLimit) {
                        overflowed.incrementAndGet();
                        return;
                    }
                    long serialization = copy.length * 8L * 1_000_000_000L / bps;
                    bottleneckFreeAt = Math.max(bottleneckFreeAt, now) + serialization;
                    departure = bottleneckFreeAt;
                } else {
                    bottleneckFreeAt = now;
                }
                packets.add(new Queued(copy, via, target, departure + delayNanos));
                changed.signal();
            } finally {
                lock.unlock();
            }
        }

        private void send() {
            while (running) {
                Queued next;
                lock.lock();
                try {
                    next = packets.peek();
                    if (next == null) {
                        changed.await(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                        continue;
                    }
                    long wait = next.dueNanos - System.nanoTime();
                    if (wait > 0) {
                        changed.awaitNanos(Math.max(wait, 10_000));
                        continue;
                    }
                    packets.poll();
                } catch (InterruptedException e) {
                    return;
                } finally {
                    lock.unlock();
                }
                try {
                    next.via.send(new DatagramPacket(next.bytes, next.bytes.length, next.target));
                    if (downlink) {
                        downlinkBytes.addAndGet(next.bytes.length);
                    }
                } catch (IOException e) {
                    if (!running) {
                        return;
                    }
                }
            }
        }

        void join() throws InterruptedException {
            sender.join(1000);
        }
    }

    @Override
    public void close() {
        running = false;
        clientSide.close();
        mappings.values().forEach(mapping -> mapping.serverSide.close());
        try {
            clientReceiver.join(1000);
            up.join();
            down.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.lianmai.testkit;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A UDP relay on loopback between one client and a server that behaves like a constrained access link behind a NAT,
 * the one relay tests put in front of the server's media port: the server→client direction passes through a
 * bottleneck of a given rate (changeable while running, as a phone's downlink changes) with a drop-tail queue of
 * {@link #QUEUE_MILLIS} at that rate, and so can the client→server direction (a narrow uplink under a publisher,
 * {@link #setUplinkBps}); both directions add a one-way delay, and a share of the media packets (RTP and RTCP, first
 * byte 128..191; STUN and DTLS pass, so the session connects) is lost at random in each direction, the same share both
 * ways or a share for each. {@link #blackhole()} makes the client vanish without a goodbye. What {@code tc tbf} +
 * {@code netem} would do in a network namespace, without needing one.
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
    private final Direction up;
    private final Direction down;
    private final Thread clientReceiver;
    private volatile boolean blackhole;
    private volatile boolean running = true;
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong overflowed = new AtomicLong();
    private final AtomicLong blackholed = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong downlinkBytes = new AtomicLong();
    /** Server→client RTP packets seen, by payload type (what the server sends: media, RTX, padding). */
    private final AtomicLongArray downlinkByPayloadType = new AtomicLongArray(128);

    /**
     * @param server the server's media address (loopback)
     * @param oneWayDelayMillis added in each direction (the round trip grows by twice this)
     * @param lossShare share of media packets lost in each direction, 0..1
     * @param seed the random seed, so that a run can be repeated
     */
    public ShapedUdpRelay(InetSocketAddress server, long oneWayDelayMillis, double lossShare, long seed)
            throws IOException {
        this(server, oneWayDelayMillis, lossShare, lossShare, seed);
    }

    /**
     * @param server the server's media address (loopback)
     * @param oneWayDelayMillis added in each direction (the round trip grows by twice this)
     * @param uplinkLoss share of client→server media packets lost, 0..1 (a lossy uplink under a publisher)
     * @param downlinkLoss share of server→client media packets lost, 0..1 (a lossy downlink to a player)
     * @param seed the random seed, so that a run can be repeated
     */
    public ShapedUdpRelay(InetSocketAddress server, long oneWayDelayMillis, double uplinkLoss, double downlinkLoss,
            long seed) throws IOException {
        this.server = server;
        this.delayNanos = TimeUnit.MILLISECONDS.toNanos(oneWayDelayMillis);
        SplittableRandom upRandom = new SplittableRandom(seed);
        this.clientSide = loopbackSocket();
        this.up = new Direction("up", false, uplinkLoss, upRandom);
        this.down = new Direction("down", true, downlinkLoss, upRandom.split());
        this.clientReceiver = receiver("shaped-relay-up-in", clientSide, this::fromClient);
    }

    /** The port clients must send to (see {@link #redirect}). */
    public int port() {
        return clientSide.getLocalPort();
    }

    /** Sets the server→client bottleneck rate in bit/s; {@link Long#MAX_VALUE} lifts it. */
    public void setDownlinkBps(long bps) {
        down.bps = bps;
    }

    /**
     * From now on client→server RTP packets of {@code payloadType} arrive {@code extraMillis} later than the rest
     * (their RTCP does not): one track held up on its way — a sender's queue, a slower path — so that arrival times
     * no longer tell when it was captured; only its sender reports do. 0 ends it.
     */
    public void delayUplinkRtp(int payloadType, long extraMillis) {
        up.slowPayloadType = payloadType;
        up.slowExtraNanos = TimeUnit.MILLISECONDS.toNanos(extraMillis);
    }

    /** Sets the client→server bottleneck rate in bit/s (same queue rule); {@link Long#MAX_VALUE} lifts it. */
    public void setUplinkBps(long bps) {
        up.bps = bps;
    }

    /** From now on drops everything the client sends (STUN too), as if it vanished without saying goodbye. */
    public void blackhole() {
        blackhole = true;
    }

    /** Media packets lost at random so far (both directions). */
    public long lost() {
        return lost.get();
    }

    /** Packets dropped because a bottleneck's queue was full (server→client, and client→server when capped). */
    public long overflowed() {
        return overflowed.get();
    }

    /** Client packets dropped by {@link #blackhole()}. */
    public long blackholed() {
        return blackholed.get();
    }

    /** Client→server packets delivered to the server so far. */
    public long forwarded() {
        return forwarded.get();
    }

    /** Server→client bytes delivered to the client so far. */
    public long downlinkBytes() {
        return downlinkBytes.get();
    }

    /** Server→client RTP packets of {@code payloadType} seen so far (lost and overflowed ones included). */
    public long downlinkPackets(int payloadType) {
        return downlinkByPayloadType.get(payloadType & 0x7F);
    }

    /** Client addresses seen so far, each with its own server-side socket. */
    public int mappings() {
        return mappings.size();
    }

    /**
     * An SDP answer whose UDP host candidates (and m-line ports) point at this relay, with TCP candidates removed,
     * so that no path to the server bypasses the relay.
     */
    public String redirect(String answerSdp, int serverPort) {
        return redirect(answerSdp, serverPort, port());
    }

    /** {@link #redirect(String, int)} towards any relay listening on {@code relayPort}. */
    static String redirect(String answerSdp, int serverPort, int relayPort) {
        StringBuilder out = new StringBuilder();
        for (String line : answerSdp.split("\r\n")) {
            if (line.startsWith("a=candidate:")) {
                if (line.contains(" tcp ")) {
                    continue;
                }
                line = line.replace(" " + serverPort + " typ host", " " + relayPort + " typ host");
            } else if (line.startsWith("m=") && line.contains(" " + serverPort + " ")) {
                // The m-line port is a candidate too for some stacks: point it at the relay as well.
                line = line.replaceFirst(" " + serverPort + " ", " " + relayPort + " ");
            }
            out.append(line).append("\r\n");
        }
        return out.toString();
    }

    private static boolean isMedia(byte[] buffer) {
        int first = buffer[0] & 0xFF;
        return first >= 128 && first <= 191;
    }

    /** RTP as RFC 7983 tells it from the rest, and not RTCP (packet types 192..223 in the second byte, RFC 5761 §4). */
    private static boolean isRtp(byte[] buffer, int length) {
        if (length < 12 || !isMedia(buffer)) {
            return false;
        }
        int second = buffer[1] & 0xFF;
        return second < 192 || second > 223;
    }

    private static DatagramSocket loopbackSocket() throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(TIMEOUT_MILLIS);
        return socket;
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** What a receiver does with each datagram; {@code buffer} is reused for the next one. */
    @FunctionalInterface
    private interface DatagramHandler {
        void onDatagram(byte[] buffer, int length, SocketAddress from);
    }

    /** A daemon thread handing every datagram {@code socket} receives to {@code handler}, until closed. */
    private Thread receiver(String name, DatagramSocket socket, DatagramHandler handler) {
        return daemon(name, () -> {
            byte[] buffer = new byte[2048];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            while (running) {
                packet.setLength(buffer.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    continue;
                } catch (IOException e) {
                    return;
                }
                handler.onDatagram(buffer, packet.getLength(), packet.getSocketAddress());
            }
        });
    }

    private void fromClient(byte[] buffer, int length, SocketAddress client) {
        if (blackhole) {
            blackholed.incrementAndGet();
            return;
        }
        Mapping mapping = mapping(client);
        if (mapping != null) {
            up.admit(buffer, length, mapping.serverSide, server);
        }
    }

    private void fromServer(byte[] buffer, int length, SocketAddress client) {
        if (isRtp(buffer, length)) {
            downlinkByPayloadType.incrementAndGet(buffer[1] & 0x7F);
        }
        down.admit(buffer, length, clientSide, client);
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
            serverSide = loopbackSocket();
            receiver("shaped-relay-down-in", serverSide, (buffer, length, from) -> fromServer(buffer, length, client));
        }
    }

    /**
     * A packet waiting in a direction: its bytes, the socket it leaves by, where it goes, when it is due, and its place
     * in arrival order (packets due at the same time leave in the order they came).
     */
    private record Queued(byte[] bytes, DatagramSocket via, SocketAddress target, long dueNanos, long order) {
    }

    /** One direction: receivers admit packets (loss, bottleneck, delay), a sender thread sends each when it is due. */
    private final class Direction {
        private final boolean downlink;
        /** Not thread-safe: drawn only under {@link #lock} (the down direction has a receiver per mapping). */
        private final SplittableRandom random;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final PriorityQueue<Queued> packets = new PriorityQueue<>(
                Comparator.comparingLong(Queued::dueNanos).thenComparingLong(Queued::order));
        private long admitted;
        private volatile int slowPayloadType = -1;
        private volatile long slowExtraNanos;
        private final double lossShare;
        private volatile long bps = Long.MAX_VALUE;
        private long bottleneckFreeAt;
        private final Thread sender;

        Direction(String name, boolean downlink, double lossShare, SplittableRandom random) {
            this.downlink = downlink;
            this.lossShare = lossShare;
            this.random = random;
            this.sender = daemon("shaped-relay-" + name + "-out", this::send);
        }

        void admit(byte[] buffer, int length, DatagramSocket via, SocketAddress target) {
            if (length <= 0) {
                return;
            }
            lock.lock();
            try {
                if (lossShare > 0 && isMedia(buffer) && random.nextDouble() < lossShare) {
                    lost.incrementAndGet();
                    return;
                }
                byte[] copy = Arrays.copyOf(buffer, length);
                long now = System.nanoTime();
                long departure = now;
                long rate = bps;
                if (rate != Long.MAX_VALUE) {
                    long queueLimit = Math.max(MIN_QUEUE_BYTES, rate / 8 * QUEUE_MILLIS / 1000);
                    // The backlog is what the bottleneck still has to send at its rate.
                    long backlog = Math.max(0, bottleneckFreeAt - now) * (rate / 8) / 1_000_000_000L;
                    if (backlog + copy.length > queueLimit) {
                        overflowed.incrementAndGet();
                        return;
                    }
                    long serialization = copy.length * 8L * 1_000_000_000L / rate;
                    bottleneckFreeAt = Math.max(bottleneckFreeAt, now) + serialization;
                    departure = bottleneckFreeAt;
                } else {
                    bottleneckFreeAt = now;
                }
                long extra = slowExtraNanos > 0 && isRtp(copy, copy.length)
                        && (copy[1] & 0x7F) == slowPayloadType ? slowExtraNanos : 0;
                packets.add(new Queued(copy, via, target, departure + delayNanos + extra, admitted++));
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
                    } else {
                        forwarded.incrementAndGet();
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

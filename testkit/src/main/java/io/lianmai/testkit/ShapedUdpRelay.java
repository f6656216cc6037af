package io.lianmai.testkit;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A UDP relay on loopback between one client and a server that behaves like a constrained access link: the
 * server→client direction passes through a bottleneck of a given rate (changeable while running, as a phone's
 * downlink changes) with a drop-tail queue of {@link #QUEUE_MILLIS} at that rate, both directions add a one-way
 * delay, and a share of the media packets (RTP and RTCP, first byte 128..191; STUN and DTLS pass, so the session
 * connects) is lost at random in each direction. What {@code tc tbf} + {@code netem} would do in a network
 * namespace, without needing one.
 *
 * <p>Four daemon threads (a receiver and a timed sender per direction), ended by {@link #close()}.
 */
public final class ShapedUdpRelay implements AutoCloseable {
    /** The bottleneck's queue holds what drains in this long at its rate, as a router's buffer would. */
    public static final long QUEUE_MILLIS = 300;
    private static final int TIMEOUT_MILLIS = 200;
    private static final int MIN_QUEUE_BYTES = 8 * 1024;

    private final DatagramSocket clientSide;
    private final DatagramSocket serverSide;
    private final InetSocketAddress server;
    private volatile long delayNanos;
    private volatile double lossShare;
    private final SplittableRandom upRandom;
    private final SplittableRandom downRandom;
    private final Direction up;
    private final Direction down;
    private volatile long downlinkBps = Long.MAX_VALUE;
    private volatile InetSocketAddress client;
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
        this.serverSide = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        clientSide.setSoTimeout(TIMEOUT_MILLIS);
        serverSide.setSoTimeout(TIMEOUT_MILLIS);
        this.up = new Direction("up", clientSide, serverSide, false);
        this.down = new Direction("down", serverSide, clientSide, true);
    }

    /** The port clients must send to (see {@link #redirect}). */
    public int port() {
        return clientSide.getLocalPort();
    }

    /** Sets the server→client bottleneck rate in bit/s; {@link Long#MAX_VALUE} lifts it. */
    public void setDownlinkBps(long bps) {
        this.downlinkBps = bps;
    }

    /**
     * Changes the one-way delay and the media loss share from now on (both directions), so that a test can connect
     * first and impair the path after.
     */
    public void impair(long oneWayDelayMillis, double lossShare) {
        this.delayNanos = TimeUnit.MILLISECONDS.toNanos(oneWayDelayMillis);
        this.lossShare = lossShare;
    }

    /** Media packets lost at random so far (both directions). */
    public long lost() {
        return lost.get();
    }

    /** Server→client packets dropped because the bottleneck's queue was full. */
    public long overflowed() {
        return overflowed.get();
    }

    /** Server→client bytes delivered to the client so far. */
    public long downlinkBytes() {
        return downlinkBytes.get();
    }

    /** An SDP answer whose UDP host candidates point at this relay ({@link LossyUdpRelay#redirect}). */
    public String redirect(String answerSdp, int serverPort) {
        return LossyUdpRelay.redirect(answerSdp, serverPort, port());
    }

    private static boolean isMedia(byte[] buffer) {
        int first = buffer[0] & 0xFF;
        return first >= 128 && first <= 191;
    }

    /** One direction: a receiver thread that queues, and a sender thread that sends each packet when it is due. */
    private final class Direction {
        private final DatagramSocket from;
        private final DatagramSocket to;
        private final boolean shaped;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final ArrayDeque<byte[]> packets = new ArrayDeque<>();
        private final ArrayDeque<Long> due = new ArrayDeque<>();
        private long bottleneckFreeAt;
        private final Thread receiver;
        private final Thread sender;

        Direction(String name, DatagramSocket from, DatagramSocket to, boolean shaped) {
            this.from = from;
            this.to = to;
            this.shaped = shaped;
            this.receiver = new Thread(this::receive, "shaped-relay-" + name + "-in");
            this.sender = new Thread(this::send, "shaped-relay-" + name + "-out");
            receiver.setDaemon(true);
            sender.setDaemon(true);
            receiver.start();
            sender.start();
        }

        private void receive() {
            byte[] buffer = new byte[2048];
            SplittableRandom random = shaped ? downRandom : upRandom;
            while (running) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    from.receive(packet);
                } catch (SocketTimeoutException e) {
                    continue;
                } catch (IOException e) {
                    return;
                }
                if (!shaped) {
                    client = (InetSocketAddress) packet.getSocketAddress();
                }
                if (lossShare > 0 && isMedia(buffer) && random.nextDouble() < lossShare) {
                    lost.incrementAndGet();
                    continue;
                }
                byte[] copy = java.util.Arrays.copyOf(buffer, packet.getLength());
                long now = System.nanoTime();
                lock.lock();
                try {
                    long departure = now;
                    long bps = downlinkBps;
                    if (shaped && bps != Long.MAX_VALUE) {
                        long queueLimit = Math.max(MIN_QUEUE_BYTES, bps / 8 * QUEUE_MILLIS / 1000);
                        // The backlog is what the bottleneck still has to send at its rate.
                        long backlog = Math.max(0, bottleneckFreeAt - now) * (bps / 8) / 1_000_000_000L;
                        if (backlog + copy.length > queueLimit) {
                            overflowed.incrementAndGet();
                            continue;
                        }
                        long serialization = copy.length * 8L * 1_000_000_000L / bps;
                        bottleneckFreeAt = Math.max(bottleneckFreeAt, now) + serialization;
                        departure = bottleneckFreeAt;
                    } else {
                        bottleneckFreeAt = now;
                    }
                    packets.add(copy);
                    due.add(departure + delayNanos);
                    changed.signal();
                } finally {
                    lock.unlock();
                }
            }
        }

        private void send() {
            while (running) {
                byte[] packet;
                lock.lock();
                try {
                    Long next = due.peek();
                    if (next == null) {
                        changed.await(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                        continue;
                    }
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        changed.awaitNanos(Math.max(wait, 10_000));
                        continue;
                    }
                    due.poll();
                    packet = packets.poll();
                } catch (InterruptedException e) {
                    return;
                } finally {
                    lock.unlock();
                }
                SocketAddress target = shaped ? client : server;
                if (target == null) {
                    continue;
                }
                try {
                    to.send(new DatagramPacket(packet, packet.length, target));
                    if (shaped) {
                        downlinkBytes.addAndGet(packet.length);
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }

        void join() throws InterruptedException {
            receiver.join(1000);
            sender.join(1000);
        }
    }

    @Override
    public void close() {
        running = false;
        clientSide.close();
        serverSide.close();
        try {
            up.join();
            down.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

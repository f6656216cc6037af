package io.lianmai.testkit;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A UDP relay on loopback between one client and a server that drops a share of the client's media packets (RTP
 * and RTCP, first byte 128..191), as a lossy uplink would. STUN and DTLS pass untouched, so the session still
 * connects; what the test measures is how media survives the loss.
 *
 * <p>Two daemon threads, each blocking with a short timeout, end on {@link #close()}.
 */
public final class LossyUdpRelay implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 200;

    private final DatagramSocket clientSide;
    private final DatagramSocket serverSide;
    private final InetSocketAddress server;
    private final double dropShare;
    private final double downDropShare;
    /** Server→client RTP packets seen, by payload type (what the server sends: media, RTX, padding). */
    private final AtomicLongArray downByPayloadType =
            new AtomicLongArray(128);
    private final SplittableRandom random;
    /** The downlink thread's own generator (SplittableRandom is not thread-safe). */
    private final SplittableRandom downRandom;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile InetSocketAddress client;
    private volatile boolean blackhole;
    private volatile boolean running = true;
    private final Thread up;
    private final Thread down;

    /**
     * @param server the server's media address (loopback)
     * @param dropShare the share of client→server media packets to drop, 0..1
     * @param seed the random seed, so a run can be repeated
     */
    public LossyUdpRelay(InetSocketAddress server, double dropShare, long seed) throws IOException {
        this(server, dropShare, 0, seed);
    }

    /**
     * @param server the server's media address (loopback)
     * @param dropShare the share of client→server media packets to drop, 0..1
     * @param downDropShare the share of server→client media packets to drop, 0..1
     * @param seed the random seed, so a run can be repeated
     */
    public LossyUdpRelay(InetSocketAddress server, double dropShare, double downDropShare, long seed)
            throws IOException {
        this.server = server;
        this.dropShare = dropShare;
        this.downDropShare = downDropShare;
        this.random = new SplittableRandom(seed);
        this.downRandom = random.split();
        this.clientSide = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.serverSide = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        clientSide.setSoTimeout(TIMEOUT_MILLIS);
        serverSide.setSoTimeout(TIMEOUT_MILLIS);
        up = new Thread(this::clientToServer, "lossy-relay-up");
        down = new Thread(this::serverToClient, "lossy-relay-down");
        up.setDaemon(true);
        down.setDaemon(true);
        up.start();
        down.start();
    }

    /** The port clients must send to (put it in the server's candidate instead of the real port). */
    public int port() {
        return clientSide.getLocalPort();
    }

    public long forwarded() {
        return forwarded.get();
    }

    public long dropped() {
        return dropped.get();
    }

    private void clientToServer() {
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
            client = (InetSocketAddress) packet.getSocketAddress();
            if (blackhole) {
                dropped.incrementAndGet();
                continue;
            }
            int first = buffer[0] & 0xFF;
            boolean media = first >= 128 && first <= 191;
            if (media && random.nextDouble() < dropShare) {
                dropped.incrementAndGet();
                continue;
            }
            try {
                serverSide.send(new DatagramPacket(buffer, packet.getLength(), server));
                forwarded.incrementAndGet();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serverToClient() {
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
            InetSocketAddress target = client;
            int first = buffer[0] & 0xFF;
            int second = buffer[1] & 0xFF;
            // RTP (RFC 7983: first byte 128..191, and not RTCP's packet types 192..223 in the second byte).
            boolean rtp = first >= 128 && first <= 191 && packet.getLength() >= 12 && (second < 192 || second > 223);
            if (rtp) {
                downByPayloadType.incrementAndGet(second & 0x7F);
                if (downDropShare > 0 && downRandom.nextDouble() < downDropShare) {
                    dropped.incrementAndGet();
                    continue;
                }
            }
            if (target != null) {
                try {
                    clientSide.send(new DatagramPacket(buffer, packet.getLength(), target));
                } catch (IOException e) {
                    return;
                }
            }
        }
    }

    /** Server→client RTP packets of {@code payloadType} seen so far (dropped ones included). */
    public long downlinkPackets(int payloadType) {
        return downByPayloadType.get(payloadType & 0x7F);
    }

    /** From now on drops everything the client sends, as if it vanished without saying goodbye. */
    public void blackhole() {
        blackhole = true;
    }

    /**
     * An SDP answer whose UDP host candidates (and m-line ports) point at this relay, with TCP candidates removed,
     * so that no path to the server bypasses the relay.
     */
    public String redirect(String answerSdp, int serverPort) {
        StringBuilder out = new StringBuilder();
        for (String line : answerSdp.split("\r\n")) {
            if (line.startsWith("a=candidate:")) {
                if (line.contains(" tcp ")) {
                    continue;
                }
                line = line.replace(" " + serverPort + " typ host", " " + port() + " typ host");
            } else if (line.startsWith("m=") && line.contains(" " + serverPort + " ")) {
                // The m-line port is a candidate too for some stacks: point it at the relay as well.
                line = line.replaceFirst(" " + serverPort + " ", " " + port() + " ");
            }
            out.append(line).append("\r\n");
        }
        return out.toString();
    }

    @Override
    public void close() {
        running = false;
        clientSide.close();
        serverSide.close();
        try {
            up.join(1000);
            down.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.lianmai.media;

import io.lianmai.media.dtls.DtlsClientSession;
import io.lianmai.media.dtls.DtlsCloseReason;
import io.lianmai.media.dtls.DtlsConfig;
import io.lianmai.media.dtls.DtlsContext;
import io.lianmai.media.dtls.DtlsException;
import io.lianmai.media.dtls.DtlsFingerprint;
import io.lianmai.media.dtls.DtlsSender;
import io.lianmai.media.dtls.DtlsSession;
import io.lianmai.media.dtls.DtlsSessionListener;
import io.lianmai.media.dtls.DtlsSrtpKeyingMaterial;
import io.lianmai.media.ice.ConnectivityCheck;
import io.lianmai.media.ice.IceCredentials;
import io.lianmai.media.ice.IceRole;
import io.lianmai.media.ice.MessageIntegrity;
import io.lianmai.media.ice.StunClass;
import io.lianmai.media.ice.StunException;
import io.lianmai.media.ice.StunMessage;
import io.lianmai.media.ice.StunMessageWriter;
import io.lianmai.wire.rtcp.GenericNack;
import io.lianmai.media.srtp.SrtpContext;
import io.lianmai.media.srtp.SrtpError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal WebRTC client for media-plane tests, over a plain UDP socket on loopback: an audio-only (Opus) offer
 * to publish or play, a controlling ICE agent that nominates the server's candidate, a DTLS client and SRTP both
 * ways. It counts every RTP packet it receives by sequence number, so a test sees retransmissions as repeats.
 */
final class RawPeer implements AutoCloseable, DtlsSender, DtlsSessionListener {
    static final long PUBLISHER_SSRC = 0x1357_2468L;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ExecutorService DTLS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "raw-peer-dtls");
        thread.setDaemon(true);
        return thread;
    });
    private static final String SHARED_FINGERPRINT = DtlsContext.withNewCertificate(DtlsConfig.DEFAULT, DTLS,
            Clock.systemUTC()).certificate().fingerprint().toSdpValue();

    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final IceCredentials ice = IceCredentials.generate(RANDOM);
    private final DtlsContext dtlsContext = DtlsContext.withNewCertificate(DtlsConfig.DEFAULT, DTLS,
            Clock.systemUTC());
    private final Thread reader;
    private final CompletableFuture<Void> iceConnected = new CompletableFuture<>();
    private final CompletableFuture<DtlsSrtpKeyingMaterial> dtlsConnected = new CompletableFuture<>();
    private final int[] received = new int[65536];
    private volatile DtlsClientSession dtls;
    private volatile SrtpContext inbound;
    private SrtpContext outbound;
    private volatile boolean closed;
    private String serverUfrag;
    private String serverPwd;
    private long mediaSsrc = -1;
    private long rtpReceived;
    private int lastSeq = -1;
    private long lastArrivalNanos;
    private long longestGapNanos;

    RawPeer(int serverPort) {
        try {
            socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            socket.setSoTimeout(100);
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
        server = new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort);
        reader = new Thread(this::read, "raw-peer-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** An Opus offer: {@code sendonly} with an SSRC to publish, {@code recvonly} to play. */
    String offer(boolean publish) {
        return offer(ice, dtlsContext.certificate().fingerprint().toSdpValue(), publish);
    }

    /**
     * An Opus publish offer with fresh ICE credentials from a client that never connects (for floods of offers:
     * no socket, no certificate of its own).
     */
    static String unconnectedPublishOffer() {
        return offer(IceCredentials.generate(RANDOM), SHARED_FINGERPRINT, true);
    }

    private static String offer(IceCredentials ice, String fingerprint, boolean publish) {
        StringBuilder sdp = new StringBuilder()
                .append("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n")
                .append("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n")
                .append("a=ice-ufrag:").append(ice.ufrag()).append("\r\n")
                .append("a=ice-pwd:").append(ice.pwd()).append("\r\n")
                .append("a=fingerprint:").append(fingerprint).append("\r\n")
                .append("a=setup:actpass\r\na=mid:0\r\n")
                .append(publish ? "a=sendonly\r\n" : "a=recvonly\r\n")
                .append("a=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\na=rtcp-fb:111 nack\r\n");
        if (publish) {
            sdp.append("a=ssrc:").append(PUBLISHER_SSRC).append(" cname:raw\r\n");
        }
        return sdp.toString();
    }

    /** Takes the server's answer, runs ICE (nominating) and DTLS, and waits for SRTP keys. */
    void connect(String answer, Duration timeout) throws Exception {
        serverUfrag = find(answer, "a=ice-ufrag:(\\S+)");
        serverPwd = find(answer, "a=ice-pwd:(\\S+)");
        DtlsFingerprint serverFingerprint = DtlsFingerprint.parse(find(answer, "a=fingerprint:(\\S+ \\S+)"));
        Matcher ssrc = Pattern.compile("a=ssrc:(\\d+)").matcher(answer);
        if (ssrc.find()) {
            mediaSsrc = Long.parseLong(ssrc.group(1));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!iceConnected.isDone() && System.nanoTime() < deadline) {
            sendCheck(socket, true);
            try {
                iceConnected.get(50, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // check again
            }
        }
        if (!iceConnected.isDone()) {
            throw new IllegalStateException("ICE did not connect within " + timeout);
        }
        DtlsClientSession session = dtlsContext.newClientSession(serverFingerprint, this, this);
        dtls = session;
        session.start();
        DtlsSrtpKeyingMaterial keys = dtlsConnected.get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000),
                TimeUnit.MILLISECONDS);
        outbound = keys.newOutboundContext();
        inbound = keys.newInboundContext();
    }

    /** The server's ICE credentials for this session, once connected (for tests that check from elsewhere). */
    IceCredentials serverIce() {
        return IceCredentials.of(serverUfrag, serverPwd);
    }

    IceCredentials localIce() {
        return ice;
    }

    /** The SSRC the server announced to this player. */
    long mediaSsrc() {
        return mediaSsrc;
    }

    /** Sends one valid check for this session from {@code from} (this peer's socket or another). */
    void sendCheck(DatagramSocket from, boolean nominate) throws IOException {
        byte[] check = check(nominate);
        from.send(new DatagramPacket(check, check.length, server));
    }

    /** One valid connectivity check for this session (after {@link #useAnswer} or {@link #connect}). */
    byte[] check(boolean nominate) {
        byte[] out = new byte[512];
        ConnectivityCheck check = new ConnectivityCheck(ConnectivityCheck.randomTransactionId(RANDOM),
                serverUfrag + ":" + ice.ufrag(), 0x6E7F_00FFL, IceRole.CONTROLLING, 42, nominate);
        int len = StunMessageWriter.writeBindingRequest(out, 0, check, MessageIntegrity.forPassword(serverPwd));
        return Arrays.copyOf(out, len);
    }

    /** Reads the server's ICE credentials from its answer without connecting. */
    void useAnswer(String answer) {
        serverUfrag = find(answer, "a=ice-ufrag:(\\S+)");
        serverPwd = find(answer, "a=ice-pwd:(\\S+)");
    }

    /** Sends an Opus-typed RTP packet with {@code payload} bytes of payload. */
    synchronized void sendRtp(int seq, long timestamp, int payload) throws IOException {
        byte[] buf = new byte[12 + payload + 64];
        buf[0] = (byte) 0x80;
        buf[1] = 111;
        buf[2] = (byte) (seq >> 8);
        buf[3] = (byte) seq;
        put32(buf, 4, timestamp);
        put32(buf, 8, PUBLISHER_SSRC);
        buf[12] = (byte) 0xF8;
        int len = outbound.protectRtp(buf, 0, 12 + payload);
        socket.send(new DatagramPacket(buf, len, server));
    }

    /** Sends one NACK (RTCP RTPFB) for {@code count} sequence numbers from {@code lost} about the played SSRC. */
    synchronized void sendNack(int[] lost, int count) throws IOException {
        byte[] buf = new byte[1500];
        int len = GenericNack.write(buf, 0, 1, mediaSsrc, lost, 0, count);
        if (len < 0) {
            throw new IllegalArgumentException("NACK too large: " + count);
        }
        int protectedLength = outbound.protectRtcp(buf, 0, len);
        socket.send(new DatagramPacket(buf, protectedLength, server));
    }

    /** How often RTP sequence number {@code seq} arrived (retransmissions included). */
    synchronized int timesReceived(int seq) {
        return received[seq & 0xFFFF];
    }

    synchronized long rtpReceived() {
        return rtpReceived;
    }

    /** The longest time between two RTP packets received since the last call, in ms; starts a new measurement. */
    synchronized double takeLongestGapMillis() {
        double gap = longestGapNanos / 1e6;
        longestGapNanos = 0;
        return gap;
    }

    /** The sequence number of the latest RTP packet received, or -1. */
    synchronized int lastSequenceNumber() {
        return lastSeq;
    }

    private void read() {
        byte[] buf = new byte[2048];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                packet.setLength(buf.length);
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return;
            }
            int len = packet.getLength();
            int first = buf[0] & 0xFF;
            if (first < 4) {
                try {
                    if (StunMessage.parse(buf, 0, len).messageClass() == StunClass.SUCCESS_RESPONSE) {
                        iceConnected.complete(null);
                    }
                } catch (StunException e) {
                    // not for us
                }
            } else if (DtlsSession.isDtlsRecord(buf, 0, len)) {
                DtlsClientSession session = dtls;
                if (session != null) {
                    session.onDatagram(buf, 0, len);
                }
            } else if (first >= 128 && first <= 191) {
                onSrtp(buf, len);
            }
        }
    }

    private void onSrtp(byte[] buf, int len) {
        SrtpContext context = inbound;
        int type = buf[1] & 0xFF;
        if (context == null || (type >= 192 && type <= 223)) {
            return;
        }
        // A retransmission of a packet that did arrive is an SRTP replay (same SSRC and index): count it too.
        int result = context.unprotectRtp(buf, 0, len);
        if (result > 0 || result == SrtpError.REPLAYED.code()) {
            int seq = ((buf[2] & 0xFF) << 8) | (buf[3] & 0xFF);
            synchronized (this) {
                received[seq]++;
                rtpReceived++;
                lastSeq = seq;
                long now = System.nanoTime();
                if (lastArrivalNanos != 0) {
                    longestGapNanos = Math.max(longestGapNanos, now - lastArrivalNanos);
                }
                lastArrivalNanos = now;
            }
        }
    }

    @Override
    public void send(byte[] buf, int off, int len) {
        try {
            socket.send(new DatagramPacket(buf, off, len, server));
        } catch (IOException e) {
            // the handshake retransmits
        }
    }

    @Override
    public void onDtlsConnected(DtlsSession session, DtlsSrtpKeyingMaterial keys) {
        dtlsConnected.complete(keys);
    }

    @Override
    public void onDtlsFailed(DtlsSession session, DtlsException cause) {
        dtlsConnected.completeExceptionally(cause);
    }

    @Override
    public void onDtlsClosed(DtlsSession session, DtlsCloseReason reason) {
    }

    private static String find(String sdp, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(sdp);
        if (!matcher.find()) {
            throw new IllegalArgumentException("the answer has no " + regex + ":\n" + sdp);
        }
        return matcher.group(1);
    }

    private static void put32(byte[] buf, int off, long value) {
        buf[off] = (byte) (value >> 24);
        buf[off + 1] = (byte) (value >> 16);
        buf[off + 2] = (byte) (value >> 8);
        buf[off + 3] = (byte) value;
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        DtlsClientSession session = dtls;
        if (session != null) {
            session.close();
        }
        reader.join(2_000);
        socket.close();
    }
}

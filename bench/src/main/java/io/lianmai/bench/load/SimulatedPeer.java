package io.lianmai.bench.load;

import io.lianmai.media.dtls.DtlsCloseReason;
import io.lianmai.media.dtls.DtlsContext;
import io.lianmai.media.dtls.DtlsException;
import io.lianmai.media.dtls.DtlsFingerprint;
import io.lianmai.media.dtls.DtlsSender;
import io.lianmai.media.dtls.DtlsSession;
import io.lianmai.media.dtls.DtlsSessionListener;
import io.lianmai.media.dtls.DtlsSrtpKeyingMaterial;
import io.lianmai.media.ice.ConnectivityCheck;
import io.lianmai.media.ice.ErrorCode;
import io.lianmai.media.ice.IceCredentials;
import io.lianmai.media.ice.IceRole;
import io.lianmai.media.ice.MessageIntegrity;
import io.lianmai.media.ice.StunClass;
import io.lianmai.media.ice.StunException;
import io.lianmai.media.ice.StunMessage;
import io.lianmai.media.ice.StunMessageWriter;
import io.lianmai.media.sdp.DtlsFingerprintAttribute;
import io.lianmai.media.sdp.MediaDescription;
import io.lianmai.media.sdp.SdpException;
import io.lianmai.media.sdp.SessionDescription;
import io.lianmai.media.sdp.SetupRole;
import io.lianmai.media.srtp.SrtpContext;
import io.lianmai.media.srtp.SrtpError;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One simulated WebRTC client — a publisher or a player — as a browser plays it: its own UDP socket connected to the
 * server's host candidate, a full ICE agent, DTLS and SRTP both ways, with an {@link Impairment} on its media.
 * Subclasses send or receive the media.
 *
 * <p>The roles follow the server, as a browser's do. Towards an ICE-lite server (Lianmai, SRS) the client is the
 * controlling agent and nominates the pair with USE-CANDIDATE; towards a full ICE server (Janus) it starts as the
 * controlled agent, answers the server's checks and waits for the server to nominate (a role conflict is resolved by
 * the tie-breakers, RFC 8445 §7.3.1.1). Either way it keeps consent every {@link #CONSENT_INTERVAL_NANOS}. It is the
 * DTLS client when the server's SDP says {@code passive} and the DTLS server when it says {@code active} (Janus
 * answers a publisher's {@code actpass} so); when it answers a server's offer (a Janus player) it says
 * {@code active} and is the client. The client starts its handshake once the pair is nominated; the server waits for
 * the ClientHello.
 *
 * <p>Runs on its {@link ClientLoop}'s thread, except the DTLS handshake (on the DTLS executor, which hands the keys
 * back through the loop), {@link #onAnswer} and {@link #answer} (from the HTTP client, which also hop to the loop)
 * and {@link #bind} (from a thread that may wait). The media path allocates nothing of its own per packet; Netty's
 * receive gives one {@link DatagramPacket} and pooled buffer each.
 */
abstract class SimulatedPeer extends ChannelInboundHandlerAdapter implements DtlsSessionListener, DtlsSender {
    /** A browser checks every 50 ms or so until a pair works. */
    /** Payload bytes a light receive decrypts first: RTX's original sequence number and a codec descriptor. */
    static final int LIGHT_HEAD = 16;
    /** ... and last: the send-time stamp. */
    static final int LIGHT_TAIL = SyntheticStream.STAMP_LENGTH;
    private static final long CHECK_INTERVAL_NANOS = 50_000_000L;
    /** RFC 7675 asks for a consent check every 5 s on average; 2 s keeps well inside the server's 30 s. */
    private static final long CONSENT_INTERVAL_NANOS = 2_000_000_000L;
    private static final long ICE_TIMEOUT_NANOS = 20_000_000_000L;
    /** What Chrome gives a peer-reflexive candidate: type preference 110, local preference 65535, component 1. */
    private static final long PRIORITY = (110L << 24) | (65_535L << 8) | 255;
    /** A host candidate's priority (RFC 8445 §5.1.2.1: type preference 126), for the one the client offers. */
    private static final long HOST_PRIORITY = (126L << 24) | (65_535L << 8) | 255;
    private static final int SOCKET_BUFFER = 1 << 20;
    /** How long {@link #bind} waits for the socket. */
    private static final long BIND_TIMEOUT_SECONDS = 5;

    /** Where a peer is in its life. */
    enum State {
        NEW, CHECKING, HANDSHAKING, CONNECTED, FAILED, CLOSED
    }

    protected final ClientLoop loop;
    protected final String userId;
    protected final Impairment impairment;
    private final DtlsContext dtlsContext;
    private final SecureRandom random;
    private final IceCredentials localIce;
    private final long tieBreaker;
    private final MessageIntegrity localIntegrity;
    private final byte[] stunOut = new byte[512];

    private volatile State state = State.NEW;
    private volatile String failure;
    private volatile Channel channel;
    private MessageIntegrity serverIntegrity;
    /** This client's ICE role (loop thread once checking): controlling towards a lite server, else controlled. */
    private IceRole iceRole = IceRole.CONTROLLING;
    /** A check of ours was answered with success. */
    private boolean checkAnswered;
    /** The pair is nominated: by our USE-CANDIDATE (controlling) or the server's (controlled). */
    private boolean nominated;
    /** Which DTLS side this client plays, settled by the SDP. */
    private volatile boolean dtlsServer;
    private String username;
    private volatile String serverPassword;
    private volatile InetSocketAddress serverAddress;
    private byte[] transactionId;
    private long lastCheckNanos;
    private long checksStartedNanos;
    private DtlsSession dtls;
    protected SrtpContext inbound;
    /** Whether received RTP is only peeked at ({@link #receiveLightly}). */
    private boolean light;
    protected SrtpContext outbound;
    private final ImpairedPath up;
    private final ImpairedPath down;
    private boolean dirty;
    private URI location;

    // Timeline, System.nanoTime().
    volatile long joinStartNanos;
    volatile long answeredNanos;
    volatile long connectedNanos;
    /** The SRTP protection profile the server chose, once connected. */
    volatile String srtpProfile;

    // Counters (loop thread; read after the loop has been synchronised with).
    long srtpPacketsIn;
    long srtpBytesIn;
    long rtpPacketsIn;
    long rtpBytesIn;
    private long windowRtpPacketsIn;
    private long windowRtpBytesIn;
    long srtpPacketsOut;
    long srtpBytesOut;
    long srtpErrors;
    /** SRTP packets refused as replays: a retransmission that arrived twice (a NACK repeated while it flew). */
    long srtpReplays;
    long writeFailures;
    final CompletableFuture<SimulatedPeer> connected = new CompletableFuture<>();

    SimulatedPeer(ClientLoop loop, String userId, Impairment impairment, DtlsContext dtlsContext, SecureRandom random,
            long seed) {
        this.loop = loop;
        this.userId = userId;
        this.impairment = impairment;
        this.dtlsContext = dtlsContext;
        this.random = random;
        this.localIce = IceCredentials.generate(random);
        this.tieBreaker = random.nextLong();
        this.localIntegrity = MessageIntegrity.forPassword(localIce.pwd());
        this.up = impairment.active() && impairment.up() ? new ImpairedPath(impairment, seed) : null;
        this.down = impairment.active() && impairment.down() ? new ImpairedPath(impairment, ~seed) : null;
    }

    /** The SDP offer this client POSTs; carries this client's host candidate once {@link #bind bound}. */
    abstract String offer();

    /**
     * The role reads the server's media sections (payload types, SSRCs, extensions) from its answer or its offer;
     * throws if it cannot use them.
     */
    abstract void onRemoteMedia(SessionDescription remote, boolean remoteOffered) throws SdpException;

    /** This client's SDP answer to the server's {@code offer} (a player answering Janus); after onRemoteMedia. */
    String writeAnswer(SessionDescription offer) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not answer offers");
    }

    /** A decrypted RTP packet {@code buf[0, len)} from the server. */
    abstract void onRtp(byte[] buf, int len, long now);

    /** A decrypted RTCP packet {@code buf[0, len)} from the server. */
    abstract void onRtcp(byte[] buf, int len, long now);

    /** The role's periodic work (media pacing, NACKs); SRTP keys are set. */
    abstract void onTick(long now);

    /** Called once, on the loop, when SRTP keys are ready. */
    void onConnected(long now) {
    }

    /** Copies window-start values of the counters; on the loop. */
    abstract void markWindowStart();

    IceCredentials localIce() {
        return localIce;
    }

    String fingerprint() {
        return dtlsContext.certificate().fingerprint().toSdpValue();
    }

    /**
     * The {@code a=candidate} value of this client's socket once {@link #bind bound} (a browser's host candidate,
     * for a full ICE server that checks towards it), else null: an ICE-lite server learns the address from the
     * checks.
     */
    String hostCandidate() {
        Channel c = channel;
        if (c == null) {
            return null;
        }
        InetSocketAddress local = (InetSocketAddress) c.localAddress();
        return "1 1 udp " + HOST_PRIORITY + " " + local.getAddress().getHostAddress() + " " + local.getPort()
                + " typ host";
    }

    /** Which ICE role this client plays now; on the loop, or after the loop was synchronised with. */
    IceRole iceRole() {
        return iceRole;
    }

    /** Whether this client is the DTLS server (the server's SDP said {@code active}). */
    boolean dtlsServer() {
        return dtlsServer;
    }

    State state() {
        return state;
    }

    String failure() {
        return failure;
    }

    /** The ICE USERNAME of this client's checks ({@code serverUfrag:clientUfrag}), once answered. */
    String iceUsername() {
        return username;
    }

    /** The server's ICE password from the answer, once answered. */
    String serverIcePassword() {
        return serverPassword;
    }

    /** The server's UDP host candidate from the answer, once answered. */
    InetSocketAddress serverAddress() {
        return serverAddress;
    }

    URI location() {
        return location;
    }

    void setLocation(URI location) {
        this.location = location;
    }

    /** Fails the peer (from any thread); its join counts as failed. */
    void fail(String why) {
        if (state == State.FAILED || state == State.CLOSED) {
            return;
        }
        failure = why;
        state = State.FAILED;
        connected.completeExceptionally(new IllegalStateException(userId + ": " + why));
        loop.eventLoop().execute(this::closeTransport);
    }

    /**
     * Opens this client's UDP socket on 127.0.0.1 before its offer or answer is written, so that they carry its host
     * candidate (a full ICE server checks towards it); waits up to {@value #BIND_TIMEOUT_SECONDS} s. Not on the loop.
     */
    void bind() {
        if (loop.eventLoop().inEventLoop()) {
            throw new IllegalStateException("bind() waits for the loop; call it from another thread");
        }
        if (channel != null) {
            return;
        }
        io.netty.channel.ChannelFuture bound = bootstrap().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                0));
        if (!bound.awaitUninterruptibly(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS) || !bound.isSuccess()) {
            throw new IllegalStateException("cannot open a UDP socket on 127.0.0.1: " + bound.cause());
        }
        channel = bound.channel();
    }

    private Bootstrap bootstrap() {
        return new Bootstrap()
                .group(loop.eventLoop())
                .channel(Epoll.isAvailable() ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(SyntheticStream.BUFFER_LENGTH))
                .handler(this);
    }

    /**
     * Takes the server's SDP answer to {@link #offer()} (any thread): reads its ICE credentials, fingerprint, DTLS
     * role and UDP host candidate, connects this client's socket to it on the loop and starts ICE.
     */
    void onAnswer(String answerSdp) {
        answeredNanos = System.nanoTime();
        try {
            SessionDescription answer = SessionDescription.parse(answerSdp);
            SetupRole setup = answer.media().isEmpty() ? null : answer.setup(answer.media().get(0)).orElse(null);
            if (setup == SetupRole.ACTPASS) {
                throw new IllegalStateException("the answer says a=setup:actpass, which only an offer may");
            }
            // passive (or absent, RFC 5763's default for an answerer): the server waits for our ClientHello.
            accept(answer, false, setup == SetupRole.ACTIVE);
        } catch (SdpException | RuntimeException e) {
            fail("unusable answer: " + e.getMessage());
            return;
        }
        connect();
    }

    /**
     * Takes the server's SDP offer (a Janus player; any thread but the loop): opens the socket, reads the offer as
     * {@link #onAnswer} reads an answer, and returns this client's answer ({@code a=setup:active}, so it is the DTLS
     * client), having started ICE; null when the offer is unusable (the peer has failed, saying why).
     */
    String answer(String offerSdp) {
        answeredNanos = System.nanoTime();
        String answer;
        try {
            SessionDescription offer = SessionDescription.parse(offerSdp);
            SetupRole setup = offer.media().isEmpty() ? null : offer.setup(offer.media().get(0)).orElse(null);
            if (setup == SetupRole.PASSIVE) {
                throw new IllegalStateException("the offer says a=setup:passive; this client answers active only");
            }
            accept(offer, true, false);
            bind();
            answer = writeAnswer(offer);
        } catch (SdpException | RuntimeException e) {
            fail("unusable offer: " + e.getMessage());
            return null;
        }
        connect();
        return answer;
    }

    /** Reads the server's transport (ICE, fingerprint, candidate) and media; settles the ICE and DTLS roles. */
    private void accept(SessionDescription remote, boolean remoteOffered, boolean asDtlsServer) throws SdpException {
        if (remote.media().isEmpty()) {
            throw new IllegalStateException("the SDP has no media section");
        }
        MediaDescription first = remote.media().get(0);
        io.lianmai.media.sdp.SdpIceCredentials ice = remote.iceCredentials(first)
                .orElseThrow(() -> new IllegalStateException("the SDP has no ICE credentials"));
        DtlsFingerprintAttribute fp = remote.fingerprints(first).stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("the SDP has no fingerprint"));
        DtlsFingerprint serverFingerprint = DtlsFingerprint.parse(fp.algorithm() + " " + fp.value());
        InetSocketAddress server = udpCandidate(first);
        username = ice.ufrag() + ":" + localIce.ufrag();
        serverPassword = ice.pwd();
        serverAddress = server;
        serverIntegrity = MessageIntegrity.forPassword(ice.pwd());
        // RFC 8445 §6.1.1: facing a lite agent the full agent controls. Facing a full agent the offerer would, but
        // Janus acts as the controlling side either way; a conflict is resolved by the tie-breakers.
        iceRole = remote.iceLite() || first.iceLite() ? IceRole.CONTROLLING : IceRole.CONTROLLED;
        dtlsServer = asDtlsServer;
        onRemoteMedia(remote, remoteOffered);
        dtls = asDtlsServer ? dtlsContext.newServerSession(serverFingerprint, this, this)
                : dtlsContext.newClientSession(serverFingerprint, this, this);
    }

    /** Connects the socket (bound already, or opened now) to the server's candidate and starts ICE on the loop. */
    private void connect() {
        InetSocketAddress server = serverAddress;
        Channel bound = channel;
        io.netty.channel.ChannelFuture connecting = bound != null ? bound.connect(server)
                : bootstrap().connect(server, new InetSocketAddress(server.getAddress(), 0));
        connecting.addListener(done -> {
            if (!done.isSuccess()) {
                fail("cannot open a UDP socket to " + server + ": " + done.cause());
                return;
            }
            loop.eventLoop().execute(() -> {
                channel = ((io.netty.channel.ChannelFuture) done).channel();
                if (state != State.NEW) {
                    return; // failed meanwhile
                }
                state = State.CHECKING;
                checksStartedNanos = System.nanoTime();
                if (dtlsServer) {
                    dtls.start(); // waits for the ClientHello, which comes once the server has nominated
                }
                loop.add(this);
                sendCheck(checksStartedNanos);
            });
        });
    }

    private static InetSocketAddress udpCandidate(MediaDescription media) {
        for (String candidate : media.candidates()) {
            // foundation component transport priority address port typ type ...
            String[] f = candidate.trim().split("\\s+");
            if (f.length >= 8 && f[2].equalsIgnoreCase("udp") && f[4].indexOf(':') < 0) {
                return new InetSocketAddress(f[4], Integer.parseInt(f[5]));
            }
        }
        throw new IllegalStateException("the answer has no IPv4 UDP candidate: " + media.candidates());
    }

    // ---- loop thread ----

    final void tick(long now) {
        State s = state;
        if (s == State.CHECKING || s == State.HANDSHAKING || s == State.CONNECTED) {
            long interval = s == State.CHECKING ? CHECK_INTERVAL_NANOS : CONSENT_INTERVAL_NANOS;
            if (now - lastCheckNanos >= interval) {
                if (s == State.CHECKING && now - checksStartedNanos > ICE_TIMEOUT_NANOS) {
                    fail("ICE: no answer to connectivity checks for " + ICE_TIMEOUT_NANOS / 1_000_000_000L + " s");
                    return;
                }
                sendCheck(now);
            }
        }
        if (s == State.CONNECTED) {
            if (down != null) {
                int len;
                while ((len = down.poll(now, loop.receive)) >= 0) {
                    onSrtp(loop.receive, len, now);
                }
            }
            if (up != null) {
                int len;
                while ((len = up.poll(now, loop.send)) >= 0) {
                    write(loop.send, 0, len);
                }
            }
            onTick(now);
        }
        flush();
    }

    private void sendCheck(long now) {
        lastCheckNanos = now;
        transactionId = ConnectivityCheck.randomTransactionId(random);
        ConnectivityCheck check = new ConnectivityCheck(transactionId, username, PRIORITY, iceRole, tieBreaker,
                iceRole == IceRole.CONTROLLING);
        int len = StunMessageWriter.writeBindingRequest(stunOut, 0, check, serverIntegrity);
        write(stunOut, 0, len);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        ByteBuf content = message instanceof DatagramPacket packet ? packet.content() : (ByteBuf) message;
        try {
            int len = content.readableBytes();
            if (len < 1 || len > SyntheticStream.BUFFER_LENGTH) {
                return;
            }
            byte[] buf = loop.receive;
            content.getBytes(content.readerIndex(), buf, 0, len);
            int first = buf[0] & 0xFF;
            if (first <= 3) {
                onStun(buf, len);
            } else if (first >= 20 && first <= 63) {
                if (dtls != null) {
                    dtls.onDatagram(buf, 0, len);
                }
            } else if (first >= 128 && first <= 191) {
                srtpPacketsIn++;
                srtpBytesIn += len;
                int second = buf[1] & 0xFF;
                if (second < 192 || second > 223) {
                    rtpPacketsIn++;
                    rtpBytesIn += len;
                }
                long now = System.nanoTime();
                if (down != null) {
                    int verdict = down.admit(buf, 0, len, now);
                    if (verdict != ImpairedPath.PASS) {
                        return;
                    }
                }
                onSrtp(buf, len, now);
            }
        } finally {
            content.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        // ICMP port unreachable after the server ended the session, or a send error: counted, never fatal here.
        writeFailures++;
    }

    private void onStun(byte[] buf, int len) {
        StunMessage message;
        try {
            message = StunMessage.parse(buf, 0, len);
        } catch (StunException e) {
            return;
        }
        if (message.isBindingRequest()) {
            onCheck(message);
            return;
        }
        if (transactionId == null || !message.hasTransactionId(transactionId) || !serverIntegrity.verify(message)) {
            return;
        }
        if (message.messageClass() == StunClass.ERROR_RESPONSE) {
            if (message.errorCode().filter(e -> e.code() == ErrorCode.ROLE_CONFLICT.code()).isPresent()) {
                // RFC 8445 §7.2.5.1: the other side keeps its role; take the other one and check again.
                iceRole = iceRole == IceRole.CONTROLLING ? IceRole.CONTROLLED : IceRole.CONTROLLING;
                sendCheck(System.nanoTime());
            }
            return;
        }
        if (message.messageClass() != StunClass.SUCCESS_RESPONSE) {
            return;
        }
        checkAnswered = true;
        if (iceRole == IceRole.CONTROLLING) {
            nominated = true; // the check carried USE-CANDIDATE
        }
        onPairUsable();
    }

    /**
     * The server's connectivity check (a full ICE server): answered with success when it is for this client's
     * credentials, after RFC 8445 §7.3.1.1's role-conflict rules; USE-CANDIDATE from a controlling server nominates
     * the pair.
     */
    private void onCheck(StunMessage request) {
        InetSocketAddress from = serverAddress;
        if (from == null || !request.localUfrag().map(localIce.ufrag()::equals).orElse(false)
                || !localIntegrity.verify(request)) {
            return;
        }
        if (iceRole == IceRole.CONTROLLED && request.hasIceControlled()) {
            if (Long.compareUnsigned(tieBreaker, request.iceControlledTieBreaker()) >= 0) {
                iceRole = IceRole.CONTROLLING;
            } else {
                respond(StunMessageWriter.writeBindingErrorResponse(stunOut, 0, request, ErrorCode.ROLE_CONFLICT,
                        localIntegrity));
                return;
            }
        } else if (iceRole == IceRole.CONTROLLING && request.hasIceControlling()) {
            if (Long.compareUnsigned(tieBreaker, request.iceControllingTieBreaker()) >= 0) {
                respond(StunMessageWriter.writeBindingErrorResponse(stunOut, 0, request, ErrorCode.ROLE_CONFLICT,
                        localIntegrity));
                return;
            }
            iceRole = IceRole.CONTROLLED;
        }
        respond(StunMessageWriter.writeBindingSuccessResponse(stunOut, 0, request, from, localIntegrity));
        if (iceRole == IceRole.CONTROLLED && request.hasUseCandidate()) {
            nominated = true;
        }
        if (!checkAnswered && state == State.CHECKING) {
            sendCheck(System.nanoTime()); // the triggered check of RFC 8445 §7.3.1.4
        }
        onPairUsable();
    }

    private void respond(int len) {
        write(stunOut, 0, len);
        flush();
    }

    /** Once the pair is nominated, the DTLS client starts its handshake (the server has been waiting since). */
    private void onPairUsable() {
        if (state == State.CHECKING && nominated) {
            state = State.HANDSHAKING;
            if (!dtlsServer) {
                dtls.start();
            }
        }
    }

    private void onSrtp(byte[] buf, int len, long now) {
        if (inbound == null) {
            // The server's first packets can overtake the key hand-over to this loop: not an error.
            return;
        }
        if (len < 12) {
            srtpErrors++;
            return;
        }
        int second = buf[1] & 0xFF;
        if (second >= 192 && second <= 223) {
            int plain = inbound.unprotectRtcp(buf, 0, len);
            if (plain < 0) {
                srtpErrors++;
                return;
            }
            onRtcp(buf, plain, now);
        } else {
            int plain = light ? inbound.peekRtp(buf, 0, len, LIGHT_HEAD, LIGHT_TAIL)
                    : inbound.unprotectRtp(buf, 0, len);
            if (plain == SrtpError.BAD_BUFFER.code() && light) {
                light = false; // GCM: no part can be decrypted alone here
                plain = inbound.unprotectRtp(buf, 0, len);
            }
            if (plain < 0) {
                if (plain == SrtpError.REPLAYED.code()) {
                    srtpReplays++;
                } else {
                    srtpErrors++;
                }
                return;
            }
            onRtp(buf, plain, now);
        }
    }

    /**
     * From now on, received RTP is not authenticated and only the first {@value #LIGHT_HEAD} and last
     * {@value #LIGHT_TAIL} bytes of its payload are decrypted ({@link SrtpContext#peekRtp}): what a simulated player
     * reads. For a generator that must load a server on more cores than its own.
     */
    final void receiveLightly() {
        light = true;
    }

    /** Stops reading its socket (on the loop): the kernel drops what arrives once the socket's buffer is full. */
    final void stopReading() {
        if (channel != null) {
            channel.config().setAutoRead(false);
        }
    }

    /** Protects the RTP packet {@code buf[0, len)} in place and sends it through the up-path impairment. */
    protected final void sendRtp(byte[] buf, int len, long now) {
        int protectedLength = outbound.protectRtp(buf, 0, len);
        if (protectedLength < 0) {
            srtpErrors++;
            return;
        }
        transmit(buf, protectedLength, now);
    }

    /** Protects the RTCP packet {@code buf[0, len)} in place and sends it through the up-path impairment. */
    protected final void sendRtcp(byte[] buf, int len, long now) {
        int protectedLength = outbound.protectRtcp(buf, 0, len);
        if (protectedLength < 0) {
            srtpErrors++;
            return;
        }
        transmit(buf, protectedLength, now);
    }

    private void transmit(byte[] buf, int len, long now) {
        srtpPacketsOut++;
        srtpBytesOut += len;
        if (up != null && up.admit(buf, 0, len, now) != ImpairedPath.PASS) {
            return;
        }
        write(buf, 0, len);
    }

    private void write(byte[] buf, int off, int len) {
        Channel c = channel;
        if (c == null || !c.isActive()) {
            writeFailures++;
            return;
        }
        ByteBuf out = c.alloc().directBuffer(len);
        out.writeBytes(buf, off, len);
        c.write(out, c.voidPromise());
        dirty = true;
    }

    /** Tests: sends through {@code testChannel} (an {@code EmbeddedChannel}) instead of a UDP socket; on the loop. */
    void useChannel(Channel testChannel) {
        this.channel = testChannel;
    }

    /** Sends what was written since the last flush. */
    protected final void flush() {
        if (dirty) {
            dirty = false;
            Channel c = channel;
            if (c != null) {
                c.flush();
            }
        }
    }

    /** Stops and closes the socket; on the loop. */
    void closeTransport() {
        if (state != State.FAILED) {
            state = State.CLOSED;
        }
        if (dtls != null) {
            dtls.close();
        }
        if (channel != null) {
            channel.close();
        }
    }

    // ---- DTLS (its executor's threads) ----

    @Override
    public void send(byte[] buf, int off, int len) {
        Channel c = channel;
        if (c != null) {
            c.writeAndFlush(Unpooled.copiedBuffer(buf, off, len));
        }
    }

    @Override
    public void onDtlsConnected(DtlsSession session, DtlsSrtpKeyingMaterial keys) {
        srtpProfile = keys.profile().rfcName();
        SrtpContext in = keys.newInboundContext();
        SrtpContext out = keys.newOutboundContext();
        loop.eventLoop().execute(() -> {
            // A DTLS server may finish before it saw the nomination that the ClientHello followed.
            if (state != State.HANDSHAKING && state != State.CHECKING) {
                return;
            }
            inbound = in;
            outbound = out;
            long now = System.nanoTime();
            connectedNanos = now;
            state = State.CONNECTED;
            onConnected(now);
            connected.complete(this);
        });
    }

    @Override
    public void onDtlsFailed(DtlsSession session, DtlsException cause) {
        fail("DTLS: " + cause.getMessage());
    }

    @Override
    public void onDtlsClosed(DtlsSession session, DtlsCloseReason reason) {
        if (reason != DtlsCloseReason.LOCAL_CLOSE) {
            fail("DTLS closed by the server: " + reason);
        }
    }

    /** Starts the window of the transport counters; on the loop, from {@link #markWindowStart}. */
    protected final void startTransportWindow() {
        windowRtpPacketsIn = rtpPacketsIn;
        windowRtpBytesIn = rtpBytesIn;
    }

    /** SRTP media packets that reached this client's socket in the window (before the down-path impairment). */
    long windowRtpPacketsIn() {
        return rtpPacketsIn - windowRtpPacketsIn;
    }

    long windowRtpBytesIn() {
        return rtpBytesIn - windowRtpBytesIn;
    }

    /** Packets the impairment dropped on both paths. */
    long impairedDrops() {
        return (up == null ? 0 : up.dropped() + up.overflowed())
                + (down == null ? 0 : down.dropped() + down.overflowed());
    }
}

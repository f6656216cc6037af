package io.lianmai.media.transport;

import io.lianmai.media.MediaException;
import io.lianmai.media.LocalPlayer;
import io.lianmai.media.LocalPublisher;
import io.lianmai.media.LocalSink;
import io.lianmai.media.MediaPlane;
import io.lianmai.media.dtls.DtlsConfig;
import io.lianmai.media.dtls.DtlsContext;
import io.lianmai.media.dtls.DtlsFingerprint;
import io.lianmai.media.dtls.DtlsSession;
import io.lianmai.media.ice.IceCandidate;
import io.lianmai.media.ice.IceCredentials;
import io.lianmai.media.ice.IceLiteAgent;
import io.lianmai.media.ice.IceLiteConfig;
import io.lianmai.media.ice.Rfc4571FrameDecoder;
import io.lianmai.media.ice.Rfc4571FrameEncoder;
import io.lianmai.media.ice.StunException;
import io.lianmai.media.ice.StunMessage;
import io.lianmai.wire.rtp.Codec;
import io.lianmai.media.sdp.AnswerBuilder;
import io.lianmai.media.sdp.ExtMap;
import io.lianmai.media.sdp.RtcpFeedbackType;
import io.lianmai.media.sdp.LocalAnswer;
import io.lianmai.media.sdp.LocalOffer;
import io.lianmai.media.sdp.LocalTransport;
import io.lianmai.media.sdp.MediaKind;
import io.lianmai.media.sdp.NegotiatedCodec;
import io.lianmai.media.sdp.NegotiatedMedia;
import io.lianmai.media.sdp.NegotiatedSession;
import io.lianmai.media.sdp.NegotiationPolicy;
import io.lianmai.media.sdp.OutgoingTrack;
import io.lianmai.media.sdp.OfferBuilder;
import io.lianmai.media.sdp.Rid;
import io.lianmai.media.sdp.RtpCodec;
import io.lianmai.media.sdp.SdpException;
import io.lianmai.media.sdp.SessionDescription;
import io.lianmai.media.sfu.Buffers;
import io.lianmai.media.sfu.DownTrack;
import io.lianmai.media.sfu.ExtensionIdMap;
import io.lianmai.media.sfu.IncomingLayer;
import io.lianmai.media.sfu.PublishedTrack;
import io.lianmai.media.sfu.RetransmissionBudget;
import io.lianmai.media.sfu.RtpSink;
import io.lianmai.media.srtp.SrtpProfile;
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
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebRTC media plane on one UDP port (and ICE-TCP on one TCP port): ICE-lite demultiplexing by username
 * fragment and then by remote address (RFC 7983 first-byte demux), DTLS-SRTP, and forwarding from publishers to
 * players.
 *
 * <p>Threading: one Netty event loop (the media loop) owns every session and track, so the packet path takes no
 * lock and allocates nothing of its own. {@link MediaConfig#egressThreads()} egress lanes, each a thread with its
 * own socket on the media port ({@code SO_REUSEPORT}), protect and send what the loop forwards to the sessions
 * bound to them, and hand the datagrams the kernel delivered to their sockets back to the loop (see
 * {@link EgressLane}). DTLS handshakes run on a small executor and hand their results to the loop. Signalling calls
 * ({@link #publish}, {@link #play}, {@link #end}) may come from any thread; they do their work on the loop.
 */
public final class MediaServer implements MediaPlane {
    private static final Logger LOG = LoggerFactory.getLogger(MediaServer.class);
    private static final long TICK_MILLIS = 20;
    private static final int UDP_RECEIVE_BUFFER = 4 * 1024 * 1024;
    private static final String AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    private static final String RID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    private static final String REPAIRED_RID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";

    private final MediaConfig config;
    private final Clock clock;
    private final EventLoopGroup group;
    private final EventLoop loop;
    /** The egress lanes' threads, or null when there are none (one core, or no epoll). */
    private final EventLoopGroup egressGroup;
    /** Set once by {@link #bind()}; read by the offer thread too. */
    private volatile EgressLane[] lanes = new EgressLane[0];
    private final AtomicInteger nextLane = new AtomicInteger();
    private final SessionAdmission admission;
    private final DtlsContext dtls;
    /**
     * The SFU answers NACK and PLI/FIR itself; it does not yet estimate bandwidth (no REMB, no transport-cc
     * feedback), so it does not negotiate them: a sender that negotiated transport-cc and never gets feedback stays
     * at its start bitrate, while without it libwebrtc ramps up on the receiver reports' loss figures.
     */
    private final NegotiationPolicy policy = NegotiationPolicy.defaults()
            .withRtcpFeedback(Set.of(RtcpFeedbackType.NACK, RtcpFeedbackType.NACK_PLI, RtcpFeedbackType.CCM_FIR))
            .withHeaderExtensions(List.of(ExtMap.AUDIO_LEVEL, ExtMap.MID, ExtMap.RTP_STREAM_ID,
                    ExtMap.REPAIRED_RTP_STREAM_ID, ExtMap.ABS_SEND_TIME));
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger sessionCounter = new AtomicInteger();
    private final IceLiteConfig iceConfig;
    private Channel udp;
    private Channel tcp;
    /** Set once by {@link #bind()}; read by the offer thread. */
    private volatile List<String> candidateLines = List.of();

    // Owned by the media loop.
    private final Map<String, WebRtcSession> byUfrag = new HashMap<>();
    private final Map<InetSocketAddress, WebRtcSession> byAddress = new HashMap<>();
    private final Map<InetSocketAddress, UdpEndpoint> udpEndpoints = new HashMap<>();
    private final TcpConnectionLimiter tcpConnections;
    private final Map<String, List<Session>> playersByStream = new HashMap<>();
    private final List<Session> sessions = new ArrayList<>();
    private final byte[] receive = Buffers.packetArray();
    private final byte[] scratch = Buffers.packetArray();
    private final byte[] stunOut = new byte[256];

    private final List<Consumer<String>> sessionEndListeners = new CopyOnWriteArrayList<>();

    // Read from signalling threads.
    private final Map<String, Session> byId = new ConcurrentHashMap<>();
    private final Map<String, Session> publishers = new ConcurrentHashMap<>();
    private final Map<String, Integer> playerCounts = new ConcurrentHashMap<>();

    private long unknownPackets;
    private long badStun;
    private long tcpHandshakeTimeouts;
    private long tickFailures;
    private long packetFailures;

    private MediaServer(MediaConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        Duration consent = config.consentTimeout();
        Duration disconnected = consent.compareTo(Duration.ofSeconds(10)) >= 0 ? Duration.ofSeconds(5)
                : consent.dividedBy(2);
        this.iceConfig = new IceLiteConfig(config.connectTimeout(), disconnected, consent,
                config.limits().maxAddressesPerSession());
        this.tcpConnections = new TcpConnectionLimiter(config.limits().tcpMaxConnectionsPerIp());
        ThreadFactory mediaThread = runnable -> new Thread(runnable, "lianmai-media");
        this.group = new MultiThreadIoEventLoopGroup(1, mediaThread,
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.loop = group.next();
        int egressThreads = Epoll.isAvailable() ? config.egressThreads() : 0;
        if (egressThreads > 0) {
            AtomicInteger egressCount = new AtomicInteger();
            ThreadFactory egressThread = runnable -> new Thread(runnable,
                    "lianmai-egress-" + egressCount.incrementAndGet());
            this.egressGroup = EgressLane.newGroup(egressThreads, egressThread);
        } else {
            this.egressGroup = null;
        }
        this.admission = new SessionAdmission(config.limits());
        // AES-CM first: it costs half of GCM per video packet here (docs/benchmarks.md, docs/decisions.md).
        DtlsConfig dtlsConfig = DtlsConfig.DEFAULT.withSrtpProfiles(
                List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM));
        this.dtls = DtlsContext.withNewCertificate(dtlsConfig, admission.dtlsExecutor(), clock);
    }

    /**
     * Binds the media sockets and starts the media loop.
     *
     * @throws MediaException with {@link MediaException.Reason#UNAVAILABLE} when a port cannot be bound
     */
    public static MediaServer start(MediaConfig config) {
        MediaServer server = new MediaServer(config, new MonotonicClock());
        try {
            server.bind();
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new MediaException(MediaException.Reason.UNAVAILABLE, "cannot bind media ports on "
                    + config.bindHost() + " (UDP " + config.udpPort() + ", TCP " + config.tcpPort() + "): "
                    + e.getMessage(), e);
        }
        return server;
    }

    private void bind() throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        if (egressGroup != null && config.udpPort() != 0) {
            ensurePortFree(config.bindHost(), config.udpPort());
        }
        Bootstrap udpBootstrap = new Bootstrap()
                .group(group)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, UDP_RECEIVE_BUFFER)
                .option(ChannelOption.SO_SNDBUF, UDP_RECEIVE_BUFFER)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(Buffers.CAPACITY))
                // Netty 4.2's default (adaptive) allocator makes a java.nio slice on every writeBytes(byte[]): one
                // garbage DirectByteBuffer per forwarded packet. The classic pooled arena copies with Unsafe.
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .handler(new UdpHandler());
        if (egressGroup != null) {
            udpBootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        udp = udpBootstrap.bind(config.bindHost(), config.udpPort()).sync().channel();
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
        List<InetAddress> addresses = new ArrayList<>();
        for (String address : config.candidateAddresses()) {
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
        candidateLines = List.copyOf(lines);
        loop.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        LOG.info("media listening on UDP {} and TCP {} ({}, {} egress thread(s)), candidates {}", udpPort, tcpPort,
                epoll ? "epoll" : "nio", lanes.length, config.candidateAddresses());
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

    /** The bound UDP port. */
    public int udpPort() {
        return ((InetSocketAddress) udp.localAddress()).getPort();
    }

    /** The bound TCP port, or -1 when ICE-TCP is off. */
    public int tcpPort() {
        return tcp == null ? -1 : ((InetSocketAddress) tcp.localAddress()).getPort();
    }

    /**
     * What the media plane holds and has refused, for metrics and tests.
     *
     * @param webRtcSessions WebRTC sessions admitted and not ended
     * @param handshakesInProgress DTLS handshake slots taken (offers not yet connected)
     * @param dtlsThreads live DTLS pool threads
     * @param refusedSessions offers refused at {@code media.maxSessions}
     * @param refusedHandshakes offers refused with every DTLS handshake slot taken
     * @param routedAddresses UDP source addresses routed to a session (the by-address demultiplexing map)
     * @param udpEndpoints UDP endpoints remembered for those addresses
     * @param tcpConnections ICE-TCP connections open
     * @param refusedTcpConnections ICE-TCP connections closed at once, over {@code media.tcpMaxConnectionsPerIp}
     * @param tcpHandshakeTimeouts ICE-TCP connections closed for sending no valid check in time
     * @param refusedRetransmissions NACKed packets not resent (repeat, rate or share budget), players now connected
     */
    public record Stats(int webRtcSessions, int handshakesInProgress, int dtlsThreads, long refusedSessions,
            long refusedHandshakes, int routedAddresses, int udpEndpoints, int tcpConnections,
            long refusedTcpConnections, long tcpHandshakeTimeouts, long refusedRetransmissions) {
    }

    /** A snapshot of {@link Stats}, taken on the media loop (waits at most 2 s for it). */
    public Stats stats() {
        try {
            return loop.submit(this::statsOnLoop).get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MediaException(MediaException.Reason.UNAVAILABLE, "interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new MediaException(MediaException.Reason.UNAVAILABLE, "the media loop did not answer", e);
        }
    }

    private Stats statsOnLoop() {
        long refusedRetransmissions = 0;
        for (Session session : sessions) {
            if (session.role() instanceof Subscription subscription && subscription.retransmissionBudget() != null) {
                refusedRetransmissions += subscription.retransmissionBudget().refused();
            }
        }
        return new Stats(admission.sessions(), admission.handshakesInProgress(), admission.dtlsThreadsAlive(),
                admission.refusedSessions(), admission.refusedHandshakes(), byAddress.size(), udpEndpoints.size(),
                tcpConnections.open(), tcpConnections.refused(), tcpHandshakeTimeouts, refusedRetransmissions);
    }

    // ---- signalling ----

    @Override
    public CompletionStage<MediaSession> publish(String streamKey, String offerSdp) {
        return buildThenRegister(() -> preparePublisher(streamKey, SessionDescription.parse(offerSdp)),
                this::registerPublisher, prepared -> discard(prepared.session()));
    }

    @Override
    public CompletionStage<MediaSession> play(String streamKey, String offerSdp) {
        return buildThenRegister(() -> preparePlayer(streamKey, SessionDescription.parse(offerSdp)),
                this::registerPlayer, prepared -> discard(prepared.session()));
    }

    @Override
    public boolean end(String sessionId) {
        // Removed at once, so a second end of the same session (a repeated DELETE) is refused even before the
        // loop has ended the first.
        Session session = byId.remove(sessionId);
        if (session == null) {
            return false;
        }
        loop.execute(() -> endSession(session, Session.EndReason.CLIENT_DELETE));
        return true;
    }

    @Override
    public boolean preferSmallStream(String sessionId, boolean small) {
        Session session = byId.get(sessionId);
        if (session == null) {
            return false;
        }
        loop.execute(() -> {
            if (session.role() instanceof Subscription subscription) {
                for (DownTrack downTrack : subscription.downTracks()) {
                    downTrack.preferLowLayer(small);
                }
            }
        });
        return true;
    }

    @Override
    public void onSessionEnded(Consumer<String> listener) {
        sessionEndListeners.add(listener);
    }

    @Override
    public CompletionStage<LocalPublisher> publishLocal(String streamKey, List<RtpCodec> tracks) {
        if (tracks.isEmpty()) {
            return CompletableFuture.failedFuture(new MediaException(MediaException.Reason.BAD_OFFER,
                    "a local publisher needs at least one track"));
        }
        List<RtpCodec> copy = List.copyOf(tracks);
        return buildThenRegister(() -> prepareLocalPublisher(streamKey, copy), this::registerLocalPublisher,
                session -> { });
    }

    @Override
    public CompletionStage<LocalPlayer> playLocal(String streamKey, LocalSink sink) {
        return onLoop(() -> startLocalPlayer(streamKey, sink));
    }

    @Override
    public boolean isPublished(String streamKey) {
        return publishers.containsKey(streamKey);
    }

    /** A session answered and built on the offer thread, for the loop to register. */
    private record Prepared(String streamKey, WebRtcSession session, String answerSdp) {
    }

    /** On the offer thread: the answer, a publisher session holding its admission, its publication and DTLS. */
    private Prepared preparePublisher(String streamKey, SessionDescription offer) throws SdpException {
        IceCredentials local = IceCredentials.generate(random);
        LocalAnswer answer = new AnswerBuilder(policy, localTransport(local)).answerPublish(offer);
        NegotiatedSession negotiated = answer.session();
        WebRtcSession session = newSession(local, negotiated);
        try {
            Publication publication = newPublication(streamKey, negotiated, session);
            session.attach(newDtls(negotiated, session), publication);
        } catch (RuntimeException e) {
            discard(session);
            throw e;
        }
        return new Prepared(streamKey, session, answer.sdp());
    }

    /** On the loop: the prepared publisher takes the stream (ending whoever published it before). */
    private MediaSession registerPublisher(Prepared prepared) {
        WebRtcSession session = prepared.session();
        register(session);
        registerPublisher(prepared.streamKey(), session);
        LOG.info("publish {} as session {}: {} track(s)", prepared.streamKey(), session.id(),
                ((Publication) session.role()).tracks().size());
        return new MediaSession(session.id(), prepared.answerSdp());
    }

    /** On the offer thread: a local publisher's negotiation and publication, not yet registered. */
    private LocalPublisherSession prepareLocalPublisher(String streamKey, List<RtpCodec> codecs)
            throws SdpException {
        List<OutgoingTrack> outgoing = new ArrayList<>();
        for (int i = 0; i < codecs.size(); i++) {
            RtpCodec codec = codecs.get(i);
            MediaKind kind = Codec.fromEncodingName(codec.name()).map(c -> c.isVideo() ? MediaKind.VIDEO
                    : MediaKind.AUDIO).orElseThrow(() -> new MediaException(MediaException.Reason.BAD_OFFER,
                            "cannot forward codec " + codec.name()));
            long ssrc = randomSsrc();
            outgoing.add(new OutgoingTrack(kind, "local", "t" + i, "lianmai-local", ssrc, ssrc ^ 1, List.of(codec)));
        }
        // The same negotiation as a WebRTC publisher's, against an offer the server makes itself: players are
        // offered exactly these codecs.
        IceCredentials local = IceCredentials.generate(random);
        LocalOffer offer = new OfferBuilder(policy, localTransport(local)).offer(outgoing);
        NegotiatedSession negotiated = new AnswerBuilder(policy, localTransport(IceCredentials.generate(random)))
                .answerPublish(offer.description()).session();
        LocalPublisherSession session = new LocalPublisherSession(newSessionId(), this, loop, codecs.size());
        Publication publication = newPublication(streamKey, negotiated, session);
        if (publication.tracks().size() != codecs.size()) {
            throw new MediaException(MediaException.Reason.BAD_OFFER, "only " + publication.tracks().size()
                    + " of " + codecs.size() + " local tracks could be negotiated: " + codecs);
        }
        session.attach(publication);
        return session;
    }

    /** On the loop: the prepared local publisher takes the stream. */
    private LocalPublisher registerLocalPublisher(LocalPublisherSession session) {
        Publication publication = (Publication) session.role();
        byId.put(session.id(), session);
        sessions.add(session);
        registerPublisher(publication.streamKey(), session);
        LOG.info("publish {} locally as session {}: {} track(s)", publication.streamKey(), session.id(),
                publication.tracks().size());
        return session;
    }

    private void registerPublisher(String streamKey, Session session) {
        Session previous = publishers.put(streamKey, session);
        if (previous != null) {
            endSession(previous, Session.EndReason.REPLACED);
        }
    }

    /** The tracks a negotiated publish session carries, feeding a {@link Publication} whose RTCP goes to {@code peer}. */
    private Publication newPublication(String streamKey, NegotiatedSession negotiated, RtpSink peer) {
        List<PublishedTrack> tracks = new ArrayList<>();
        List<NegotiatedMedia> trackMedia = new ArrayList<>();
        List<Integer> rtxPayloadTypes = new ArrayList<>();
        int ridId = 0;
        int repairedRidId = 0;
        for (NegotiatedMedia media : negotiated.acceptedMedia()) {
            if (media.codecs().isEmpty()) {
                continue;
            }
            NegotiatedCodec chosen = media.codecs().get(0);
            Optional<Codec> codec = Codec.fromEncodingName(chosen.codec().name());
            if (codec.isEmpty()) {
                continue;
            }
            ridId = media.extensionId(RID).orElse(ridId);
            repairedRidId = media.extensionId(REPAIRED_RID).orElse(repairedRidId);
            List<Rid> rids = media.remote().rids();
            String[] ridNames;
            long[] ssrcs;
            if (!rids.isEmpty()) {
                ridNames = new String[rids.size()];
                ssrcs = new long[rids.size()];
                List<Long> simulcast = media.remote().simulcastSsrcs();
                for (int i = 0; i < rids.size(); i++) {
                    ridNames[i] = rids.get(i).id();
                    ssrcs[i] = i < simulcast.size() ? simulcast.get(i) : -1;
                }
            } else {
                ridNames = new String[] {null};
                ssrcs = new long[] {primarySsrc(media)};
            }
            PublishedTrack track = new PublishedTrack(media.mid(), codec.get(), chosen.payloadType(),
                    media.extensionId(AUDIO_LEVEL).orElse(0), ridNames, ssrcs);
            for (IncomingLayer layer : track.layers()) {
                if (layer.ssrc() >= 0) {
                    media.remote().rtxSsrc(layer.ssrc()).ifPresent(layer::learnRtxSsrc);
                }
            }
            tracks.add(track);
            trackMedia.add(media);
            rtxPayloadTypes.add(chosen.rtxPayloadType().orElse(-1));
        }
        if (tracks.isEmpty()) {
            throw new MediaException(MediaException.Reason.BAD_OFFER, "the offer sends no audio or video the "
                    + "server can forward (codecs: Opus, VP8, H.264, VP9, AV1)");
        }
        int[] rtxPts = rtxPayloadTypes.stream().mapToInt(Integer::intValue).toArray();
        Publication publication = new Publication(streamKey, tracks, rtxPts, ridId, repairedRidId, randomSsrc(),
                peer);
        publication.setNegotiatedMedia(trackMedia);
        return publication;
    }

    /**
     * On the offer thread: the answer and a player session of the stream's current publisher, holding its
     * admission. The loop registers it only if that publisher still publishes.
     */
    private PreparedPlayer preparePlayer(String streamKey, SessionDescription offer) throws SdpException {
        Session publisher = publishers.get(streamKey);
        if (publisher == null || !(publisher.role() instanceof Publication publication)) {
            throw new MediaException(MediaException.Reason.STREAM_NOT_FOUND, "nobody publishes " + streamKey);
        }
        List<PublishedTrack> tracks = publication.tracks();
        List<NegotiatedMedia> publisherMedia = publication.negotiatedMedia();
        List<OutgoingTrack> outgoing = new ArrayList<>();
        String cname = "lianmai-" + HexFormat.of().toHexDigits(random.nextInt());
        for (int i = 0; i < tracks.size(); i++) {
            NegotiatedMedia media = publisherMedia.get(i);
            OutgoingTrack track = OutgoingTrack.from(media, "lianmai", tracks.get(i).mid() + "-" + i, cname,
                    randomSsrc(), randomSsrc());
            outgoing.add(track.withCodecs(List.of(media.codecs().get(0).codec())));
        }
        IceCredentials local = IceCredentials.generate(random);
        LocalAnswer answer = new AnswerBuilder(policy, localTransport(local)).answerSubscribe(offer, outgoing);
        NegotiatedSession negotiated = answer.session();
        WebRtcSession session = newSession(local, negotiated);
        try {
            attachPlayer(streamKey, session, negotiated, outgoing, publication);
        } catch (RuntimeException e) {
            discard(session);
            throw e;
        }
        return new PreparedPlayer(new Prepared(streamKey, session, answer.sdp()), publisher);
    }

    /** A prepared player and the publisher whose tracks it was built on. */
    private record PreparedPlayer(Prepared prepared, Session publisher) {
        WebRtcSession session() {
            return prepared.session();
        }
    }

    /** On the loop: registers the prepared player, unless its publisher has ended or been replaced since. */
    private MediaSession registerPlayer(PreparedPlayer player) {
        String streamKey = player.prepared().streamKey();
        if (player.publisher().isEnded() || publishers.get(streamKey) != player.publisher()) {
            throw new MediaException(MediaException.Reason.STREAM_NOT_FOUND, "the publisher of " + streamKey
                    + " left or was replaced while the offer was answered; play it again");
        }
        WebRtcSession session = player.session();
        register(session);
        playersByStream.computeIfAbsent(streamKey, key -> new ArrayList<>()).add(session);
        countPlayers(streamKey);
        LOG.info("play {} as session {}: {} track(s)", streamKey, session.id(),
                ((Subscription) session.role()).downTracks().size());
        return new MediaSession(session.id(), player.prepared().answerSdp());
    }

    /** On the offer thread: the player's down-tracks and DTLS; registration is {@link #registerPlayer}'s. */
    private void attachPlayer(String streamKey, WebRtcSession session, NegotiatedSession negotiated,
            List<OutgoingTrack> outgoing, Publication publication) {
        List<PublishedTrack> tracks = publication.tracks();
        List<NegotiatedMedia> publisherMedia = publication.negotiatedMedia();
        List<DownTrack> downTracks = new ArrayList<>();
        for (NegotiatedMedia media : negotiated.acceptedMedia()) {
            if (media.outgoing().isEmpty() || media.codecs().isEmpty()) {
                continue;
            }
            int index = outgoing.indexOf(media.outgoing().get());
            if (index < 0) {
                index = indexBySsrc(outgoing, media.outgoing().get().ssrc());
            }
            if (index < 0) {
                continue;
            }
            downTracks.add(new DownTrack(tracks.get(index), media.outgoing().get().ssrc(),
                    media.codecs().get(0).payloadType(),
                    ExtensionIdMap.between(publisherMedia.get(index).headerExtensions(), media.headerExtensions()),
                    session));
        }
        if (downTracks.isEmpty()) {
            throw new MediaException(MediaException.Reason.BAD_OFFER, "the offer receives none of the stream's "
                    + "tracks (recvonly audio/video with the publisher's codec is needed)");
        }
        Subscription subscription = new Subscription(streamKey, downTracks, session,
                new RetransmissionBudget(config.limits().retransmission(), clock.millis()));
        session.attach(newDtls(negotiated, session), subscription);
    }

    private LocalPlayer startLocalPlayer(String streamKey, LocalSink sink) {
        Session publisher = publishers.get(streamKey);
        if (publisher == null || !(publisher.role() instanceof Publication publication)) {
            throw new MediaException(MediaException.Reason.STREAM_NOT_FOUND, "nobody publishes " + streamKey);
        }
        LocalPlayerSession session = new LocalPlayerSession(newSessionId(), this, loop, sink);
        List<PublishedTrack> tracks = publication.tracks();
        List<NegotiatedMedia> publisherMedia = publication.negotiatedMedia();
        List<RtpCodec> codecs = new ArrayList<>();
        List<DownTrack> downTracks = new ArrayList<>();
        for (int i = 0; i < tracks.size(); i++) {
            RtpCodec codec = publisherMedia.get(i).codecs().get(0).codec();
            codecs.add(codec);
            downTracks.add(new DownTrack(tracks.get(i), randomSsrc(), codec.payloadType(),
                    ExtensionIdMap.between(publisherMedia.get(i).headerExtensions(), Map.of()),
                    session.trackSink(i)));
        }
        session.setRole(new Subscription(streamKey, downTracks, session));
        byId.put(session.id(), session);
        sessions.add(session);
        playersByStream.computeIfAbsent(streamKey, key -> new ArrayList<>()).add(session);
        countPlayers(streamKey);
        sink.onStart(List.copyOf(codecs));
        onSessionConnected(session);
        LOG.info("play {} locally as session {}: {}", streamKey, session.id(), codecs);
        return session;
    }

    private void countPlayers(String streamKey) {
        List<Session> players = playersByStream.get(streamKey);
        if (players == null || players.isEmpty()) {
            playerCounts.remove(streamKey);
        } else {
            playerCounts.put(streamKey, players.size());
        }
    }

    @Override
    public int playerCount(String streamKey) {
        return playerCounts.getOrDefault(streamKey, 0);
    }

    /** The media clock, for sessions that feed the forwarder outside the receive path. */
    long nowMillis() {
        return clock.millis();
    }

    /** Sends what the forwarder queued on the UDP socket and wakes the lanes (after a local publisher's burst). */
    void flushUdp() {
        if (udp != null) {
            udp.flush();
        }
        signalLanes();
    }

    private void signalLanes() {
        for (EgressLane lane : lanes) {
            lane.signal();
        }
    }

    private static int indexBySsrc(List<OutgoingTrack> tracks, long ssrc) {
        for (int i = 0; i < tracks.size(); i++) {
            if (tracks.get(i).ssrc() == ssrc) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A new WebRTC session, not yet registered (see {@link #register}). It holds a session and a DTLS handshake
     * slot of {@link SessionAdmission}, or is refused; one that is never registered gives them back through
     * {@link #discard}. On the offer thread.
     *
     * @throws MediaException UNAVAILABLE when the node is full (see {@link SessionAdmission#admit()})
     */
    private WebRtcSession newSession(IceCredentials local, NegotiatedSession negotiated) {
        admission.admit();
        IceLiteAgent agent = IceLiteAgent.create(local, iceConfig, clock);
        agent.setRemoteCredentials(IceCredentials.of(negotiated.remoteIce().ufrag(), negotiated.remoteIce().pwd()));
        EgressLane[] egress = lanes;
        EgressLane lane = egress.length > 0 ? egress[Math.floorMod(nextLane.getAndIncrement(), egress.length)] : null;
        return new WebRtcSession(newSessionId(), this, loop, agent, lane,
                new SessionAddresses(config.limits().maxAddressesPerSession()));
    }

    /** On the loop: the session answers STUN by its ufrag, ticks, and can be ended by id. */
    private void register(WebRtcSession session) {
        byUfrag.put(session.localUfrag(), session);
        byId.put(session.id(), session);
        sessions.add(session);
    }

    /**
     * A session made by {@link #newSession} that will never be registered (its offer failed, or its publisher left
     * first): its admission is given back. Nothing else knows it, so any thread may do this.
     */
    private void discard(WebRtcSession session) {
        session.finish();
        if (session.releaseHandshakeSlot()) {
            admission.releaseHandshake();
        }
        admission.releaseSession();
    }

    private String newSessionId() {
        return HexFormat.of().formatHex(randomBytes(16));
    }

    private DtlsSession newDtls(NegotiatedSession negotiated, WebRtcSession session) {
        DtlsFingerprint remote = DtlsFingerprint.parse(negotiated.remoteFingerprint().algorithm() + " "
                + negotiated.remoteFingerprint().value());
        return negotiated.localIsDtlsClient() ? dtls.newClientSession(remote, session, session)
                : dtls.newServerSession(remote, session, session);
    }

    private LocalTransport localTransport(IceCredentials local) {
        return LocalTransport.of(local.ufrag(), local.pwd(), dtls.certificate().fingerprint().toSdpValue(),
                candidateLines);
    }

    private static long primarySsrc(NegotiatedMedia media) {
        List<Long> ssrcs = media.remote().ssrcs();
        for (Long ssrc : ssrcs) {
            boolean isRtx = false;
            for (Long other : ssrcs) {
                if (!other.equals(ssrc) && media.remote().rtxSsrc(other).filter(ssrc::equals).isPresent()) {
                    isRtx = true;
                }
            }
            if (!isRtx) {
                return ssrc;
            }
        }
        return -1;
    }

    /** Called on the loop when a session's DTLS completed: players start receiving (from a keyframe). */
    void onSessionConnected(Session session) {
        if (session.role() instanceof Subscription subscription) {
            for (DownTrack downTrack : subscription.downTracks()) {
                downTrack.source().addDownTrack(downTrack);
                downTrack.requestKeyframe();
            }
        }
    }

    /** Ends a session and everything that depends on it; on the loop, idempotent. */
    void endSession(Session session, Session.EndReason reason) {
        if (session.isEnded()) {
            return;
        }
        session.finish();
        if (session instanceof WebRtcSession webRtc) {
            byUfrag.remove(webRtc.localUfrag(), webRtc);
            SessionAddresses addresses = webRtc.addresses();
            for (int i = 0; i < addresses.size(); i++) {
                forgetAddress(addresses.get(i), webRtc);
            }
            onHandshakeFinished(webRtc);
            admission.releaseSession();
        }
        byId.remove(session.id(), session);
        sessions.remove(session);
        if (session.role() instanceof Publication publication) {
            publishers.remove(publication.streamKey(), session);
            // Players negotiated this publisher's codecs and SSRCs; when it goes (or is replaced) they end too, so
            // their clients notice at once and can play the stream again.
            List<Session> players = playersByStream.remove(publication.streamKey());
            countPlayers(publication.streamKey());
            if (players != null) {
                for (Session player : new ArrayList<>(players)) {
                    endSession(player, Session.EndReason.PUBLISHER_GONE);
                }
            }
        } else if (session.role() instanceof Subscription subscription) {
            List<Session> players = playersByStream.get(subscription.streamKey());
            if (players != null) {
                players.remove(session);
                if (players.isEmpty()) {
                    playersByStream.remove(subscription.streamKey());
                }
            }
            countPlayers(subscription.streamKey());
        }
        LOG.info("session {} ended: {}", session.id(), reason);
        for (Consumer<String> listener : sessionEndListeners) {
            try {
                listener.accept(session.id());
            } catch (RuntimeException e) {
                LOG.warn("a session-end listener failed for {}", session.id(), e);
            }
        }
    }

    /** On the loop: the session's DTLS handshake connected or failed, or the session ended; frees its slot once. */
    void onHandshakeFinished(WebRtcSession session) {
        if (session.releaseHandshakeSlot()) {
            admission.releaseHandshake();
        }
    }

    /** Stops routing {@code address} to {@code session}, unless another session has taken the address since. */
    private void forgetAddress(InetSocketAddress address, WebRtcSession session) {
        if (byAddress.remove(address, session)) {
            udpEndpoints.remove(address);
        }
    }

    // ---- packet path (media loop) ----

    private void tick() {
        long now = clock.millis();
        for (int i = sessions.size() - 1; i >= 0; i--) {
            if (i >= sessions.size()) {
                continue;
            }
            Session session = sessions.get(i);
            try {
                session.tick(now, scratch);
            } catch (RuntimeException e) {
                // A scheduled task that throws is never run again: one broken session must not stop the timers
                // (consent, NACK, reports) of every other. End it instead.
                tickFailures++;
                LOG.warn("session {} failed in its periodic work and is ended", session.id(), e);
                endSession(session, Session.EndReason.INTERNAL_ERROR);
            }
        }
        flushUdp();
    }

    private void onUdp(ByteBuf content, InetSocketAddress sender) {
        int len = content.readableBytes();
        if (len < 1 || len > Buffers.MAX_PACKET) {
            unknownPackets++;
            return;
        }
        content.getBytes(content.readerIndex(), receive, 0, len);
        onDatagram(receive, len, sender);
    }

    /** One UDP datagram in {@code buf[0, len)} (a packet array: decrypted in place), from the socket or a lane. */
    private void onDatagram(byte[] buf, int len, InetSocketAddress sender) {
        switch (PacketKind.of(buf[0] & 0xFF)) {
            case STUN -> onStun(buf, len, udpEndpoint(sender), IceCandidate.Transport.UDP, sender);
            case DTLS -> {
                WebRtcSession session = byAddress.get(sender);
                if (session != null) {
                    session.onDtls(buf, 0, len);
                } else {
                    unknownPackets++;
                }
            }
            case RTP_OR_RTCP -> {
                WebRtcSession session = byAddress.get(sender);
                if (session != null) {
                    session.onSrtp(buf, 0, len, clock.millis(), scratch);
                } else {
                    unknownPackets++;
                }
            }
            default -> unknownPackets++;
        }
    }

    private UdpEndpoint udpEndpoint(InetSocketAddress sender) {
        UdpEndpoint endpoint = udpEndpoints.get(sender);
        if (endpoint == null) {
            endpoint = new UdpEndpoint(udp, sender);
        }
        return endpoint;
    }

    /** Handles a STUN message; returns the session it belongs to when it was a valid check. */
    private WebRtcSession onStun(byte[] buf, int len, MediaEndpoint from, IceCandidate.Transport transport,
            InetSocketAddress udpSender) {
        StunMessage message;
        try {
            message = StunMessage.parse(buf, 0, len);
        } catch (StunException e) {
            badStun++;
            return null;
        }
        Optional<String> ufrag = message.localUfrag();
        WebRtcSession session = ufrag.isPresent() ? byUfrag.get(ufrag.get()) : null;
        if (session == null) {
            badStun++;
            return null;
        }
        if (!session.onStun(message, from, transport, stunOut)) {
            return null;
        }
        if (udpSender != null) {
            InetSocketAddress evicted = session.addresses().onValidCheck(udpSender, clock.millis(),
                    session.sendingTo());
            if (evicted != null) {
                forgetAddress(evicted, session);
            }
            udpEndpoints.put(udpSender, (UdpEndpoint) from);
            byAddress.put(udpSender, session);
        }
        return session;
    }

    private final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext context, DatagramPacket packet) {
            try {
                onUdp(packet.content(), packet.sender());
            } catch (RuntimeException e) {
                // A bug triggered by one packet must not close the shared socket for everyone.
                onPacketFailure(packet.sender(), e);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext context) {
            context.flush();
            signalLanes();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
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
            try {
                onDatagram(buf, len, sender);
            } catch (RuntimeException e) {
                onPacketFailure(sender, e);
            }
        }

        @Override
        public void onLaneBatchEnd() {
            flushUdp();
        }
    }

    /**
     * One ICE-TCP connection: its first frame must be a valid check, which binds it to a session. It counts
     * against its source's {@link TcpConnectionLimiter} share, must send that check within
     * {@link MediaLimits#tcpHandshakeTimeout()}, and is closed when its session ends or when it is silent for the
     * consent timeout (a live client checks every ~5 s).
     */
    private final class TcpHandler extends SimpleChannelInboundHandler<ByteBuf> {
        private static final long WATCH_MILLIS = 250;

        private WebRtcSession session;
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
            endpoint = new TcpEndpoint(context.channel());
            openedMillis = clock.millis();
            lastReadMillis = openedMillis;
            watch = context.executor().scheduleAtFixedRate(() -> watch(context), WATCH_MILLIS, WATCH_MILLIS,
                    TimeUnit.MILLISECONDS);
        }

        /** Closes a connection that never bound to a session in time, whose session has ended, or gone silent. */
        private void watch(ChannelHandlerContext context) {
            long now = clock.millis();
            if (session == null) {
                if (now - openedMillis >= config.limits().tcpHandshakeTimeout().toMillis()) {
                    tcpHandshakeTimeouts++;
                    context.close();
                }
            } else if (session.isEnded() || now - lastReadMillis >= config.consentTimeout().toMillis()) {
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
            frame.getBytes(frame.readerIndex(), receive, 0, len);
            PacketKind kind = PacketKind.of(receive[0] & 0xFF);
            if (kind == PacketKind.STUN) {
                WebRtcSession checked = onStun(receive, len, endpoint, IceCandidate.Transport.TCP, null);
                if (checked != null) {
                    session = checked;
                } else if (session == null) {
                    context.close();
                }
                return;
            }
            if (session == null || session.isEnded()) {
                context.close();
                return;
            }
            if (kind == PacketKind.DTLS) {
                session.onDtls(receive, 0, len);
            } else if (kind == PacketKind.RTP_OR_RTCP) {
                session.onSrtp(receive, 0, len, clock.millis(), scratch);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext context) {
            context.flush();
            flushUdp();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            // Framing errors close the connection (the decoder does it); nothing else to do.
            context.close();
        }
    }

    // ---- helpers ----

    private <T> CompletionStage<T> onLoop(SignallingTask<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    result.complete(task.run());
                } catch (SdpException | RuntimeException e) {
                    result.completeExceptionally(signallingFailure(e));
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(new MediaException(MediaException.Reason.UNAVAILABLE,
                    "the media server is shutting down", e));
        }
        return result;
    }

    @FunctionalInterface
    private interface SignallingTask<T> {
        T run() throws SdpException;
    }

    /**
     * Runs {@code build} on the offer thread (SDP parsing and answer, session state: the costly part of a join) and
     * then {@code register} on the media loop (map insertions), so that a burst of joins does not hold back the
     * packets of the sessions already forwarding. A built session that is not registered (register threw, or the
     * loop is closing) goes to {@code discard}.
     */
    private <P, T> CompletionStage<T> buildThenRegister(SignallingTask<P> build, Function<P, T> register,
            Consumer<P> discard) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            admission.executeOffer(() -> {
                P prepared;
                try {
                    prepared = build.run();
                } catch (SdpException | RuntimeException e) {
                    result.completeExceptionally(signallingFailure(e));
                    return;
                }
                try {
                    loop.execute(() -> {
                        try {
                            result.complete(register.apply(prepared));
                        } catch (RuntimeException e) {
                            discard.accept(prepared);
                            result.completeExceptionally(signallingFailure(e));
                        }
                    });
                } catch (RuntimeException e) {
                    discard.accept(prepared);
                    result.completeExceptionally(new MediaException(MediaException.Reason.UNAVAILABLE,
                            "the media server is shutting down", e));
                }
            });
        } catch (MediaException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    private static MediaException signallingFailure(Exception e) {
        if (e instanceof SdpException sdp) {
            return badOffer(sdp);
        }
        if (e instanceof MediaException media) {
            return media;
        }
        LOG.warn("signalling failed", e);
        return new MediaException(MediaException.Reason.BAD_OFFER, "cannot negotiate: " + e.getMessage(), e);
    }

    private static MediaException badOffer(SdpException e) {
        return new MediaException(MediaException.Reason.BAD_OFFER, "SDP offer: " + e.getMessage(), e);
    }

    private long randomSsrc() {
        return random.nextInt() & 0xFFFF_FFFFL;
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    @Override
    public void close() {
        // Offers being built register (or are refused) before the sessions are ended below.
        admission.stopOffers();
        try {
            if (!loop.isShuttingDown()) {
                loop.submit(() -> {
                    for (Session session : new ArrayList<>(sessions)) {
                        endSession(session, Session.EndReason.SHUTDOWN);
                    }
                }).await(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("closing sessions: {}", e.toString());
        }
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
        admission.close();
    }
}

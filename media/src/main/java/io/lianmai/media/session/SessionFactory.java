package io.lianmai.media.session;

import io.lianmai.media.LocalPlayer;
import io.lianmai.media.LocalPublisher;
import io.lianmai.media.LocalSink;
import io.lianmai.media.MediaConfig;
import io.lianmai.media.MediaException;
import io.lianmai.media.MediaPlane.MediaSession;
import io.lianmai.media.bwe.RembEstimate;
import io.lianmai.media.bwe.SendSideBandwidthEstimator;
import io.lianmai.media.dtls.DtlsConfig;
import io.lianmai.media.dtls.DtlsContext;
import io.lianmai.media.dtls.DtlsFingerprint;
import io.lianmai.media.dtls.DtlsSession;
import io.lianmai.media.ice.IceCredentials;
import io.lianmai.media.ice.IceLiteAgent;
import io.lianmai.media.ice.IceLiteConfig;
import io.lianmai.wire.rtp.Codec;
import io.lianmai.media.sdp.AnswerBuilder;
import io.lianmai.media.sdp.ExtMap;
import io.lianmai.media.sdp.LocalAnswer;
import io.lianmai.media.sdp.LocalOffer;
import io.lianmai.media.sdp.LocalTransport;
import io.lianmai.media.sdp.MediaDescription;
import io.lianmai.media.sdp.MediaKind;
import io.lianmai.media.sdp.NegotiatedMedia;
import io.lianmai.media.sdp.NegotiatedSession;
import io.lianmai.media.sdp.NegotiationPolicy;
import io.lianmai.media.sdp.OfferBuilder;
import io.lianmai.media.sdp.OutgoingTrack;
import io.lianmai.media.sdp.RtcpFeedbackType;
import io.lianmai.media.sdp.RtpCodec;
import io.lianmai.media.sdp.SdpException;
import io.lianmai.media.sdp.SessionDescription;
import io.lianmai.media.sfu.AbsSendTimeStamper;
import io.lianmai.media.sfu.DownTrack;
import io.lianmai.media.sfu.PlayoutDelayStamper;
import io.lianmai.media.sfu.Publication;
import io.lianmai.media.sfu.RetransmissionBudget;
import io.lianmai.media.sfu.RtpSink;
import io.lianmai.media.sfu.Subscription;
import io.lianmai.media.sfu.TransportSequenceStamper;
import io.lianmai.media.srtp.SrtpProfile;
import io.lianmai.media.transport.MediaSockets;
import io.netty.channel.EventLoop;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sessions from signalling: answers a WebRTC publisher's or player's SDP offer (RFC 8829 answerer, ICE-lite,
 * DTLS-SRTP) and builds its session, and makes the local publishers and players of the in-process bridges. The
 * SFU wiring of each (its {@link Publication} or {@link Subscription}) is {@link SfuWiring}'s.
 *
 * <p>Threading: called from signalling threads. The costly part of a join (SDP parsing and answer, session state)
 * runs on the offer thread of {@link SessionAdmission}; only the registration in the {@link SessionRegistry} runs on
 * the media loop, so that a burst of joins does not hold back the packets of the sessions already forwarding.
 */
public final class SessionFactory {
    private static final Logger LOG = LoggerFactory.getLogger(SessionFactory.class);
    /** Packets a mirror's queue holds: a keyframe of a few hundred packets arrives in one burst. */
    private static final int MIRROR_QUEUE_PACKETS = 2048;

    private final MediaConfig config;
    private final Clock clock;
    private final EventLoop loop;
    private final MediaSockets sockets;
    private final SessionAdmission admission;
    private final SessionRegistry registry;
    private final DtlsContext dtls;
    private final IceLiteConfig iceConfig;
    /**
     * The SFU answers NACK and PLI/FIR itself, and with {@link MediaConfig#bandwidthEstimation()} negotiates
     * transport-wide congestion control: it sends publishers transport-cc feedback (a sender that negotiated
     * transport-cc and never got feedback would stay at its start bitrate) and estimates each player's downlink from
     * its feedback. Off, neither is negotiated, and libwebrtc senders ramp up on the receiver reports' loss figures.
     * Publishers and players are answered REMB ({@code goog-remb}) only by {@link #rembPolicy}.
     */
    private final NegotiationPolicy policy;
    /**
     * For players that offer {@code goog-remb} but not transport-cc (aiortc): REMB instead of transport-cc, with
     * abs-send-time, which the server stamps and the player's own receive-side estimator reads; the server reads the
     * estimate from the player's REMB. Publishers that offer the same are answered it too, and the server sends them
     * REMB from its estimate of their uplink over their abs-send-time. Null with
     * {@link MediaConfig#bandwidthEstimation()} off: neither is answered.
     */
    private final NegotiationPolicy rembPolicy;
    /** How players that offer transport-cc are answered: with the playout delay extension unless that is off. */
    private final NegotiationPolicy transportCcPlayerPolicy;
    private final SecureRandom random = new SecureRandom();
    private final SfuWiring wiring;

    /**
     * @param sockets where sessions send (their egress lane) and the candidates that answers carry
     */
    public SessionFactory(MediaConfig config, Clock clock, MediaSockets sockets, SessionAdmission admission,
            SessionRegistry registry) {
        this.config = config;
        this.clock = clock;
        this.policy = negotiationPolicy(config.bandwidthEstimation());
        this.rembPolicy = config.bandwidthEstimation() ? rembPolicy(policy) : null;
        this.transportCcPlayerPolicy = config.bandwidthEstimation() && config.playoutDelayMaxMillis() > 0
                ? withPlayoutDelay(policy) : policy;
        this.loop = sockets.loop();
        this.sockets = sockets;
        this.admission = admission;
        this.registry = registry;
        this.wiring = new SfuWiring(random, config.gopCache());
        Duration consent = config.consentTimeout();
        Duration disconnected = consent.compareTo(Duration.ofSeconds(10)) >= 0 ? Duration.ofSeconds(5)
                : consent.dividedBy(2);
        this.iceConfig = new IceLiteConfig(config.connectTimeout(), disconnected, consent,
                config.limits().maxAddressesPerSession());
        // AES-CM first: it costs half of GCM per video packet here (docs/benchmarks.md, docs/decisions.md).
        DtlsConfig dtlsConfig = DtlsConfig.DEFAULT.withSrtpProfiles(
                List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM));
        this.dtls = DtlsContext.withNewCertificate(dtlsConfig, admission.dtlsExecutor(), clock);
    }

    private static NegotiationPolicy negotiationPolicy(boolean bandwidthEstimation) {
        Set<RtcpFeedbackType> feedback = new HashSet<>(List.of(RtcpFeedbackType.NACK, RtcpFeedbackType.NACK_PLI,
                RtcpFeedbackType.CCM_FIR));
        List<String> extensions = new ArrayList<>(List.of(ExtMap.AUDIO_LEVEL, ExtMap.MID, ExtMap.RTP_STREAM_ID,
                ExtMap.REPAIRED_RTP_STREAM_ID, ExtMap.ABS_SEND_TIME));
        if (bandwidthEstimation) {
            feedback.add(RtcpFeedbackType.TRANSPORT_CC);
            extensions.add(ExtMap.TRANSPORT_WIDE_CC);
        }
        return NegotiationPolicy.defaults().withRtcpFeedback(feedback).withHeaderExtensions(extensions);
    }

    /** {@code base} answering the playout delay extension too (transport-cc players, {@link PlayoutDelayStamper}). */
    private static NegotiationPolicy withPlayoutDelay(NegotiationPolicy base) {
        List<String> extensions = new ArrayList<>(base.headerExtensions());
        extensions.add(ExtMap.PLAYOUT_DELAY);
        return base.withHeaderExtensions(extensions);
    }

    /** {@code base} answering {@code goog-remb} instead of transport-cc: never both (the player would send both). */
    private static NegotiationPolicy rembPolicy(NegotiationPolicy base) {
        Set<RtcpFeedbackType> feedback = new HashSet<>(base.rtcpFeedback());
        feedback.remove(RtcpFeedbackType.TRANSPORT_CC);
        feedback.add(RtcpFeedbackType.GOOG_REMB);
        List<String> extensions = new ArrayList<>(base.headerExtensions());
        extensions.remove(ExtMap.TRANSPORT_WIDE_CC);
        return base.withRtcpFeedback(feedback).withHeaderExtensions(extensions);
    }

    /**
     * How a player's offer is answered: transport-cc where it offers it (browsers, libwebrtc), REMB where it offers
     * only {@code goog-remb} (aiortc), and the plain policy otherwise or with bandwidth estimation off.
     */
    private NegotiationPolicy playerPolicy(SessionDescription offer) {
        if (rembPolicy == null) {
            return policy;
        }
        boolean remb = false;
        for (MediaDescription m : offer.media()) {
            if (m.isRejected()) {
                continue;
            }
            if (m.extMaps().stream().anyMatch(e -> e.uri().equals(ExtMap.TRANSPORT_WIDE_CC))
                    || offersFeedback(m, RtcpFeedbackType.TRANSPORT_CC)) {
                return transportCcPlayerPolicy;
            }
            remb |= offersFeedback(m, RtcpFeedbackType.GOOG_REMB);
        }
        return remb ? rembPolicy : policy;
    }

    /**
     * How a publisher's offer is answered: as a player's, without the playout delay extension (the server sends a
     * publisher no media). One that offers only {@code goog-remb} and abs-send-time (aiortc) gets both, and REMB
     * from the server's estimate of its uplink (see {@code SfuWiring#publication}); one that offers transport-cc
     * gets transport-cc feedback and no REMB.
     */
    private NegotiationPolicy publisherPolicy(SessionDescription offer) {
        NegotiationPolicy asPlayer = playerPolicy(offer);
        return asPlayer == transportCcPlayerPolicy ? policy : asPlayer;
    }

    private static boolean offersFeedback(MediaDescription m, RtcpFeedbackType type) {
        return m.codecs().stream().anyMatch(c -> c.feedback().stream().anyMatch(type::sameAs));
    }

    // ---- signalling (any thread) ----

    /** A WebRTC publisher of {@code streamKey}: the answer to its offer, once its session is registered. */
    public CompletionStage<MediaSession> publish(String streamKey, String offerSdp) {
        return buildThenRegister(() -> preparePublisher(streamKey, SessionDescription.parse(offerSdp)),
                this::registerPublisher, prepared -> discard(prepared.session()));
    }

    /** A WebRTC player of {@code streamKey}'s current publisher. */
    public CompletionStage<MediaSession> play(String streamKey, String offerSdp) {
        return buildThenRegister(() -> preparePlayer(streamKey, SessionDescription.parse(offerSdp)),
                this::registerPlayer, prepared -> discard(prepared.session()));
    }

    /** An in-process publisher of {@code tracks}, negotiated as a WebRTC publisher's would be. */
    public CompletionStage<LocalPublisher> publishLocal(String streamKey, List<RtpCodec> tracks) {
        if (tracks.isEmpty()) {
            return CompletableFuture.failedFuture(new MediaException(MediaException.Reason.BAD_OFFER,
                    "a local publisher needs at least one track"));
        }
        List<RtpCodec> copy = List.copyOf(tracks);
        return buildThenRegister(() -> prepareLocalPublisher(streamKey, copy), this::registerLocalPublisher,
                session -> { });
    }

    /** An in-process player of {@code streamKey}, delivering plain RTP to {@code sink} on the media loop. */
    public CompletionStage<LocalPlayer> playLocal(String streamKey, LocalSink sink) {
        return onLoop(() -> startLocalPlayer(streamKey, sink));
    }

    // ---- WebRTC publishers ----

    /** A session answered and built on the offer thread, for the loop to register. */
    private record Prepared(String streamKey, WebRtcSession session, String answerSdp) {
    }

    /** On the offer thread: the answer, a publisher session holding its admission, its publication and DTLS. */
    private Prepared preparePublisher(String streamKey, SessionDescription offer) throws SdpException {
        IceCredentials local = IceCredentials.generate(random);
        LocalAnswer answer = new AnswerBuilder(publisherPolicy(offer), localTransport(local)).answerPublish(offer);
        NegotiatedSession negotiated = answer.session();
        WebRtcSession session = newSession(local, negotiated);
        try {
            Publication publication = wiring.publication(streamKey, negotiated, session);
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
        registry.register(session);
        registry.registerPublisher(prepared.streamKey(), session);
        LOG.info("publish {} as session {}: {} track(s)", prepared.streamKey(), session.id(),
                ((Publication) session.role()).tracks().size());
        return new MediaSession(session.id(), prepared.answerSdp());
    }

    // ---- WebRTC players ----

    /** A prepared player and the publisher whose tracks it was built on. */
    private record PreparedPlayer(Prepared prepared, Session publisher) {
        WebRtcSession session() {
            return prepared.session();
        }
    }

    /**
     * On the offer thread: the answer and a player session of the stream's current publisher, holding its
     * admission. The loop registers it only if that publisher still publishes.
     */
    private PreparedPlayer preparePlayer(String streamKey, SessionDescription offer) throws SdpException {
        Session publisher = registry.publisher(streamKey);
        if (publisher == null || !(publisher.role() instanceof Publication publication)) {
            throw new MediaException(MediaException.Reason.STREAM_NOT_FOUND, "nobody publishes " + streamKey);
        }
        List<OutgoingTrack> outgoing = wiring.outgoingTracks(publication);
        IceCredentials local = IceCredentials.generate(random);
        LocalAnswer answer = new AnswerBuilder(playerPolicy(offer), localTransport(local))
                .answerSubscribe(offer, outgoing);
        NegotiatedSession negotiated = answer.session();
        WebRtcSession session = newSession(local, negotiated);
        try {
            // A player that negotiated transport-cc: every packet to it is numbered for its downlink estimate. One
            // that negotiated REMB instead: its video carries the server's send time, and its REMB is the estimate.
            int transportCcId = SfuWiring.transportWideCcId(negotiated);
            SendSideBandwidthEstimator estimator = transportCcId > 0 ? new SendSideBandwidthEstimator() : null;
            RembEstimate remb = estimator == null && SfuWiring.negotiatedRemb(negotiated) ? new RembEstimate() : null;
            RtpSink toPlayer = estimator == null ? session
                    : new TransportSequenceStamper(session, estimator, transportCcId, clock);
            List<DownTrack> downTracks = wiring.downTracks(publication, negotiated, outgoing,
                    media -> remb == null ? playoutDelayed(toPlayer, media, estimator)
                            : absSendTimeStamped(session, media));
            Subscription subscription = new Subscription(streamKey, downTracks, session,
                    new RetransmissionBudget(config.limits().retransmission(), clock.millis()));
            subscription.estimateBandwidth(estimator);
            subscription.estimateFromRemb(remb);
            session.attach(newDtls(negotiated, session), subscription);
        } catch (RuntimeException e) {
            discard(session);
            throw e;
        }
        return new PreparedPlayer(new Prepared(streamKey, session, answer.sdp()), publisher);
    }

    /**
     * Where a transport-cc player's m-line's packets go: through a {@link PlayoutDelayStamper} where it negotiated the
     * playout delay extension (video m-lines of libwebrtc-based players).
     */
    private RtpSink playoutDelayed(RtpSink toPlayer, NegotiatedMedia media, SendSideBandwidthEstimator estimator) {
        int id = media.extensionId(ExtMap.PLAYOUT_DELAY).orElse(0);
        return id > 0 && estimator != null
                ? new PlayoutDelayStamper(toPlayer, id, estimator, clock, config.playoutDelayMaxMillis()) : toPlayer;
    }

    /** Where an m-line's packets go: through an {@link AbsSendTimeStamper} where it negotiated abs-send-time. */
    private RtpSink absSendTimeStamped(WebRtcSession session, NegotiatedMedia media) {
        int id = media.extensionId(ExtMap.ABS_SEND_TIME).orElse(0);
        return id > 0 ? new AbsSendTimeStamper(session, id, clock) : session;
    }

    /** On the loop: registers the prepared player, unless its publisher has ended or been replaced since. */
    private MediaSession registerPlayer(PreparedPlayer player) {
        String streamKey = player.prepared().streamKey();
        if (player.publisher().isEnded() || registry.publisher(streamKey) != player.publisher()) {
            throw new MediaException(MediaException.Reason.STREAM_NOT_FOUND, "the publisher of " + streamKey
                    + " left or was replaced while the offer was answered; play it again");
        }
        WebRtcSession session = player.session();
        registry.register(session);
        registry.registerPlayer(streamKey, session);
        LOG.info("play {} as session {}: {} track(s)", streamKey, session.id(),
                ((Subscription) session.role()).downTracks().size());
        return new MediaSession(session.id(), player.prepared().answerSdp());
    }

    // ---- local sessions (the bridges') ----

    /** On the offer thread: a local publisher's negotiation and publication, not yet registered. */
    private LocalPublisherSession prepareLocalPublisher(String streamKey, List<RtpCodec> codecs)
            throws SdpException {
        List<OutgoingTrack> outgoing = new ArrayList<>();
        for (int i = 0; i < codecs.size(); i++) {
            RtpCodec codec = codecs.get(i);
            MediaKind kind = Codec.fromEncodingName(codec.name()).map(c -> c.isVideo() ? MediaKind.VIDEO
                    : MediaKind.AUDIO).orElseThrow(() -> new MediaException(MediaException.Reason.BAD_OFFER,
                            "cannot forward codec " + codec.name()));
            long ssrc = wiring.randomSsrc();
            outgoing.add(new OutgoingTrack(kind, "local", "t" + i, "lianmai-local", ssrc, ssrc ^ 1, List.of(codec)));
        }
        // The same negotiation as a WebRTC publisher's, against an offer the server makes itself: players are
        // offered exactly these codecs.
        IceCredentials local = IceCredentials.generate(random);
        LocalOffer offer = new OfferBuilder(policy, localTransport(local)).offer(outgoing);
        NegotiatedSession negotiated = new AnswerBuilder(policy, localTransport(IceCredentials.generate(random)))
                .answerPublish(offer.description()).session();
        LocalPublisherSession session = new LocalPublisherSession(newSessionId(), registry, loop, codecs.size());
        Publication publication = wiring.publication(streamKey, negotiated, session);
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
        registry.registerLocal(session);
        registry.registerPublisher(publication.streamKey(), session);
        LOG.info("publish {} locally as session {}: {} track(s)", publication.streamKey(), session.id(),
                publication.tracks().size());
        return session;
    }

    /** On the loop: a local player of the stream's current publisher, registered and started. */
    private LocalPlayer startLocalPlayer(String streamKey, LocalSink sink) {
        Session publisher = registry.publisher(streamKey);
        if (publisher == null || !(publisher.role() instanceof Publication publication)) {
            throw new MediaException(MediaException.Reason.STREAM_NOT_FOUND, "nobody publishes " + streamKey);
        }
        LocalPlayerSession session = new LocalPlayerSession(newSessionId(), registry, loop, sink);
        List<RtpCodec> codecs = new ArrayList<>();
        List<DownTrack> downTracks = wiring.localDownTracks(publication, codecs, session::trackSink);
        session.setRole(new Subscription(streamKey, downTracks, session));
        registry.registerLocal(session);
        registry.registerPlayer(streamKey, session);
        sink.onStart(List.copyOf(codecs));
        registry.onSessionConnected(session);
        LOG.info("play {} locally as session {}: {}", streamKey, session.id(), codecs);
        return session;
    }

    // ---- mirrors of other loops' publishers ----

    /**
     * Makes sure this loop has a publisher of {@code streamKey} for a player about to join here: its own, or a
     * {@link MirrorSession} of {@code source}'s (another media loop's registry, running on {@code sourceLoop}).
     * Completes once the mirror is registered; the source starts feeding it on its own loop right after.
     */
    public CompletionStage<Void> mirror(String streamKey, SessionRegistry source, EventLoop sourceLoop) {
        return onLoop(() -> {
            Session here = registry.publisher(streamKey);
            if (here instanceof MirrorSession stale && stale.link().isClosed()) {
                // Its publisher has gone (replaced on another loop, say); it would end on its next tick.
                registry.endSession(stale, Session.EndReason.PUBLISHER_GONE);
                here = null;
            }
            if (here != null) {
                return null;
            }
            Session publisher = source.publisher(streamKey);
            if (publisher == null || publisher instanceof MirrorSession
                    || !(publisher.role() instanceof Publication publication) || publication.source() == null) {
                throw new MediaException(MediaException.Reason.STREAM_NOT_FOUND, "nobody publishes " + streamKey);
            }
            MirrorSession mirror = new MirrorSession(newSessionId(), registry, loop, streamKey,
                    publication.tracks().size(), MIRROR_QUEUE_PACKETS);
            mirror.setRole(wiring.mirror(streamKey, publication.source(), mirror, mirror.link()));
            registry.registerLocal(mirror);
            registry.registerPublisher(streamKey, mirror);
            sourceLoop.execute(() -> {
                if (publisher.isEnded() || source.publisher(streamKey) != publisher) {
                    mirror.link().close(); // the mirror ends on its next tick, and its players with it
                } else {
                    publication.addMirror(mirror.link());
                }
            });
            LOG.debug("mirror {} of {} for this loop's players", mirror.id(), streamKey);
            return null;
        });
    }

    // ---- sessions, ICE and DTLS ----

    /**
     * A new WebRTC session, not yet registered (see {@link SessionRegistry#register(WebRtcSession)}). It holds a
     * session and a DTLS handshake slot of {@link SessionAdmission}, or is refused; one that is never registered
     * gives them back through {@link #discard}. On the offer thread.
     *
     * @throws MediaException UNAVAILABLE when the node is full (see {@link SessionAdmission#admit()})
     */
    private WebRtcSession newSession(IceCredentials local, NegotiatedSession negotiated) {
        admission.admit();
        IceLiteAgent agent = IceLiteAgent.create(local, iceConfig, clock);
        agent.setRemoteCredentials(IceCredentials.of(negotiated.remoteIce().ufrag(), negotiated.remoteIce().pwd()));
        return new WebRtcSession(newSessionId(), registry, loop, agent, sockets.nextLane(),
                new SessionAddresses(config.limits().maxAddressesPerSession()));
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
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private DtlsSession newDtls(NegotiatedSession negotiated, WebRtcSession session) {
        DtlsFingerprint remote = DtlsFingerprint.parse(negotiated.remoteFingerprint().algorithm() + " "
                + negotiated.remoteFingerprint().value());
        return negotiated.localIsDtlsClient() ? dtls.newClientSession(remote, session, session)
                : dtls.newServerSession(remote, session, session);
    }

    private LocalTransport localTransport(IceCredentials local) {
        return LocalTransport.of(local.ufrag(), local.pwd(), dtls.certificate().fingerprint().toSdpValue(),
                sockets.candidateLines());
    }

    // ---- threads ----

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
            return new MediaException(MediaException.Reason.BAD_OFFER, "SDP offer: " + sdp.getMessage(), sdp);
        }
        if (e instanceof MediaException media) {
            return media;
        }
        LOG.warn("signalling failed", e);
        return new MediaException(MediaException.Reason.BAD_OFFER, "cannot negotiate: " + e.getMessage(), e);
    }
}

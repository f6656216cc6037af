package io.lianmai.media;

import io.lianmai.common.MonotonicClock;
import io.lianmai.media.demux.LoopLinks;
import io.lianmai.media.demux.PacketDemultiplexer;
import io.lianmai.media.sdp.RtpCodec;
import io.lianmai.media.session.SessionAdmission;
import io.lianmai.media.session.SessionFactory;
import io.lianmai.media.session.SessionRegistry;
import io.lianmai.media.transport.MediaSockets;
import io.netty.channel.epoll.Epoll;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebRTC media plane on one UDP port (and ICE-TCP on one TCP port): a facade that wires its parts and answers
 * {@link MediaPlane}'s calls through them.
 *
 * <ul>
 *   <li>{@link MediaSockets} ({@code transport}): the sockets, the media loop and the egress lanes;</li>
 *   <li>{@link PacketDemultiplexer} ({@code demux}): RFC 7983 sorting, ICE-lite by username fragment, then by
 *       remote address;</li>
 *   <li>{@link SessionRegistry} and {@link SessionFactory} ({@code session}): the sessions, and their making from
 *       SDP offers (DTLS-SRTP, and the SFU's publications and subscriptions, {@code sfu}).</li>
 * </ul>
 *
 * <p>Threading: {@link MediaConfig#loops()} Netty event loops (media loops), each with its own socket on the media
 * port ({@code SO_REUSEPORT}); each owns the sessions placed on it and their tracks, so the packet path takes no
 * lock and allocates nothing of its own. A session is placed when its offer comes: a publisher on the loop holding
 * the fewest sessions; a player with its publisher, unless that loop holds {@link MediaConfig#placementSlack()}
 * sessions more than the least loaded one, which then takes the player and gets a mirror of the stream
 * ({@code session.MirrorSession}: one copy per packet per loop). A datagram read by a loop that does not own its
 * session is handed to the owner ({@link LoopLinks}). Loop 0 also accepts ICE-TCP and runs the
 * {@link MediaConfig#egressThreads()} egress lanes, which protect and send what it forwards to the sessions bound
 * to them. Offers are answered on an offer thread and DTLS handshakes run on a small executor; both hand their
 * results to the session's loop. Signalling calls may come from any thread.
 */
public final class MediaServer implements MediaPlane {
    private static final Logger LOG = LoggerFactory.getLogger(MediaServer.class);
    private static final long TICK_MILLIS = 20;

    private final SessionAdmission admission;
    /** See {@link MediaConfig#placementSlack()}. */
    private final int placementSlack;
    /** The media loops; loop 0 also has the ICE-TCP port and the egress lanes. */
    private final Loop[] loops;

    /** One media loop and what it owns: its socket, its sessions and how it reaches the other loops. */
    private static final class Loop {
        final MediaSockets sockets;
        final LoopLinks links;
        final PacketDemultiplexer demux;
        final SessionRegistry registry;
        final SessionFactory factory;

        Loop(MediaConfig config, Clock clock, int index, LoopLinks.Directory directory, SessionAdmission admission) {
            this.sockets = new MediaSockets(config, clock, index);
            this.links = directory == null ? LoopLinks.NONE : new LoopLinks(directory, index, sockets.loop());
            this.demux = new PacketDemultiplexer(sockets, clock, links);
            this.registry = new SessionRegistry(sockets.loop(), clock, admission, demux, sockets::flush);
            this.factory = new SessionFactory(config, clock, sockets, admission, registry);
            if (directory != null) {
                links.attach(demux, sockets::flush);
            }
        }

        /** Sessions held (an estimate, for placement). */
        int load() {
            return registry.sessionCount();
        }
    }

    private MediaServer(MediaConfig config, Clock clock) {
        this.admission = new SessionAdmission(config.limits());
        this.placementSlack = config.placementSlack();
        int count = config.loops();
        if (count > 1 && !Epoll.isAvailable()) {
            LOG.warn("media.loops={} needs epoll (SO_REUSEPORT); running one media loop", count);
            count = 1;
        }
        LoopLinks.Directory directory = count > 1 ? new LoopLinks.Directory(count) : null;
        this.loops = new Loop[count];
        for (int i = 0; i < count; i++) {
            loops[i] = new Loop(config, clock, i, directory, admission);
        }
    }

    /**
     * Binds the media sockets and starts the media loop, on a clock that never jumps ({@link MonotonicClock}).
     *
     * @throws MediaException with {@link MediaException.Reason#UNAVAILABLE} when a port cannot be bound
     */
    public static MediaServer start(MediaConfig config) {
        return start(config, new MonotonicClock());
    }

    /**
     * Binds the media sockets and starts the media loops; every timeout of the plane (ICE consent, DTLS, ICE-TCP,
     * retransmission budgets, reports) is measured on {@code clock}.
     *
     * @throws MediaException with {@link MediaException.Reason#UNAVAILABLE} when a port cannot be bound
     */
    public static MediaServer start(MediaConfig config, Clock clock) {
        MediaServer server = new MediaServer(config, clock);
        try {
            Loop first = server.loops[0];
            first.sockets.bind(first.demux);
            for (int i = 1; i < server.loops.length; i++) {
                server.loops[i].sockets.bindBeside(first.sockets, server.loops[i].demux);
            }
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new MediaException(MediaException.Reason.UNAVAILABLE, "cannot bind media ports on "
                    + config.bindHost() + " (UDP " + config.udpPort() + ", TCP " + config.tcpPort() + "): "
                    + e.getMessage(), e);
        }
        for (Loop loop : server.loops) {
            SessionRegistry sessions = loop.registry;
            loop.sockets.loop().scheduleAtFixedRate(sessions::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        }
        if (server.loops.length > 1) {
            LOG.info("media on {} loops sharing UDP port {}", server.loops.length, server.udpPort());
        }
        return server;
    }

    /** The media loops running (media.loops, or one without epoll). */
    public int loopCount() {
        return loops.length;
    }

    /** The bound UDP port. */
    public int udpPort() {
        return loops[0].sockets.udpPort();
    }

    /** The bound TCP port, or -1 when ICE-TCP is off. */
    public int tcpPort() {
        return loops[0].sockets.tcpPort();
    }

    /**
     * What the media plane holds, has refused and has dropped: one snapshot for metrics and tests. Counters only
     * grow while the server runs.
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
     * @param refusedRetransmissions NACKed packets not resent (repeat, rate or share budget), ended players included
     * @param unknownPackets datagrams dropped unread: empty or oversized, not STUN/DTLS/RTP (RFC 7983), or DTLS and
     *     SRTP from an address no session owns
     * @param badStun STUN messages that did not parse or named no session's username fragment
     * @param srtpDropped SRTP/SRTCP packets sessions dropped (before keys, failed authentication, replays, malformed)
     * @param packetFailures packets dropped after an internal error in their handling
     * @param tickFailures sessions ended because their periodic work threw
     * @param tcpDropped packets not sent on ICE-TCP connections whose reader stalled (counted at their close)
     * @param laneQueueFull packets dropped because an egress lane was too far behind (either direction)
     * @param laneProtectFailures packets an egress lane could not protect
     * @param transportFeedbackSent transport-cc feedback packets sent to the publishers now connected
     * @param transportFeedbackReceived transport-cc feedback packets received from the players now connected
     * @param estimatedPlayers players now connected whose downlink is estimated, from transport-cc feedback or from
     *     their REMB (see {@link #bandwidthEstimates})
     * @param rembReceived well-formed REMBs received from the players now connected whose REMB is read (they
     *     negotiated {@code goog-remb} and not transport-cc)
     * @param rembIgnored application-layer feedback from those players that was not a well-formed REMB
     * @param publishers publishing sessions now held (WebRTC: WHIP and SDK publishers; local: RTMP bridged in)
     * @param players playing sessions now held (WebRTC: WHEP and SDK players; local: live output bridges)
     * @param packetsIn packets read from the media sockets (UDP and ICE-TCP)
     * @param bytesIn their bytes
     * @param packetsOut packets written to the media sockets
     * @param bytesOut their bytes
     * @param nacksSent generic NACKs sent to publishers
     * @param keyframeRequestsSent PLIs sent to publishers
     * @param nacksReceived generic NACKs received from players
     * @param keyframeRequestsReceived PLIs and FIRs received from players
     * @param retransmitted packets resent to players for their NACKs
     * @param rembSent REMBs sent to the publishers now connected that negotiated {@code goog-remb} and not
     *     transport-cc: the server's estimate of their uplink ({@code ReceiveSideEstimator})
     * @param loops media loops running
     * @param mirrors publishers copied to another loop for that loop's players (one copy per packet per such loop)
     * @param handedOver datagrams and ICE-TCP frames read by one loop for a session of another and handed to it
     * @param handoverDropped of those, and of the packets copied to mirrors, dropped because the other loop's queue
     *     was full
     */
    public record Stats(int webRtcSessions, int handshakesInProgress, int dtlsThreads, long refusedSessions,
            long refusedHandshakes, int routedAddresses, int udpEndpoints, int tcpConnections,
            long refusedTcpConnections, long tcpHandshakeTimeouts, long refusedRetransmissions, long unknownPackets,
            long badStun, long srtpDropped, long packetFailures, long tickFailures, long tcpDropped,
            long laneQueueFull, long laneProtectFailures, long transportFeedbackSent, long transportFeedbackReceived,
            int estimatedPlayers, long rembReceived, long rembIgnored, int publishers, int players, long packetsIn,
            long bytesIn, long packetsOut, long bytesOut, long nacksSent, long keyframeRequestsSent,
            long nacksReceived, long keyframeRequestsReceived, long retransmitted, long rembSent, int loops,
            int mirrors, long handedOver, long handoverDropped) {
    }

    /** A snapshot of {@link Stats}, each loop's share taken on that loop (waits at most 2 s for each). */
    public Stats stats() {
        Totals totals = new Totals();
        for (Loop loop : loops) {
            onLoop(loop, () -> {
                totals.add(loop);
                return null;
            });
        }
        return totals.stats(admission, loops.length);
    }

    /** The loops' counters summed; each loop adds its own on its loop, one after the other. */
    private static final class Totals {
        private long routedAddresses;
        private long udpEndpoints;
        private long tcpConnections;
        private long refusedTcpConnections;
        private long tcpHandshakeTimeouts;
        private long refusedRetransmissions;
        private long unknownPackets;
        private long badStun;
        private long srtpDropped;
        private long packetFailures;
        private long tickFailures;
        private long tcpDropped;
        private long laneQueueFull;
        private long laneProtectFailures;
        private long transportFeedbackSent;
        private long transportFeedbackReceived;
        private long estimatedPlayers;
        private long rembReceived;
        private long rembIgnored;
        private long publishers;
        private long players;
        private long packetsIn;
        private long bytesIn;
        private long packetsOut;
        private long bytesOut;
        private long nacksSent;
        private long keyframeRequestsSent;
        private long nacksReceived;
        private long keyframeRequestsReceived;
        private long retransmitted;
        private long rembSent;
        private long mirrors;
        private long handedOver;
        private long handoverDropped;

        synchronized void add(Loop loop) {
            MediaSockets.Counters net = loop.sockets.counters();
            PacketDemultiplexer.Counters routed = loop.demux.counters();
            SessionRegistry.Counters held = loop.registry.counters();
            routedAddresses += routed.routedAddresses();
            udpEndpoints += routed.udpEndpoints();
            tcpConnections += net.tcpConnections();
            refusedTcpConnections += net.refusedTcpConnections();
            tcpHandshakeTimeouts += net.tcpHandshakeTimeouts();
            refusedRetransmissions += held.refusedRetransmissions();
            unknownPackets += net.unusableDatagrams() + routed.unknownPackets();
            badStun += routed.badStun();
            srtpDropped += held.srtpDropped();
            packetFailures += net.packetFailures() + routed.packetFailures();
            tickFailures += held.tickFailures();
            tcpDropped += net.tcpDropped();
            laneQueueFull += net.laneQueueFull();
            laneProtectFailures += net.laneProtectFailures();
            transportFeedbackSent += held.transportFeedbackSent();
            transportFeedbackReceived += held.transportFeedbackReceived();
            estimatedPlayers += held.estimatedPlayers();
            rembReceived += held.rembReceived();
            rembIgnored += held.rembIgnored();
            publishers += held.publishers();
            players += held.players();
            packetsIn += net.packetsIn();
            bytesIn += net.bytesIn();
            packetsOut += net.packetsOut();
            bytesOut += net.bytesOut();
            nacksSent += held.nacksSent();
            keyframeRequestsSent += held.keyframeRequestsSent();
            nacksReceived += held.nacksReceived();
            keyframeRequestsReceived += held.keyframeRequestsReceived();
            retransmitted += held.retransmitted();
            rembSent += held.rembSent();
            mirrors += held.mirrors();
            handedOver += loop.links.handedOver();
            handoverDropped += loop.links.handoverDropped() + held.mirrorDropped();
        }

        synchronized Stats stats(SessionAdmission admission, int loops) {
            return new Stats(admission.sessions(), admission.handshakesInProgress(), admission.dtlsThreadsAlive(),
                    admission.refusedSessions(), admission.refusedHandshakes(), (int) routedAddresses,
                    (int) udpEndpoints, (int) tcpConnections, refusedTcpConnections, tcpHandshakeTimeouts,
                    refusedRetransmissions, unknownPackets, badStun, srtpDropped, packetFailures, tickFailures,
                    tcpDropped, laneQueueFull, laneProtectFailures, transportFeedbackSent, transportFeedbackReceived,
                    (int) estimatedPlayers, rembReceived, rembIgnored, (int) publishers, (int) players, packetsIn,
                    bytesIn, packetsOut, bytesOut, nacksSent, keyframeRequestsSent, nacksReceived,
                    keyframeRequestsReceived, retransmitted, rembSent, loops, (int) mirrors, handedOver,
                    handoverDropped);
        }
    }

    /** {@code task}'s result, run on {@code loop}'s media loop (waits at most 2 s). */
    private static <T> T onLoop(Loop loop, java.util.concurrent.Callable<T> task) {
        try {
            return loop.sockets.loop().submit(task).get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MediaException(MediaException.Reason.UNAVAILABLE, "interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new MediaException(MediaException.Reason.UNAVAILABLE, "the media loop did not answer", e);
        }
    }

    /** {@code listener} is told how long each WebRTC session took to connect (once, on its media loop). */
    public void onSessionConnected(SessionConnectListener listener) {
        for (Loop loop : loops) {
            loop.registry.onSessionConnected(listener);
        }
    }

    /**
     * Each connected WebRTC player's estimated downlink in bit/s, by session id: from its transport-cc feedback, or,
     * for a player that negotiated REMB without transport-cc (aiortc), its latest REMB once one came (players with
     * neither are absent); taken on each media loop (waits at most 2 s for each).
     */
    public Map<String, Long> bandwidthEstimates() {
        Map<String, Long> estimates = new HashMap<>();
        for (Loop loop : loops) {
            estimates.putAll(onLoop(loop, loop.registry::bandwidthEstimates));
        }
        return estimates;
    }

    // ---- placement ----

    /** The loop holding the fewest sessions (the first of equals). */
    private Loop leastLoaded() {
        Loop best = loops[0];
        for (int i = 1; i < loops.length; i++) {
            if (loops[i].load() < best.load()) {
                best = loops[i];
            }
        }
        return best;
    }

    /** The loop whose own publisher publishes {@code streamKey}, or null. */
    private Loop publishing(String streamKey) {
        for (Loop loop : loops) {
            if (loop.registry.publishesHere(streamKey)) {
                return loop;
            }
        }
        return null;
    }

    /** Where a new player of {@code source}'s stream goes: with its publisher, unless that loop is much busier. */
    private Loop playerLoop(Loop source) {
        Loop least = leastLoaded();
        return source.load() <= least.load() + placementSlack ? source : least;
    }

    /** After {@code sessionId} took {@code streamKey} on {@code loop}: other loops' publishers of it end (replaced). */
    private void replaceElsewhere(Loop loop, String streamKey, String sessionId) {
        for (Loop other : loops) {
            if (other != loop) {
                other.registry.endPublisher(streamKey, sessionId);
            }
        }
    }

    // ---- MediaPlane ----

    @Override
    public PlayerStats.Page playerStats(String streamKeyPrefix, int max) {
        int players = 0;
        List<PlayerStats> listed = new ArrayList<>();
        for (Loop loop : loops) {
            int room = Math.max(0, max - listed.size());
            PlayerStats.Page page = onLoop(loop, () -> loop.registry.playerStats(streamKeyPrefix, room));
            players += page.players();
            listed.addAll(page.listed());
        }
        return new PlayerStats.Page(players, listed);
    }

    @Override
    public SessionStats.Page sessionStats(String streamKeyPrefix, int max) {
        int sessions = 0;
        List<SessionStats> listed = new ArrayList<>();
        for (Loop loop : loops) {
            int room = Math.max(0, max - listed.size());
            SessionStats.Page page = onLoop(loop, () -> loop.registry.sessionStats(streamKeyPrefix, room));
            sessions += page.sessions();
            listed.addAll(page.listed());
        }
        return new SessionStats.Page(sessions, listed);
    }

    @Override
    public CompletionStage<MediaSession> publish(String streamKey, String offerSdp) {
        Loop loop = leastLoaded();
        return loop.factory.publish(streamKey, offerSdp).thenApply(session -> {
            replaceElsewhere(loop, streamKey, session.sessionId());
            return session;
        });
    }

    @Override
    public CompletionStage<MediaSession> play(String streamKey, String offerSdp) {
        Loop source = publishing(streamKey);
        if (source == null) {
            return loops[0].factory.play(streamKey, offerSdp); // refused there: nobody publishes it
        }
        Loop loop = playerLoop(source);
        if (loop == source || loop.registry.publishesHere(streamKey)) {
            return loop.factory.play(streamKey, offerSdp);
        }
        return loop.factory.mirror(streamKey, source.registry, source.sockets.loop())
                .thenCompose(mirrored -> loop.factory.play(streamKey, offerSdp));
    }

    @Override
    public boolean end(String sessionId) {
        for (Loop loop : loops) {
            if (loop.registry.end(sessionId)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean preferSmallStream(String sessionId, boolean small) {
        for (Loop loop : loops) {
            if (loop.registry.preferSmallStream(sessionId, small)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void onSessionEnded(Consumer<String> listener) {
        for (Loop loop : loops) {
            loop.registry.onSessionEnded(listener);
        }
    }

    @Override
    public void onPublishedLayers(PublishedLayersListener listener) {
        for (Loop loop : loops) {
            loop.registry.onPublishedLayers(listener);
        }
    }

    @Override
    public CompletionStage<LocalPublisher> publishLocal(String streamKey, List<RtpCodec> tracks) {
        Loop loop = leastLoaded();
        return loop.factory.publishLocal(streamKey, tracks).thenApply(publisher -> {
            replaceElsewhere(loop, streamKey, publisher.sessionId());
            return publisher;
        });
    }

    @Override
    public CompletionStage<LocalPlayer> playLocal(String streamKey, LocalSink sink) {
        Loop source = publishing(streamKey);
        return (source == null ? loops[0] : source).factory.playLocal(streamKey, sink);
    }

    @Override
    public boolean isPublished(String streamKey) {
        return publishing(streamKey) != null;
    }

    @Override
    public int playerCount(String streamKey) {
        int players = 0;
        for (Loop loop : loops) {
            players += loop.registry.playerCount(streamKey);
        }
        return players;
    }

    @Override
    public void close() {
        // Offers being built register (or are refused) before the sessions are ended below.
        admission.stopOffers();
        for (Loop loop : loops) {
            try {
                if (!loop.sockets.loop().isShuttingDown()) {
                    loop.sockets.loop().submit(loop.registry::endAll).await(2, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.debug("closing sessions: {}", e.toString());
            }
        }
        for (int i = loops.length - 1; i >= 0; i--) {
            loops[i].sockets.close();
        }
        admission.close();
    }
}

package io.lianmai.media;

import io.lianmai.common.MonotonicClock;
import io.lianmai.media.demux.PacketDemultiplexer;
import io.lianmai.media.sdp.RtpCodec;
import io.lianmai.media.session.SessionAdmission;
import io.lianmai.media.session.SessionFactory;
import io.lianmai.media.session.SessionRegistry;
import io.lianmai.media.transport.MediaSockets;
import java.time.Clock;
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
 * <p>Threading: one Netty event loop (the media loop) owns every session and track, so the packet path takes no
 * lock and allocates nothing of its own. {@link MediaConfig#egressThreads()} egress lanes, each a thread with its
 * own socket on the media port ({@code SO_REUSEPORT}), protect and send what the loop forwards to the sessions
 * bound to them. Offers are answered on an offer thread and DTLS handshakes run on a small executor; both hand
 * their results to the loop. Signalling calls may come from any thread.
 */
public final class MediaServer implements MediaPlane {
    private static final Logger LOG = LoggerFactory.getLogger(MediaServer.class);
    private static final long TICK_MILLIS = 20;

    private final MediaSockets sockets;
    private final PacketDemultiplexer demux;
    private final SessionAdmission admission;
    private final SessionRegistry registry;
    private final SessionFactory factory;

    private MediaServer(MediaConfig config, Clock clock) {
        this.sockets = new MediaSockets(config, clock);
        this.demux = new PacketDemultiplexer(sockets, clock);
        this.admission = new SessionAdmission(config.limits());
        this.registry = new SessionRegistry(sockets.loop(), clock, admission, demux, sockets::flush);
        this.factory = new SessionFactory(config, clock, sockets, admission, registry);
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
     * Binds the media sockets and starts the media loop; every timeout of the plane (ICE consent, DTLS, ICE-TCP,
     * retransmission budgets, reports) is measured on {@code clock}.
     *
     * @throws MediaException with {@link MediaException.Reason#UNAVAILABLE} when a port cannot be bound
     */
    public static MediaServer start(MediaConfig config, Clock clock) {
        MediaServer server = new MediaServer(config, clock);
        try {
            server.sockets.bind(server.demux);
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new MediaException(MediaException.Reason.UNAVAILABLE, "cannot bind media ports on "
                    + config.bindHost() + " (UDP " + config.udpPort() + ", TCP " + config.tcpPort() + "): "
                    + e.getMessage(), e);
        }
        SessionRegistry sessions = server.registry;
        server.sockets.loop().scheduleAtFixedRate(sessions::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        return server;
    }

    /** The bound UDP port. */
    public int udpPort() {
        return sockets.udpPort();
    }

    /** The bound TCP port, or -1 when ICE-TCP is off. */
    public int tcpPort() {
        return sockets.tcpPort();
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
     */
    public record Stats(int webRtcSessions, int handshakesInProgress, int dtlsThreads, long refusedSessions,
            long refusedHandshakes, int routedAddresses, int udpEndpoints, int tcpConnections,
            long refusedTcpConnections, long tcpHandshakeTimeouts, long refusedRetransmissions, long unknownPackets,
            long badStun, long srtpDropped, long packetFailures, long tickFailures, long tcpDropped,
            long laneQueueFull, long laneProtectFailures, long transportFeedbackSent, long transportFeedbackReceived,
            int estimatedPlayers, long rembReceived, long rembIgnored, int publishers, int players, long packetsIn,
            long bytesIn, long packetsOut, long bytesOut, long nacksSent, long keyframeRequestsSent,
            long nacksReceived, long keyframeRequestsReceived, long retransmitted, long rembSent) {
    }

    /** A snapshot of {@link Stats}, taken on the media loop (waits at most 2 s for it). */
    public Stats stats() {
        return onLoop(this::statsOnLoop);
    }

    /** {@code task}'s result, run on the media loop (waits at most 2 s). */
    private <T> T onLoop(java.util.concurrent.Callable<T> task) {
        try {
            return sockets.loop().submit(task).get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MediaException(MediaException.Reason.UNAVAILABLE, "interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new MediaException(MediaException.Reason.UNAVAILABLE, "the media loop did not answer", e);
        }
    }

    private Stats statsOnLoop() {
        MediaSockets.Counters net = sockets.counters();
        PacketDemultiplexer.Counters routed = demux.counters();
        SessionRegistry.Counters held = registry.counters();
        return new Stats(admission.sessions(), admission.handshakesInProgress(), admission.dtlsThreadsAlive(),
                admission.refusedSessions(), admission.refusedHandshakes(), routed.routedAddresses(),
                routed.udpEndpoints(), net.tcpConnections(), net.refusedTcpConnections(), net.tcpHandshakeTimeouts(),
                held.refusedRetransmissions(), net.unusableDatagrams() + routed.unknownPackets(), routed.badStun(),
                held.srtpDropped(), net.packetFailures(), held.tickFailures(), net.tcpDropped(), net.laneQueueFull(),
                net.laneProtectFailures(), held.transportFeedbackSent(), held.transportFeedbackReceived(),
                held.estimatedPlayers(), held.rembReceived(), held.rembIgnored(), held.publishers(), held.players(),
                net.packetsIn(), net.bytesIn(), net.packetsOut(), net.bytesOut(), held.nacksSent(),
                held.keyframeRequestsSent(), held.nacksReceived(), held.keyframeRequestsReceived(),
                held.retransmitted(), held.rembSent());
    }

    /** {@code listener} is told how long each WebRTC session took to connect (once, on the media loop). */
    public void onSessionConnected(SessionConnectListener listener) {
        registry.onSessionConnected(listener);
    }

    /**
     * Each connected WebRTC player's estimated downlink in bit/s, by session id: from its transport-cc feedback, or,
     * for a player that negotiated REMB without transport-cc (aiortc), its latest REMB once one came (players with
     * neither are absent); taken on the media loop (waits at most 2 s).
     */
    public Map<String, Long> bandwidthEstimates() {
        return onLoop(registry::bandwidthEstimates);
    }

    // ---- MediaPlane ----

    @Override
    public PlayerStats.Page playerStats(String streamKeyPrefix, int max) {
        return onLoop(() -> registry.playerStats(streamKeyPrefix, max));
    }

    @Override
    public SessionStats.Page sessionStats(String streamKeyPrefix, int max) {
        return onLoop(() -> registry.sessionStats(streamKeyPrefix, max));
    }


    @Override
    public CompletionStage<MediaSession> publish(String streamKey, String offerSdp) {
        return factory.publish(streamKey, offerSdp);
    }

    @Override
    public CompletionStage<MediaSession> play(String streamKey, String offerSdp) {
        return factory.play(streamKey, offerSdp);
    }

    @Override
    public boolean end(String sessionId) {
        return registry.end(sessionId);
    }

    @Override
    public boolean preferSmallStream(String sessionId, boolean small) {
        return registry.preferSmallStream(sessionId, small);
    }

    @Override
    public void onSessionEnded(Consumer<String> listener) {
        registry.onSessionEnded(listener);
    }

    @Override
    public void onPublishedLayers(PublishedLayersListener listener) {
        registry.onPublishedLayers(listener);
    }

    @Override
    public CompletionStage<LocalPublisher> publishLocal(String streamKey, List<RtpCodec> tracks) {
        return factory.publishLocal(streamKey, tracks);
    }

    @Override
    public CompletionStage<LocalPlayer> playLocal(String streamKey, LocalSink sink) {
        return factory.playLocal(streamKey, sink);
    }

    @Override
    public boolean isPublished(String streamKey) {
        return registry.isPublished(streamKey);
    }

    @Override
    public int playerCount(String streamKey) {
        return registry.playerCount(streamKey);
    }

    @Override
    public void close() {
        // Offers being built register (or are refused) before the sessions are ended below.
        admission.stopOffers();
        try {
            if (!sockets.loop().isShuttingDown()) {
                sockets.loop().submit(registry::endAll).await(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("closing sessions: {}", e.toString());
        }
        sockets.close();
        admission.close();
    }
}

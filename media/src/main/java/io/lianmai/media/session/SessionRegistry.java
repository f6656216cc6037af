package io.lianmai.media.session;

import io.lianmai.media.PlayerStats;
import io.lianmai.media.PublishedLayersListener;
import io.lianmai.media.SessionStats;
import io.lianmai.media.SessionConnectListener;
import io.lianmai.media.bwe.SendSideBandwidthEstimator;
import io.lianmai.media.sfu.Buffers;
import io.lianmai.media.sfu.DownTrack;
import io.lianmai.media.sfu.IncomingLayer;
import io.lianmai.media.sfu.LayerAllocator;
import io.lianmai.media.sfu.Publication;
import io.lianmai.media.sfu.PublishedTrack;
import io.lianmai.media.sfu.Subscription;
import io.lianmai.wire.rtp.RtpStreamStatistics;
import io.netty.channel.EventLoop;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions of the media plane: by id, the publisher of each stream, the players of each stream, their periodic
 * work, and their end (with everything that depends on it: a publisher's players end with it). The
 * {@link SessionHost} of every session.
 *
 * <p>Threading: registration, ticks and ends run on the media loop, which owns the lists. Signalling threads read
 * {@link #publisher}, {@link #isPublished} and {@link #playerCount} from concurrent maps, and may call
 * {@link #end(String)}, {@link #preferSmallStream} and {@link #onSessionEnded}; those do their work on the loop.
 */
public final class SessionRegistry implements SessionHost {
    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

    private final EventLoop loop;
    private final Clock clock;
    private final SessionAdmission admission;
    private final SessionRouting routing;
    private final Runnable flush;

    // Owned by the media loop.
    private final Map<String, List<Session>> playersByStream = new HashMap<>();
    private final List<Session> sessions = new ArrayList<>();
    private final byte[] scratch = Buffers.packetArray();
    private long tickFailures;
    private long endedSrtpDropped;
    /** RTCP feedback and repair counted by sessions that have ended, so that the totals only grow. */
    private long endedNacksSent;
    private long endedKeyframeRequestsSent;
    private long endedNacksReceived;
    private long endedKeyframeRequestsReceived;
    private long endedRetransmitted;
    private long endedRefusedRetransmissions;
    private long endedMirrorDropped;
    private final List<SessionConnectListener> connectListeners = new CopyOnWriteArrayList<>();

    private final List<Consumer<String>> sessionEndListeners = new CopyOnWriteArrayList<>();
    private final List<PublishedLayersListener> layersListeners = new CopyOnWriteArrayList<>();

    // Read from signalling threads.
    private final Map<String, Session> byId = new ConcurrentHashMap<>();
    private final Map<String, Session> publishers = new ConcurrentHashMap<>();
    private final Map<String, Integer> playerCounts = new ConcurrentHashMap<>();
    /** How many sessions this loop holds, for placement (written on the loop). */
    private volatile int sessionCount;

    /**
     * @param routing told when a WebRTC session is registered and when it ends (the demultiplexer)
     * @param flush sends what the forwarder queued, on the loop (the sockets' flush)
     */
    public SessionRegistry(EventLoop loop, Clock clock, SessionAdmission admission, SessionRouting routing,
            Runnable flush) {
        this.loop = loop;
        this.clock = clock;
        this.admission = admission;
        this.routing = routing;
        this.flush = flush;
    }

    // ---- registration (media loop) ----

    /** A prepared WebRTC session: it answers STUN by its ufrag, ticks, and can be ended by id. */
    void register(WebRtcSession session) {
        routing.route(session);
        byId.put(session.id(), session);
        sessions.add(session);
        sessionCount = sessions.size();
    }

    /** A local session: it ticks and can be ended by id. */
    void registerLocal(Session session) {
        byId.put(session.id(), session);
        sessions.add(session);
        sessionCount = sessions.size();
    }

    /**
     * The session takes the stream, ending whoever published it before; its changes of which simulcast layers to
     * send go to the {@link #onPublishedLayers} listeners.
     */
    void registerPublisher(String streamKey, Session session) {
        Session previous = publishers.put(streamKey, session);
        if (previous != null) {
            endSession(previous, Session.EndReason.REPLACED);
        }
        if (session.role() instanceof Publication publication && !(session instanceof MirrorSession)) {
            String sessionId = session.id();
            publication.onLayerDemand((mid, activeRids) -> tellPublishedLayers(sessionId, streamKey, mid,
                    activeRids));
        }
    }

    /** On the loop, from a publication's tick when its decision changed (rarely: never per packet). */
    private void tellPublishedLayers(String sessionId, String streamKey, String mid, List<String> activeRids) {
        for (PublishedLayersListener listener : layersListeners) {
            try {
                listener.onPublishedLayers(sessionId, streamKey, mid, activeRids);
            } catch (RuntimeException e) {
                LOG.warn("a published-layers listener failed for {}", sessionId, e);
            }
        }
    }

    /** The session plays the stream. */
    void registerPlayer(String streamKey, Session session) {
        playersByStream.computeIfAbsent(streamKey, key -> new ArrayList<>()).add(session);
        countPlayers(streamKey);
    }

    // ---- queries (any thread) ----

    /** Sessions this loop holds now (publishers, players, mirrors), for placing new ones. */
    public int sessionCount() {
        return sessionCount;
    }

    /** The stream's publisher, or null. */
    Session publisher(String streamKey) {
        return publishers.get(streamKey);
    }

    public boolean isPublished(String streamKey) {
        return publishers.containsKey(streamKey);
    }

    /** Whether a publisher of this loop publishes the stream (not a mirror of another loop's). Any thread. */
    public boolean publishesHere(String streamKey) {
        Session publisher = publishers.get(streamKey);
        return publisher != null && !(publisher instanceof MirrorSession);
    }

    /**
     * Ends this loop's publisher of the stream unless it is {@code keep} (another loop took the stream); a mirror
     * is left to end with its source. Any thread.
     */
    public void endPublisher(String streamKey, String keep) {
        Session publisher = publishers.get(streamKey);
        if (publisher != null && !(publisher instanceof MirrorSession) && !publisher.id().equals(keep)) {
            loop.execute(() -> {
                if (publishers.get(streamKey) == publisher) {
                    endSession(publisher, Session.EndReason.REPLACED);
                }
            });
        }
    }

    public int playerCount(String streamKey) {
        return playerCounts.getOrDefault(streamKey, 0);
    }

    private void countPlayers(String streamKey) {
        List<Session> players = playersByStream.get(streamKey);
        if (players == null || players.isEmpty()) {
            playerCounts.remove(streamKey);
        } else {
            playerCounts.put(streamKey, players.size());
        }
    }

    // ---- requests (any thread) ----

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

    /** Asks a player's simulcast down-tracks for the low layer (or back); false when the session is unknown. */
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

    /** {@code listener} is called on the loop with the id of every session that ends, after its maps are updated. */
    public void onSessionEnded(Consumer<String> listener) {
        sessionEndListeners.add(listener);
    }

    /** {@code listener} is told, on the loop, how long each WebRTC session took to connect. */
    public void onSessionConnected(SessionConnectListener listener) {
        connectListeners.add(listener);
    }

    /** {@code listener} is called on the loop when a publisher should send other simulcast layers. */
    public void onPublishedLayers(PublishedLayersListener listener) {
        layersListeners.add(listener);
    }

    // ---- the host of the sessions (media loop) ----

    @Override
    public long nowMillis() {
        return clock.millis();
    }

    @Override
    public void flush() {
        flush.run();
    }

    @Override
    public void onSessionConnected(Session session) {
        if (session instanceof WebRtcSession webRtc && webRtc.dtlsStartedMillis() >= 0) {
            long now = nowMillis();
            boolean publisher = session.role() instanceof Publication;
            for (SessionConnectListener listener : connectListeners) {
                try {
                    listener.onSessionConnected(publisher, now - webRtc.createdMillis(),
                            now - webRtc.dtlsStartedMillis());
                } catch (RuntimeException e) {
                    LOG.warn("a session-connect listener failed", e);
                }
            }
        }
        if (session.role() instanceof Subscription subscription) {
            long now = nowMillis();
            for (DownTrack downTrack : subscription.downTracks()) {
                downTrack.attach(now);
            }
        }
    }

    @Override
    public void onHandshakeFinished(WebRtcSession session) {
        if (session.releaseHandshakeSlot()) {
            admission.releaseHandshake();
        }
    }

    @Override
    public void endSession(Session session, Session.EndReason reason) {
        if (session.isEnded()) {
            return;
        }
        session.finish();
        if (session instanceof WebRtcSession webRtc) {
            routing.unroute(webRtc);
            onHandshakeFinished(webRtc);
            admission.releaseSession();
            endedSrtpDropped += webRtc.srtpDropped();
        }
        // A mirror's NACKs and PLIs went to its publishing loop (as bits), not to a publisher: not counted as sent.
        if (session.role() instanceof Publication ended && !(session instanceof MirrorSession)) {
            endedNacksSent += ended.nacksSent();
            endedKeyframeRequestsSent += ended.keyframeRequestsSent();
            endedMirrorDropped += ended.mirrorDropped();
        } else if (session.role() instanceof Subscription ended) {
            endedNacksReceived += ended.nacksReceived();
            endedKeyframeRequestsReceived += ended.keyframeRequestsReceived();
            endedRetransmitted += ended.retransmitted();
            if (ended.retransmissionBudget() != null) {
                endedRefusedRetransmissions += ended.retransmissionBudget().refused();
            }
        }
        byId.remove(session.id(), session);
        sessions.remove(session);
        sessionCount = sessions.size();
        if (session.role() instanceof Publication publication) {
            publication.closeMirrors(); // other loops' mirrors of it end on their next tick
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
        if (session instanceof MirrorSession mirror) {
            LOG.debug("mirror {} of {} ended: {}", session.id(), mirror.streamKey(), reason);
            return; // internal: signalling never knew it
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

    /** Ends every session (the plane shuts down). */
    public void endAll() {
        for (Session session : new ArrayList<>(sessions)) {
            endSession(session, Session.EndReason.SHUTDOWN);
        }
    }

    /** Every session's periodic work (ICE consent, NACKs, keyframe requests, reports), then a flush; ~every 20 ms. */
    public void tick() {
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
        flush.run();
    }

    /**
     * What the sessions counted, on the loop.
     *
     * @param tickFailures sessions ended because their periodic work threw
     * @param srtpDropped SRTP/SRTCP packets dropped by WebRTC sessions (before keys, failed authentication, replays,
     *     malformed RTP), ended sessions included
     * @param refusedRetransmissions NACKed packets not resent (repeat, rate or share budget), ended sessions included
     * @param transportFeedbackSent transport-cc feedback packets sent to the publishers now connected
     * @param transportFeedbackReceived transport-cc feedback packets the players now connected sent
     * @param estimatedPlayers players now connected whose downlink is estimated (they negotiated transport-cc, or
     *     REMB without it)
     * @param rembReceived well-formed REMBs the players now connected sent (those whose REMB is read)
     * @param rembIgnored application-layer feedback from those players that was not a well-formed REMB
     * @param publishers publishing sessions now held (WebRTC and local)
     * @param players playing sessions now held (WebRTC and local)
     * @param nacksSent generic NACKs (RFC 4585 section 6.2.1) sent to publishers, ended sessions included
     * @param keyframeRequestsSent PLIs (RFC 4585 section 6.3.1) sent to publishers, ended sessions included
     * @param nacksReceived generic NACKs received from players, ended sessions included
     * @param keyframeRequestsReceived PLIs and FIRs (RFC 5104 section 4.3.1) received from players, ended sessions
     *     included
     * @param retransmitted packets resent to players in answer to their NACKs (RTX, RFC 4588, or plain), ended
     *     sessions included
     * @param rembSent REMBs sent to the publishers now connected that negotiated REMB and not transport-cc (from the
     *     server's estimate of their uplink)
     * @param mirrors other loops' publishers mirrored here for this loop's players ({@link MirrorSession}; not in
     *     {@code publishers})
     * @param mirrorDropped packets of this loop's publishers not copied to a mirror on another loop because its queue
     *     was full, ended publishers included
     */
    public record Counters(long tickFailures, long srtpDropped, long refusedRetransmissions,
            long transportFeedbackSent, long transportFeedbackReceived, int estimatedPlayers, long rembReceived,
            long rembIgnored, int publishers, int players, long nacksSent, long keyframeRequestsSent,
            long nacksReceived, long keyframeRequestsReceived, long retransmitted, long rembSent, int mirrors,
            long mirrorDropped) {
    }

    /** A snapshot of {@link Counters}; on the loop. */
    public Counters counters() {
        long srtpDropped = endedSrtpDropped;
        long refusedRetransmissions = endedRefusedRetransmissions;
        long feedbackSent = 0;
        long feedbackReceived = 0;
        int estimated = 0;
        long rembReceived = 0;
        long rembIgnored = 0;
        int publishing = 0;
        int playing = 0;
        long nacksSent = endedNacksSent;
        long keyframeRequestsSent = endedKeyframeRequestsSent;
        long nacksReceived = endedNacksReceived;
        long keyframeRequestsReceived = endedKeyframeRequestsReceived;
        long retransmitted = endedRetransmitted;
        long rembSent = 0;
        int mirrors = 0;
        long mirrorDropped = endedMirrorDropped;
        for (Session session : sessions) {
            if (session instanceof WebRtcSession webRtc) {
                srtpDropped += webRtc.srtpDropped();
            }
            if (session.role() instanceof Subscription subscription) {
                playing++;
                nacksReceived += subscription.nacksReceived();
                keyframeRequestsReceived += subscription.keyframeRequestsReceived();
                retransmitted += subscription.retransmitted();
                if (subscription.retransmissionBudget() != null) {
                    refusedRetransmissions += subscription.retransmissionBudget().refused();
                }
                if (subscription.bandwidthEstimator() != null) {
                    estimated++;
                    feedbackReceived += subscription.bandwidthEstimator().feedbacks();
                }
                if (subscription.rembEstimate() != null) {
                    estimated++;
                    rembReceived += subscription.rembEstimate().reports();
                    rembIgnored += subscription.rembEstimate().ignored();
                }
            }
            if (session instanceof MirrorSession) {
                mirrors++;
            } else if (session.role() instanceof Publication publication) {
                publishing++;
                nacksSent += publication.nacksSent();
                keyframeRequestsSent += publication.keyframeRequestsSent();
                if (publication.transportFeedback() != null) {
                    feedbackSent += publication.transportFeedback().feedbacksSent();
                }
                rembSent += publication.rembsSent();
                mirrorDropped += publication.mirrorDropped();
            }
        }
        return new Counters(tickFailures, srtpDropped, refusedRetransmissions, feedbackSent, feedbackReceived,
                estimated, rembReceived, rembIgnored, publishing, playing, nacksSent, keyframeRequestsSent,
                nacksReceived, keyframeRequestsReceived, retransmitted, rembSent, mirrors, mirrorDropped);
    }

    /**
     * Each connected player's estimated downlink, bit/s, by session id: from transport-cc feedback, or from the
     * player's REMB once one came (players with neither, or no REMB yet, are left out); on the loop. What the
     * simulcast layer choice will read per player ({@link Subscription#estimatedBitrate()}).
     */
    public Map<String, Long> bandwidthEstimates() {
        Map<String, Long> estimates = new HashMap<>();
        for (Session session : sessions) {
            if (session.role() instanceof Subscription subscription && subscription.estimatedBitrate() >= 0) {
                estimates.put(session.id(), subscription.estimatedBitrate());
            }
        }
        return estimates;
    }

    /**
     * The WebRTC players (admitted, not ended) of the streams whose key starts with {@code streamKeyPrefix}: how many,
     * and the estimate and layer counters of at most {@code max} of them; on the loop.
     */
    public PlayerStats.Page playerStats(String streamKeyPrefix, int max) {
        int players = 0;
        List<PlayerStats> listed = new ArrayList<>();
        for (Session session : sessions) {
            if (session instanceof WebRtcSession && session.role() instanceof Subscription subscription
                    && subscription.streamKey().startsWith(streamKeyPrefix)) {
                players++;
                if (listed.size() < max) {
                    listed.add(playerStats(session.id(), subscription));
                }
            }
        }
        return new PlayerStats.Page(players, listed);
    }

    /**
     * The publishers and WebRTC players (admitted, not ended) of the streams whose key starts with
     * {@code streamKeyPrefix}: how many, and the traffic of at most {@code max} of them; on the loop.
     */
    public SessionStats.Page sessionStats(String streamKeyPrefix, int max) {
        int matched = 0;
        List<SessionStats> listed = new ArrayList<>();
        for (Session session : sessions) {
            SessionStats stats = null;
            if (session.role() instanceof Publication publication && !(session instanceof MirrorSession)
                    && publication.streamKey().startsWith(streamKeyPrefix)) {
                stats = publisherStats(session.id(), publication);
            } else if (session instanceof WebRtcSession && session.role() instanceof Subscription subscription
                    && subscription.streamKey().startsWith(streamKeyPrefix)) {
                stats = playerTraffic(session.id(), subscription);
            }
            if (stats != null) {
                matched++;
                if (listed.size() < max) {
                    listed.add(stats);
                }
            }
        }
        return new SessionStats.Page(matched, listed);
    }

    private static SessionStats publisherStats(String id, Publication publication) {
        boolean audio = false;
        boolean video = false;
        long bitrate = 0;
        long packets = 0;
        long octets = 0;
        long lost = 0;
        int worstFraction = 0;
        for (PublishedTrack track : publication.tracks()) {
            audio |= !track.isVideo();
            video |= track.isVideo();
            packets += track.packetsReceived();
            octets += track.octetsReceived();
            for (IncomingLayer layer : track.layers()) {
                bitrate += layer.bitrate();
                RtpStreamStatistics statistics = layer.statistics();
                if (statistics != null) {
                    lost += Math.max(0, statistics.cumulativeLost());
                    worstFraction = Math.max(worstFraction, statistics.fractionLost());
                }
            }
        }
        long uplink = publication.uplinkEstimate() == null ? -1 : publication.uplinkEstimate().bitrate();
        return new SessionStats(id, publication.streamKey(), true, audio, video, bitrate, packets, octets, lost,
                worstFraction * 1000 / 256, -1, uplink);
    }

    private static SessionStats playerTraffic(String id, Subscription subscription) {
        boolean audio = false;
        boolean video = false;
        long packets = 0;
        long octets = 0;
        for (DownTrack down : subscription.downTracks()) {
            audio |= !down.source().isVideo();
            video |= down.source().isVideo();
            packets += down.packetsSent();
            octets += down.octetsSent();
        }
        SendSideBandwidthEstimator estimator = subscription.bandwidthEstimator();
        long rtt = estimator == null || estimator.feedbacks() == 0 ? -1 : estimator.feedbackRttMicros() / 1000;
        return new SessionStats(id, subscription.streamKey(), false, audio, video, -1, packets, octets, 0, 0, rtt);
    }

    private static PlayerStats playerStats(String id, Subscription subscription) {
        String estimator = subscription.bandwidthEstimator() != null ? "transport-cc"
                : subscription.rembEstimate() != null ? "remb" : "none";
        int allocated = DownTrack.UNALLOCATED;
        int current = -1;
        boolean firstVideo = true;
        long switches = 0;
        long pauses = 0;
        long paddingPackets = 0;
        long paddingBytes = 0;
        long packets = 0;
        long octets = 0;
        for (DownTrack down : subscription.downTracks()) {
            if (down.source().isVideo() && firstVideo) {
                firstVideo = false;
                allocated = down.allocatedLayer();
                current = down.currentLayer();
            }
            switches += down.layerSwitches();
            pauses += down.pauses();
            paddingPackets += down.paddingPackets();
            paddingBytes += down.paddingBytes();
            packets += down.packetsSent();
            octets += down.octetsSent();
        }
        LayerAllocator allocator = subscription.layerAllocator();
        SendSideBandwidthEstimator estimate = subscription.bandwidthEstimator();
        return new PlayerStats(id, subscription.streamKey(), estimator, subscription.estimatedBitrate(), allocated,
                current, switches, pauses, allocator == null ? 0 : allocator.probesStarted(),
                estimate == null ? 0 : estimate.probesRaised(), paddingPackets, paddingBytes, packets, octets,
                estimate == null ? -1 : estimate.lossFraction() * 100, estimate == null ? -1
                        : estimate.feedbackRttMicros() / 1000);
    }
}

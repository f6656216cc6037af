package io.lianmai.server.cluster;

import io.lianmai.auth.Privileges;
import io.lianmai.common.StreamId;
import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import io.lianmai.media.LocalPublisher;
import io.lianmai.media.MediaPlane;
import io.lianmai.media.dtls.DtlsConfig;
import io.lianmai.media.dtls.DtlsContext;
import io.lianmai.room.ClientKind;
import io.lianmai.room.EnterRequest;
import io.lianmai.room.LeaveReason;
import io.lianmai.room.Member;
import io.lianmai.room.MemberListener;
import io.lianmai.room.Role;
import io.lianmai.room.Room;
import io.lianmai.room.RoomEvent;
import io.lianmai.room.RoomException;
import io.lianmai.room.RoomKey;
import io.lianmai.room.RoomRegistry;
import io.lianmai.room.Scene;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Members of this node's rooms that are connected to another node (docs/relay.md): {@link #show} enters such a
 * member here and publishes its streams as local publications fed by a relay from the source node
 * ({@link RelayPeer} against the source's {@link RelayRoutes}), so that this node's members see it join and publish,
 * subscribe to it and decode it like anyone else; {@link #hide} takes it out again. The cluster's room state drives
 * these two calls; with cluster mode off they work as long as both nodes share {@code cluster.secret}.
 *
 * <p>Demand: a stream's relay starts when it is shown (its answer tells which codecs to publish here) and stays while
 * this node has a player of it (WebRTC or live output); after {@code cluster.relayIdleMillis} without one, the relay
 * leg ends (the stream stays announced, silent) and the next player starts a new one. One leg per stream per node,
 * whatever the number of players here.
 *
 * <p>Threads: all state lives on one Vert.x context; {@link #show} and {@link #hide} may be called from any thread.
 * Relay legs run on one event loop of their own; DTLS handshakes on a small pool.
 */
public final class RemoteMembers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteMembers.class);
    private static final long DEMAND_CHECK_MILLIS = 250;

    /**
     * A stream the remote member publishes on its node.
     *
     * @param type main (camera and microphone) or aux (screen share)
     */
    public record RemotePublication(StreamType type, boolean audio, boolean video) {
    }

    private final Vertx vertx;
    private final Context context;
    private final RoomRegistry rooms;
    private final MediaPlane media;
    private final NodeRequestSigner signer;
    private final Duration idle;
    private final Clock clock;
    private final HttpClient http;
    private final EventLoopGroup relayLoop;
    private final ExecutorService handshakes;
    private final DtlsContext dtls;
    private final SecureRandom random = new SecureRandom();
    private final Map<RoomKey, Map<UserId, Shown>> shown = new ConcurrentHashMap<>();
    private final long timer;
    private volatile UnaryOperator<String> answerFilter = UnaryOperator.identity();
    /**
     * Relays a source refuses (a parent edge not showing the stream yet), retried every 250 ms by the cluster's room
     * state: per stream and source, the first failure is logged, then one per 10 s, and the recovery once.
     */
    private final LogLimiter relayFailures;

    public RemoteMembers(Vertx vertx, RoomRegistry rooms, MediaPlane media, NodeRequestSigner signer, Duration idle,
            Clock clock) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.rooms = rooms;
        this.media = media;
        this.signer = signer;
        this.idle = idle;
        this.clock = clock;
        this.relayFailures = new LogLimiter(clock, ClusterService.LOG_INTERVAL);
        this.http = vertx.createHttpClient();
        DefaultThreadFactory threads = new DefaultThreadFactory("lianmai-relay", true);
        this.relayLoop = Epoll.isAvailable() ? new EpollEventLoopGroup(1, threads) : new NioEventLoopGroup(1, threads);
        this.handshakes = Executors.newFixedThreadPool(2, new DefaultThreadFactory("lianmai-relay-dtls", true));
        this.dtls = DtlsContext.withNewCertificate(DtlsConfig.DEFAULT, handshakes, clock);
        this.timer = vertx.setPeriodic(DEMAND_CHECK_MILLIS, id -> context.runOnContext(v -> checkDemand()));
    }

    /**
     * Shows {@code user}, connected to the node at {@code source} (its internal base URL), as a member of
     * {@code room} here with {@code publications}; a user shown already gets the publications it lacks.
     *
     * @return completes when every publication is announced here (or fails with why)
     */
    public CompletionStage<Void> show(RoomKey room, UserId user, Role role, URI source,
            List<RemotePublication> publications) {
        return show(room, user, role, Scene.RTC, source, publications);
    }

    /**
     * As {@link #show(RoomKey, UserId, Role, URI, List)}, creating the room here with {@code scene} when the user is
     * the first member here (a live room's anchors shown on an edge).
     */
    public CompletionStage<Void> show(RoomKey room, UserId user, Role role, Scene scene, URI source,
            List<RemotePublication> publications) {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            try {
                Shown member = shown.computeIfAbsent(room, k -> new ConcurrentHashMap<>()).get(user);
                if (member == null) {
                    member = enter(room, user, role, scene, source);
                }
                List<Future<Void>> announced = new ArrayList<>();
                for (RemotePublication publication : publications) {
                    if (!member.streams.containsKey(publication.type())) {
                        RemoteStream stream = new RemoteStream(member, publication);
                        member.streams.put(publication.type(), stream);
                        announced.add(stream.startLeg());
                    }
                }
                Future.all(announced).<Void>mapEmpty().onComplete(done);
            } catch (RuntimeException e) {
                done.fail(e);
            }
        });
        return done.future().toCompletionStage();
    }

    /** Takes {@code user} out of {@code room} here (others see it leave for {@code reason}); its relays end. */
    public CompletionStage<Void> hide(RoomKey room, UserId user, LeaveReason reason) {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            Map<UserId, Shown> members = shown.get(room);
            Shown member = members == null ? null : members.remove(user);
            if (member != null) {
                for (StreamType type : StreamType.values()) {
                    relayFailures.forget(room.streamKey(StreamId.of(user, type)) + " from " + member.source);
                }
                member.stopAll();
                member.member.room().remove(member.member, reason);
            }
            done.complete();
        });
        return done.future().toCompletionStage();
    }

    /** Players on this node of the streams shown in {@code room} (WebRTC and live output). */
    public int players(RoomKey room) {
        Map<UserId, Shown> members = shown.get(room);
        if (members == null) {
            return 0;
        }
        int players = 0;
        for (Shown member : members.values()) {
            for (StreamType type : member.streams.keySet()) {
                players += media.playerCount(room.streamKey(StreamId.of(member.user, type)).toString());
            }
        }
        return players;
    }

    /** Relay legs running now (this node pulling streams from others). */
    public int legCount() {
        int count = 0;
        for (Map<UserId, Shown> members : shown.values()) {
            for (Shown member : members.values()) {
                for (RemoteStream stream : member.streams.values()) {
                    count += stream.leg != null ? 1 : 0;
                }
            }
        }
        return count;
    }

    /** The current leg of a stream, if any (tests). */
    RelayPeer leg(RoomKey room, UserId user, StreamType type) {
        RemoteStream stream = find(room, user, type);
        return stream == null ? null : stream.leg;
    }

    private RemoteStream find(RoomKey room, UserId user, StreamType type) {
        Map<UserId, Shown> members = shown.get(room);
        Shown member = members == null ? null : members.get(user);
        return member == null ? null : member.streams.get(type);
    }

    /** Tests: rewrites the source's SDP answers before use (to put a lossy path between the nodes). */
    void answerFilter(UnaryOperator<String> filter) {
        answerFilter = filter;
    }

    private Shown enter(RoomKey room, UserId user, Role role, Scene requested, URI source) {
        Scene scene = rooms.find(room).map(Room::scene).orElse(requested);
        Shown member = new Shown(room, user, source);
        member.member = rooms.enter(new EnterRequest(room, scene, user, role, Privileges.all(), member)).member();
        shown.get(room).put(user, member);
        LOG.info("remote member {} of room {} shown here (source {})", user, room, source);
        return member;
    }

    private void checkDemand() {
        long now = clock.millis();
        for (Map<UserId, Shown> members : shown.values()) {
            for (Shown member : members.values()) {
                for (RemoteStream stream : member.streams.values()) {
                    stream.checkDemand(now);
                }
            }
        }
    }

    private Future<JsonObject> call(URI source, HttpMethod method, String path, JsonObject body) {
        byte[] bytes = body == null ? new byte[0] : body.encode().getBytes(StandardCharsets.UTF_8);
        RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(source.resolve(path).toString())
                .setTimeout(5_000);
        signer.sign(method.name(), path, bytes).forEach(options::putHeader);
        if (body != null) {
            options.putHeader("content-type", "application/json");
        }
        return http.request(options).compose(request -> request.send(Buffer.buffer(bytes)))
                .compose(response -> response.body().map(content -> decode(response, content)));
    }

    private static JsonObject decode(HttpClientResponse response, Buffer content) {
        JsonObject json = content.length() == 0 ? new JsonObject() : new JsonObject(content);
        return json.put("status", response.statusCode());
    }

    @Override
    public void close() {
        vertx.cancelTimer(timer);
        Promise<Void> stopped = Promise.promise();
        try {
            context.runOnContext(v -> {
                for (Map<UserId, Shown> members : shown.values()) {
                    members.values().forEach(Shown::stopAll);
                }
                shown.clear();
                stopped.complete();
            });
            stopped.future().toCompletionStage().toCompletableFuture().get(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("relays did not stop cleanly: {}", e.toString());
        }
        relayLoop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        handshakes.shutdownNow();
    }

    /** A remote member shown here: its member record and its streams; the room's listener for it. Context only. */
    private final class Shown implements MemberListener {
        final RoomKey room;
        final UserId user;
        final URI source;
        final Map<StreamType, RemoteStream> streams = new ConcurrentHashMap<>();
        Member member;

        Shown(RoomKey room, UserId user, URI source) {
            this.room = room;
            this.user = user;
            this.source = source;
        }

        void stopAll() {
            streams.values().forEach(RemoteStream::stop);
            streams.clear();
        }

        @Override
        public void onRoomEvent(RoomEvent event) {
            // The member's own node tells its client; nothing to do here.
        }

        @Override
        public void onMemberRemoved(Member removed, LeaveReason reason) {
            // Dismissed or kicked here: the coordinator's room state decides whether it comes back.
            context.runOnContext(v -> {
                Map<UserId, Shown> members = shown.get(room);
                if (members != null && members.get(user) == this) {
                    members.remove(user);
                    stopAll();
                }
            });
        }

        @Override
        public void onListenerReplaced(Member replaced) {
        }

        @Override
        public ClientKind clientKind() {
            return ClientKind.REMOTE;
        }
    }

    /** One relayed stream: the local publication here and its current leg. Context only, except as noted. */
    private final class RemoteStream implements RelayPeer.Listener {
        final Shown owner;
        final RemotePublication publication;
        final String localKey;
        final RelayPeer.SequenceSplice audioSplice = new RelayPeer.SequenceSplice();
        final RelayPeer.SequenceSplice videoSplice = new RelayPeer.SequenceSplice();
        LocalPublisher local;
        int audioTrack = -1;
        int videoTrack = -1;
        /** Read from the media loop (feedback): the leg to pass it to. */
        volatile RelayPeer leg;
        String remoteSession;
        boolean starting;
        boolean stopped;
        long lastDemand;
        long forwarded;

        RemoteStream(Shown owner, RemotePublication publication) {
            this.owner = owner;
            this.publication = publication;
            this.localKey = owner.room.streamKey(StreamId.of(owner.user, publication.type())).toString();
            this.lastDemand = clock.millis();
        }

        /** Asks the source for the stream and, on its answer, publishes here (first leg) and connects. */
        Future<Void> startLeg() {
            starting = true;
            RelayPeer peer = new RelayPeer(relayLoop.next(), dtls, random, this);
            JsonObject body = new JsonObject().put("sdkAppId", owner.room.sdkAppId().value())
                    .put("roomKey", owner.room.roomKey())
                    .put("streamId", StreamId.of(owner.user, publication.type()).toString())
                    .put("offer", peer.offer(publication.audio(), publication.video()));
            return call(owner.source, HttpMethod.POST, RelayRoutes.PATH, body).compose(answer -> {
                int status = answer.getInteger("status");
                if (status != 201) {
                    return Future.failedFuture(new IllegalStateException("the source node refused the relay of "
                            + localKey + " (" + status + "): " + answer.getString("error")));
                }
                String session = answer.getString("sessionId");
                RelayPeer.Negotiated negotiated;
                try {
                    negotiated = peer.accept(answerFilter.apply(answer.getString("answer")));
                } catch (RuntimeException e) {
                    call(owner.source, HttpMethod.DELETE, RelayRoutes.PATH + "/" + session, null);
                    return Future.failedFuture(e);
                }
                if (stopped) {
                    call(owner.source, HttpMethod.DELETE, RelayRoutes.PATH + "/" + session, null);
                    return Future.succeededFuture();
                }
                remoteSession = session;
                leg = peer;
                return local != null ? Future.succeededFuture() : publishHere(negotiated);
            }).onComplete(result -> {
                starting = false;
                RelayPeer current = leg;
                String failures = localKey + " from " + owner.source;
                if (result.succeeded() && current == peer && local != null) {
                    long failed = relayFailures.recovered(failures);
                    if (failed > 0) {
                        LOG.info("relay of {} from {}: accepted after {} failed tries", localKey, owner.source,
                                failed);
                    }
                    peer.start(local, audioTrack, videoTrack, audioSplice, videoSplice);
                } else if (result.failed()) {
                    long held = relayFailures.failure(failures);
                    if (held >= 0) {
                        LOG.warn("relay of {} from {}: {}{}", localKey, owner.source, result.cause().getMessage(),
                                held > 0 ? " (" + held + " more tries failed in the last "
                                        + ClusterService.LOG_INTERVAL.toSeconds() + " s)" : "");
                    }
                    if (current == peer) {
                        stopLeg();
                    }
                    if (local == null) {
                        // Never announced here: forgotten, so that the next show asks the source again.
                        owner.streams.remove(publication.type(), this);
                    }
                }
            });
        }

        private Future<Void> publishHere(RelayPeer.Negotiated negotiated) {
            audioTrack = negotiated.audio().isPresent() ? 0 : -1;
            videoTrack = negotiated.video().isPresent() ? (audioTrack + 1) : -1;
            return Future.fromCompletionStage(media.publishLocal(localKey, negotiated.tracks()), context)
                    .map(publisher -> {
                        if (stopped) {
                            publisher.end();
                            throw new IllegalStateException("hidden meanwhile");
                        }
                        local = publisher;
                        publisher.onKeyframeRequest(() -> {
                            RelayPeer current = leg;
                            if (current != null) {
                                current.onKeyframeRequest();
                            }
                        });
                        publisher.onNack((track, buf, off, len) -> {
                            RelayPeer current = leg;
                            if (current != null) {
                                current.onNack(track, buf, off, len);
                            }
                        });
                        owner.member.room().publish(owner.member, publication.type(), publisher.sessionId(),
                                negotiated.audio().isPresent(), negotiated.video().isPresent())
                                .ifPresent(media::end);
                        LOG.info("remote stream {} published here ({})", localKey, negotiated.tracks().stream()
                                .map(c -> c.name()).toList());
                        return null;
                    });
        }

        void checkDemand(long now) {
            if (stopped || local == null) {
                return;
            }
            if (media.playerCount(localKey) > 0) {
                lastDemand = now;
                if (leg == null && !starting) {
                    startLeg();
                }
            } else if (leg != null && !starting && now - lastDemand >= idle.toMillis()) {
                LOG.info("relay of {}: no player here for {} ms, leg ends", localKey, now - lastDemand);
                stopLeg();
            }
        }

        /** Ends the current leg (the publication here stays). */
        void stopLeg() {
            RelayPeer peer = leg;
            leg = null;
            if (peer != null) {
                forwarded += peer.packetsForwarded;
                peer.close();
            }
            String session = remoteSession;
            remoteSession = null;
            if (session != null) {
                call(owner.source, HttpMethod.DELETE, RelayRoutes.PATH + "/" + session, null);
            }
        }

        /** Ends the leg and the publication here (others see streamRemove). */
        void stop() {
            stopped = true;
            stopLeg();
            unpublishHere();
        }

        private void unpublishHere() {
            LocalPublisher publisher = local;
            local = null;
            if (publisher != null) {
                Member member = owner.member;
                if (member != null && member.isPresent()) {
                    try {
                        member.room().unpublish(member, publication.type());
                    } catch (RoomException e) {
                        // Removed meanwhile (kicked, dismissed, replaced): its streams went with it.
                    }
                }
                publisher.end();
            }
        }

        @Override
        public void onRelayConnected(RelayPeer peer) {
            LOG.info("relay of {} from {} connected", localKey, owner.source);
        }

        @Override
        public void onRelayEnded(RelayPeer peer, String why) {
            context.runOnContext(v -> {
                if (leg != peer) {
                    return;
                }
                // The source ended it (its publisher stopped) or the path failed: the stream is gone here too.
                LOG.info("relay of {} ended: {}; the stream is withdrawn here", localKey, why);
                leg = null;
                remoteSession = null;
                forwarded += peer.packetsForwarded;
                owner.streams.remove(publication.type(), this);
                stopped = true;
                unpublishHere();
            });
        }
    }
}

package io.lianmai.server;

import io.lianmai.auth.UserSigVerifier;
import io.lianmai.common.LiveStreamName;
import io.lianmai.common.MonotonicClock;
import io.lianmai.common.RoomRef;
import io.lianmai.live.rtmp.RtmpServerConfig;
import io.lianmai.media.MediaServer;
import io.lianmai.room.CrossRoomLinks;
import io.lianmai.room.LeaveReason;
import io.lianmai.room.LocalRoomRegistry;
import io.lianmai.room.RoomKey;
import io.lianmai.room.RoomRegistry;
import io.lianmai.server.api.ApiCredentials;
import io.lianmai.server.api.CredentialCipher;
import io.lianmai.server.api.CredentialDirectory;
import io.lianmai.server.api.ServerApi;
import io.lianmai.server.callback.CallbackTargetPolicy;
import io.lianmai.server.cluster.ClusterNode;
import io.lianmai.server.cluster.ClusterService;
import io.lianmai.server.cluster.ModerationRelay;
import io.lianmai.server.cluster.NodeLoad;
import io.lianmai.server.cluster.RedisCluster;
import io.lianmai.server.cluster.RoomPlacement;
import io.lianmai.server.callback.CallbackService;
import io.lianmai.server.cluster.NodeRequestSigner;
import io.lianmai.server.cluster.RelayRoutes;
import io.lianmai.server.cluster.RemoteMembers;
import io.lianmai.server.history.HistoryService;
import io.lianmai.server.config.LianmaiConfig;
import io.lianmai.server.config.RtmpConfig;
import io.lianmai.server.live.LiveService;
import io.lianmai.server.recording.CloudRecordings;
import io.lianmai.server.recording.LocalRecordingStorage;
import io.lianmai.server.recording.RecordingEvents;
import io.lianmai.server.ice.IceServers;
import io.lianmai.server.http.RequestAuthenticator;
import io.lianmai.server.limits.Admission;
import io.lianmai.server.metrics.CallbackMeters;
import io.lianmai.server.metrics.MetricsEndpoint;
import io.lianmai.server.metrics.NodeMetrics;
import io.lianmai.server.room.PublishedLayersRelay;
import io.lianmai.server.signal.SignallingServices;
import io.lianmai.store.ApiCredentialStore;
import io.lianmai.store.App;
import io.lianmai.store.AppDirectory;
import io.lianmai.store.JdbcAppStore;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Lianmai node: the app store, the default app on first run, and the HTTP front door.
 *
 * <p>Created by {@link #start}; {@link #close} stops everything in reverse order and may be called from a
 * shutdown hook on any thread.
 */
public final class LianmaiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LianmaiServer.class);
    private static final long STOP_TIMEOUT_SECONDS = 10;
    private static final long ROOM_TICK_MILLIS = 1000;
    /** How long a shutdown waits for signalling clients to be told and their sockets closed. */
    static final java.time.Duration SHUTDOWN_NOTICE = java.time.Duration.ofSeconds(3);

    private final LianmaiConfig config;
    private final AppDirectory apps;
    private final Vertx vertx;
    private final MediaServer media;
    private final LiveService live;
    private final RoomRegistry rooms;
    private final HttpFrontDoor frontDoor;
    private final int httpPort;
    private final Optional<App> createdDefaultApp;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Admission admission;
    private NodeMetrics metrics;
    private MetricsEndpoint metricsEndpoint;
    private final CallbackService callbacks;
    private CloudRecordings recordings;
    private HistoryService history;
    private ClusterService cluster;
    private RemoteMembers remoteMembers;
    private RelayRoutes relayRoutes;

    private LianmaiServer(LianmaiConfig config, AppDirectory apps, Vertx vertx, MediaServer media, LiveService live,
            RoomRegistry rooms, HttpFrontDoor frontDoor, int httpPort, Optional<App> createdDefaultApp,
            Admission admission, CallbackService callbacks) {
        this.config = config;
        this.apps = apps;
        this.vertx = vertx;
        this.media = media;
        this.live = live;
        this.rooms = rooms;
        this.frontDoor = frontDoor;
        this.httpPort = httpPort;
        this.createdDefaultApp = createdDefaultApp;
        this.admission = admission;
        this.callbacks = callbacks;
    }

    /**
     * Opens the store, creates the default app if the registry is empty and configuration asks for it, and starts
     * listening. Fails with the cause when any part cannot start, leaving nothing running.
     */
    public static LianmaiServer start(LianmaiConfig config, Clock clock) {
        JdbcAppStore store = JdbcAppStore.open(config.store(), clock);
        AppDirectory apps = AppDirectory.over(store);
        Vertx vertx = null;
        MediaServer media = null;
        LiveService live = null;
        CallbackService callbacks = null;
        HistoryService history = null;
        CloudRecordings recordings = null;
        ClusterService cluster = null;
        try {
            Optional<App> created = Optional.empty();
            if (config.apps().createDefault() && apps.count() == 0) {
                // Atomic across nodes starting at once on one empty database: one of them creates it.
                created = apps.createIfNone(config.apps().defaultName());
                created.ifPresent(app -> LOG.info("created default app {} ({})", app.sdkAppId(), app.name()));
            }
            // Media timeouts must survive NTP steps of the system clock: the media plane runs on a monotonic one.
            media = MediaServer.start(config.media(), new MonotonicClock());
            vertx = startVertx();
            refreshApps(vertx, apps, config.apps().refresh());
            RequestAuthenticator authenticator = new RequestAuthenticator(apps, new UserSigVerifier(clock), clock);
            DevUserSigRoute devUserSig = new DevUserSigRoute(vertx, apps, clock, config.apps().devUserSigEndpoint());
            RoomRegistry rooms = new LocalRoomRegistry(config.room(), clock);
            // Before anyone can enter: every room change reaches the callback outbox (docs/callbacks.md).
            // Several nodes may share the database: the outbox is this node's view (docs/cluster-shared-state.md).
            callbacks = CallbackService.start(config.callbacks(), store.callbackOutbox().forNode(
                    config.cluster().nodeId()), !config.cluster().enabled(), apps, rooms, clock);
            // Room and member history for the call-quality actions (null when history.enabled is false).
            history = HistoryService.start(config.history(), store.roomHistory().forNode(config.cluster().nodeId()),
                    !config.cluster().enabled(), rooms, media, clock);
            // A media session that ends on its own (ICE/DTLS failure) withdraws its stream from the room too.
            media.onSessionEnded(rooms::onMediaSessionEnded);
            // A simulcast publisher is told which layers to pause and resume (its own socket only): in order, on
            // one Vert.x context, never on the media loop (rooms lock).
            Context relayContext = vertx.getOrCreateContext();
            media.onPublishedLayers(new PublishedLayersRelay(rooms,
                    task -> relayContext.runOnContext(ignored -> task.run())));
            // The registry has no threads of its own: end expired resume grace periods once a second.
            vertx.setPeriodic(ROOM_TICK_MILLIS, id -> rooms.tick(clock.instant()));
            Admission admission = new Admission(config.limits(), clock);
            live = new LiveService(vertx, authenticator, apps::find, config.live(), clock, admission);
            live.bridgeRooms(media, rooms);
            if (config.rtmp().enabled()) {
                RtmpConfig rtmp = config.rtmp();
                live.startRtmp(rtmp.host(), rtmp.port(), RtmpServerConfig.DEFAULT.withListenerLimits(
                        rtmp.handshakeTimeout(), rtmp.idleTimeout(), rtmp.preAuthMaxBytes(), rtmp.maxMessageBytes(),
                        rtmp.maxConnectionsPerIp()));
            }
            // Cross-room PK: its changes run in order on one Vert.x context, one room's lock at a time; a room that
            // stops showing the other room's anchor ends its subscribers' sessions and live output of that stream.
            Context pkContext = vertx.getOrCreateContext();
            LiveService liveService = live;
            MediaServer mediaServer = media;
            CrossRoomLinks crossRoom = new CrossRoomLinks(rooms, task -> pkContext.runOnContext(ignored -> task.run()),
                    clock, (room, stream, sessions) -> {
                        sessions.forEach(mediaServer::end);
                        liveService.bridges().stopOutput(new LiveStreamName(room.sdkAppId(),
                                RoomRef.parseKey(room.roomKey()), stream).toString());
                    });
            rooms.addObserver(crossRoom);
            // Cloud recording: tasks a previous run left running resume now (docs/recording.md).
            recordings = new CloudRecordings(config.recording(),
                    new LocalRecordingStorage(config.recording().directory()), store.cloudRecordings(), rooms,
                    live.bridges(), live.hub(), live.mixes(), new RecordingEvents(callbacks.outbox(), apps,
                            callbacks.sender()::wake), clock, config.cluster().nodeId(), !config.cluster().enabled());
            recordings.start();
            // A disabled app's members leave their rooms, whichever process disabled it.
            apps.addListener(new AppEviction(apps, rooms, live, vertx));
            // Cluster mode (docs/cluster.md): rooms are placed on nodes through Redis; a single node needs none.
            HttpFrontDoor[] doorRef = new HttpFrontDoor[1];
            java.util.concurrent.atomic.AtomicInteger boundPort = new java.util.concurrent.atomic.AtomicInteger();
            if (config.cluster().enabled()) {
                cluster = new ClusterService(vertx, RedisCluster.connect(vertx, config.cluster()), rooms,
                        new NodeLoad(config, media, rooms, live, boundPort::get)::snapshot,
                        (targets, reason) -> moveAway(doorRef[0], rooms, targets, reason));
                rooms.addObserver(cluster);
                // A dead node's recording tasks go on at the node now serving their room (cluster-shared-state.md).
                ClusterService registry = cluster;
                recordings.adoptTasksOfDeadNodes(() -> registry.nodes().stream().map(ClusterNode::id).toList(),
                        room -> rooms.find(room).isPresent() && registry.locate(room).map(Optional::isEmpty)
                                .otherwise(false).toCompletionStage().toCompletableFuture()
                                .completeOnTimeout(false, 3, TimeUnit.SECONDS).join(),
                        config.cluster().nodeTtl());
            }
            RoomPlacement placement = cluster != null ? cluster : RoomPlacement.LOCAL;
            live.placeRoomsWith(placement);
            ServerApi serverApi = ServerApi.standard(vertx, authenticator, live, media, rooms, apps,
                    new CredentialDirectory(new ApiCredentials(ApiCredentialStore.over(store), CredentialCipher.load(
                            config.api().credentialKey(), config.dataDir()), clock), config.apps().refresh(), clock),
                    config.api(), config.limits().trackedAddresses(), callbacks.outbox(),
                    new CallbackTargetPolicy(config.callbacks().allowPrivateTargets()), store.roomHistory(),
                    recordings, clock);
            HttpFrontDoor frontDoor = new HttpFrontDoor(new SignallingServices(vertx, authenticator, rooms, media,
                    admission, config.signal(), clock, new IceServers(config.turn(), clock), crossRoom, placement),
                    apps, live, devUserSig, serverApi);
            // Relays between nodes (docs/relay.md): other nodes play this node's streams; this node shows theirs.
            NodeRequestSigner nodeSigner = new NodeRequestSigner(config.cluster().secret(), config.cluster().nodeId(),
                    clock);
            RelayRoutes relayRoutes = new RelayRoutes(media, nodeSigner);
            frontDoor.mount(relayRoutes::mount);
            if (cluster != null) {
                // The server API's room actions on a room another node serves go there (docs/cluster.md).
                ModerationRelay moderationRelay = new ModerationRelay(vertx, cluster, nodeSigner,
                        serverApi.moderation());
                serverApi.moderation().actElsewhereThrough(moderationRelay);
                cluster.replaceLoginsThrough(moderationRelay::replace);
                frontDoor.mount(moderationRelay::mount);
            }
            RemoteMembers remoteMembers = new RemoteMembers(vertx, rooms, media, nodeSigner, config.relay().idle(),
                    clock);
            if (cluster != null) {
                // A live room's audience may stay on this node, its anchors relayed from the room's node.
                cluster.showRemoteMembersWith(remoteMembers);
            }
            NodeMetrics metrics = new NodeMetrics(media, rooms, live, frontDoor);
            MetricsEndpoint metricsEndpoint = new MetricsEndpoint(vertx, metrics, config.metrics());
            frontDoor.mount(metricsEndpoint::mount);
            callbacks.sender().reportTo(CallbackMeters.register(metrics.registry(), callbacks.outbox()::pendingCount));
            if (history != null) {
                history.reportTo(metrics.registry());
            }
            if (cluster != null) {
                cluster.reportTo(metrics.registry());
            }
            int port = frontDoor
                    .listen(config.http())
                    .toCompletionStage().toCompletableFuture()
                    .get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.info("HTTP listening on {}:{}", config.http().host(), port);
            doorRef[0] = frontDoor;
            boundPort.set(port);
            if (cluster != null) {
                cluster.start().toCompletionStage().toCompletableFuture().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                LOG.info("cluster: node {} joined through {}", cluster.nodeId(), config.cluster());
            }
            metricsEndpoint.listen().toCompletionStage().toCompletableFuture().get(STOP_TIMEOUT_SECONDS,
                    TimeUnit.SECONDS);
            LianmaiServer server = new LianmaiServer(config, apps, vertx, media, live, rooms, frontDoor, port, created,
                    admission, callbacks);
            server.metrics = metrics;
            server.history = history;
            server.recordings = recordings;
            server.metricsEndpoint = metricsEndpoint;
            server.cluster = cluster;
            server.remoteMembers = remoteMembers;
            server.relayRoutes = relayRoutes;
            return server;
        } catch (Exception e) {
            if (cluster != null) {
                cluster.close();
            }
            if (recordings != null) {
                recordings.close();
            }
            if (callbacks != null) {
                callbacks.close();
            }
            if (history != null) {
                history.close();
            }
            if (vertx != null) {
                vertx.close();
            }
            if (media != null) {
                media.close();
            }
            if (live != null) {
                live.close();
            }
            apps.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("cannot start Lianmai on " + config.http().host() + ":"
                    + config.http().port() + ": " + cause.getMessage(), cause);
        }
    }

    /**
     * Sends the members of {@code targets}' rooms to the node named for each (drain, or a room another node took):
     * their signalling clients are told where to go, then the rooms are emptied here (media sessions end).
     */
    private static void moveAway(HttpFrontDoor frontDoor, RoomRegistry rooms, Map<RoomKey, String> targets,
            String reason) {
        if (frontDoor == null) {
            return;
        }
        frontDoor.signalling().moveAway(room -> Optional.ofNullable(targets.get(room)).map(ClusterNode::webSocketUrl),
                reason, SHUTDOWN_NOTICE).onComplete(ignored -> {
                    for (RoomKey room : targets.keySet()) {
                        rooms.dismiss(room, LeaveReason.SERVER_SHUTDOWN);
                    }
                    LOG.info("cluster: {} room(s) moved to other nodes ({})", targets.size(), reason);
                });
    }

    /**
     * Reloads the app directory on a worker thread every {@code interval}, so that apps created, disabled or
     * rotated by the CLI (or another node) take effect here; a reload still running skips the next tick.
     */
    /**
     * Vert.x on Netty's native transport (epoll on Linux x86-64, whose natives the media plane ships) where it loads,
     * NIO elsewhere: HTTP-FLV players, signalling sockets and the HTTP API then cost what the media plane's sockets
     * do (docs/decisions.md). Vert.x's own default is NIO.
     */
    static Vertx startVertx() {
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        if (vertx.isNativeTransportEnabled()) {
            LOG.info("HTTP on the native transport ({})", Transport.nativeTransport().name());
        } else {
            Throwable cause = vertx.unavailableNativeTransportCause();
            LOG.info("HTTP on Java NIO: the native transport is not available here ({})",
                    cause == null ? "none for this platform" : cause.toString());
        }
        return vertx;
    }

    private static void refreshApps(Vertx vertx, AppDirectory apps, java.time.Duration interval) {
        AtomicBoolean running = new AtomicBoolean();
        vertx.setPeriodic(interval.toMillis(), id -> {
            if (!running.compareAndSet(false, true)) {
                return;
            }
            vertx.executeBlocking(() -> {
                apps.refresh();
                return null;
            }, false).onComplete(result -> {
                running.set(false);
                if (result.failed()) {
                    LOG.warn("cannot reload apps (serving the last ones read): {}", result.cause().getMessage());
                }
            });
        });
    }

    /** The node's meters ({@code GET /metrics}); other components add theirs to its registry. */
    public NodeMetrics metrics() {
        return metrics;
    }

    /** The bound management port ({@code metrics.port}), or -1 when {@code /metrics} is on the HTTP port or off. */
    public int metricsPort() {
        return metricsEndpoint.port();
    }

    /** This node's part in the cluster; empty on a single node. */
    public Optional<ClusterService> cluster() {
        return Optional.ofNullable(cluster);
    }

    /** Who may start a session now: the caps and join rates (limits.*). */
    public Admission admission() {
        return admission;
    }

    /** The TCP port the HTTP server bound (the configured one, or the one picked for port 0). */
    public int httpPort() {
        return httpPort;
    }

    /** The base URL users should open. */
    public String baseUrl() {
        return config.http().baseUrl(httpPort);
    }

    /** The app this start created because the registry was empty, if any. */
    public Optional<App> createdDefaultApp() {
        return createdDefaultApp;
    }

    /** RTMP ingest and HTTP-FLV output. */
    public LiveService live() {
        return live;
    }

    /** The WebRTC media plane. */
    public MediaServer media() {
        return media;
    }

    /** Event callbacks: the outbox, its writer and sender (with their counters). */
    public CallbackService callbacks() {
        return callbacks;
    }

    /** The apps, served from memory; writes go through to the database. */
    public AppDirectory apps() {
        return apps;
    }

    /** Cloud recording tasks on this node. */
    public CloudRecordings recordings() {
        return recordings;
    }

    /** Members of this node's rooms connected to other nodes, shown here through relays (docs/relay.md). */
    public RemoteMembers remoteMembers() {
        return remoteMembers;
    }

    /** The relay endpoint other nodes play this node's streams through. */
    public RelayRoutes relayRoutes() {
        return relayRoutes;
    }

    public LianmaiConfig config() {
        return config;
    }

    /**
     * Stops the node cleanly: every signalling client is told {@code serverShutdown} and its socket closed with 1001
     * (within {@link #SHUTDOWN_NOTICE}), every member leaves its room (WHIP and RTMP publishers' media sessions end,
     * and with them WHEP players and live output), then HTTP, RTMP (connections closed, transcoders freed), the
     * media plane and the database stop. Calling it again does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("stopping: telling signalling clients and ending sessions");
        if (cluster != null) {
            // Out of the registry first: new members go to other nodes while this one empties, and its
            // clients, told to go, are placed elsewhere.
            cluster.close();
        }
        try {
            frontDoor.signalling().shutdown(SHUTDOWN_NOTICE).toCompletionStage().toCompletableFuture()
                    .get(SHUTDOWN_NOTICE.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("not every signalling client was told of the shutdown within {} ms: {}",
                    SHUTDOWN_NOTICE.toMillis(), e.toString());
        }
        // Recorders finish their files before their streams end; the tasks stay running for the next start.
        recordings.close();
        remoteMembers.close();
        int removed = 0;
        try {
            removed = rooms.removeEveryone(LeaveReason.SERVER_SHUTDOWN);
        } catch (RuntimeException e) {
            LOG.warn("cannot remove every member before stopping", e);
        }
        // The exits and dismissals just made reach the outbox before the database closes.
        callbacks.close();
        if (history != null) {
            history.close();
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("HTTP server did not stop cleanly: {}", e.toString());
        } finally {
            live.close();
            media.close();
            apps.close();
            metrics.close();
        }
        LOG.info("stopped ({} member(s) removed from their rooms)", removed);
    }
}

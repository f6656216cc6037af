package io.lianmai.server.live;

import io.lianmai.auth.PlaybackSignature;
import io.lianmai.auth.Privilege;
import io.lianmai.auth.Privileges;
import io.lianmai.common.LiveStreamName;
import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.StreamType;
import io.lianmai.common.TrtcErrorCode;
import io.lianmai.common.UserId;
import io.lianmai.live.flv.LiveStreamHub;
import io.lianmai.live.flv.MergingPlayer;
import io.lianmai.live.flv.WriteMerger;
import io.lianmai.live.flv.WriteMergers;
import io.lianmai.live.hls.HlsConfig;
import io.lianmai.live.rtmp.AuthorizationResult;
import io.lianmai.media.MediaPlane;
import io.lianmai.room.RoomKey;
import io.lianmai.room.RoomRegistry;
import io.lianmai.live.rtmp.NetStatus;
import io.lianmai.live.rtmp.RtmpMessage;
import io.lianmai.live.rtmp.RtmpPlayer;
import io.lianmai.live.rtmp.RtmpRelay;
import io.lianmai.live.rtmp.RtmpServer;
import io.lianmai.live.rtmp.RtmpServerConfig;
import io.lianmai.live.rtmp.RtmpSessionListener;
import io.lianmai.live.rtmp.RtmpStream;
import io.lianmai.live.rtmp.StreamAuthorizer;
import io.lianmai.server.config.LiveConfig;
import io.lianmai.server.http.ApiError;
import io.lianmai.server.http.ApiException;
import io.lianmai.server.http.RequestAuthenticator;
import io.lianmai.store.App;
import io.lianmai.server.http.ServerErrors;
import io.lianmai.server.limits.Admission;
import io.lianmai.server.limits.AdmissionRefusedException;
import io.lianmai.store.AppLookup;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.vertx.core.Context;
import io.lianmai.room.RoomKey;
import io.lianmai.server.cluster.RoomPlacement;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CDN-style live output: RTMP ingest on port 1935 ({@code rtmp://host/live/{sdkAppID}_{roomID}_{userID}_main
 * ?usersig=…}), HTTP-FLV playback ({@code GET /live/{stream}.flv}), RTMP playback ({@code rtmp://host/live/{stream}})
 * and CDN relays ({@link CdnPublishTasks}) of every live stream.
 *
 * <p>Publishing is authenticated with the publisher's UserSig (the userID in the stream name). Playback (FLV, HLS,
 * RTMP play) needs a signed URL, as Tencent CSS hotlink protection does ({@link PlaybackGate}), unless the app serves
 * playback publicly; a refused player starts nothing. Players start at the latest keyframe ({@code ?lowlatency=1}:
 * at the next one); a player more than {@link LiveConfig#maxPlayerBacklogBytes} behind is dropped and disconnected,
 * not buffered. Players' tags are written in batches, one write and one flush per {@link LiveConfig#mergeWindow}.
 */
public final class LiveService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveService.class);
    private static final String APP = "live";
    /** An ended HTTP-FLV response whose client does not read its last bytes is closed after this long. */
    private static final long END_GRACE_MILLIS = 5000;

    private final Vertx vertx;
    private final RequestAuthenticator authenticator;
    private final Admission admission;
    /** The admission ticket of each RTMP publication, released when its stream closes. */
    private final Map<RtmpStream, Admission.Ticket> publishTickets = new ConcurrentHashMap<>();
    /** What the credentials of an authorized publish grant, by stream name, until its stream starts. */
    private final Map<String, Privileges> authorizedPublishes = new ConcurrentHashMap<>();
    /** What the credentials of each live RTMP publication grant, by stream name, for its room member. */
    private final Map<String, Privileges> publishing = new ConcurrentHashMap<>();
    private final LiveConfig config;
    private final LiveStreamHub hub;
    /** One write merger per event loop that serves players (Vert.x's for HTTP-FLV, the RTMP loop's). */
    private final WriteMergers mergers;
    private final Clock clock;
    /** RTMP publishers, players and CDN relays; on epoll where it loads, as the media plane and Vert.x are. */
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
            Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    private final HlsRoutes hls;
    private final CdnPublishTasks cdnTasks;
    private final PlaybackGate gate;
    private final PlaybackUrls playbackUrls;
    /** RTMP publishers and players connected now, so that a disabled app's can be closed. */
    private final java.util.Set<RtmpStream> rtmpStreams = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private RtmpServer rtmp;
    private volatile RoomPlacement placement = RoomPlacement.LOCAL;
    private int rtmpPort = -1;
    private volatile LiveBridges bridges;
    /** The MCU mixes (null until {@link #bridgeRooms}). */
    private volatile MixTasks mixes;
    private volatile MixImageFetcher mixImages;
    /** The rooms, for the removed users an RTMP push is refused (null until {@link #bridgeRooms}). */
    private volatile RoomRegistry rooms;

    /**
     * @param apps finds an app by SDKAppID (its playback key and policy) without blocking: the app directory
     */
    public LiveService(Vertx vertx, RequestAuthenticator authenticator, AppLookup apps,
                       LiveConfig config, Clock clock, Admission admission) {
        this.vertx = vertx;
        this.authenticator = authenticator;
        this.admission = admission;
        this.config = config;
        this.clock = clock;
        this.hub = new LiveStreamHub(PooledByteBufAllocator.DEFAULT, clock);
        this.mergers = new WriteMergers(config.mergeWindow().toNanos());
        this.gate = new PlaybackGate(apps, () -> bridges,
                name -> mixes == null ? java.util.Optional.empty() : mixes.appOf(name), clock);
        this.playbackUrls = new PlaybackUrls(apps, config.signedUrlLifetime(), clock);
        this.hls = new HlsRoutes(vertx, hub, config.hls(), clock, gate, this::redirectOr);
        // DNS lookups of CDN hosts block: they run on Vert.x worker threads, never on the RTMP event loop.
        Executor blocking = task -> vertx.executeBlocking(() -> {
            task.run();
            return null;
        }, false);
        this.cdnTasks = new CdnPublishTasks(hub, group, blocking, new CdnTargetPolicy(config.cdn()), clock,
                RtmpRelay.Config.DEFAULT.withMaxBacklogBytes(config.maxPlayerBacklogBytes())
                        .withMaxFailures(config.cdn().maxRetries()),
                config.cdn().maxTasks(), config.cdn().maxTasksPerApp());
    }

    /** Binds RTMP on {@code host:port} (0 picks a free port) with {@code settings}' listener limits. */
    public void startRtmp(String host, int port, RtmpServerConfig settings) throws InterruptedException {
        rtmp = new RtmpServer(settings, new Authorizer(), new Listener());
        rtmpPort = rtmp.start(group, group, new InetSocketAddress(host, port)).getPort();
        LOG.info("RTMP listening on {}:{}", host, rtmpPort);
    }

    /**
     * Bridges live streams and rooms both ways: RTMP publishers become room members' streams, and room members'
     * WebRTC streams are playable as live streams on demand.
     */
    public void bridgeRooms(MediaPlane media, RoomRegistry rooms) {
        this.rooms = rooms;
        bridges = new LiveBridges(hub, media, rooms, clock, config.idle().toMillis(), config.maxTranscodesPerApp(),
                name -> publishing.getOrDefault(name, Privileges.none()));
        mixes = new MixTasks(hub, media, rooms, cdnTasks, config.mix(), clock);
        mixImages = new MixImageFetcher(vertx, config.mix());
        rooms.addObserver(mixes);
    }

    /** Fetches mixes' images by URL ({@code BackgroundImageUrl}, {@code PlaceImageUrl}); null until {@link #bridgeRooms}. */
    public MixImageFetcher mixImages() {
        return mixImages;
    }

    /** The MCU mixes ({@code StartMCUMixTranscode}); null until {@link #bridgeRooms}. */
    public MixTasks mixes() {
        return mixes;
    }

    /** The bridges between live streams and rooms (null until {@link #bridgeRooms}). */
    public LiveBridges bridges() {
        return bridges;
    }

    /** The live streams by CDN name (RTMP-published, or bridged from rooms). */
    public LiveStreamHub hub() {
        return hub;
    }

    /** The bound RTMP port, or -1 when RTMP is off. */
    public int rtmpPort() {
        return rtmpPort;
    }

    /** Who may play what (signed URLs, public apps, the per-app transcode cap). */
    public PlaybackGate gate() {
        return gate;
    }

    /** Signs the playback URLs handed to room members. */
    public PlaybackUrls playbackUrls() {
        return playbackUrls;
    }

    /** CDN relay tasks (StartPublishCdnStream). */
    public CdnPublishTasks cdnTasks() {
        return cdnTasks;
    }

    /** {@code GET /live/{stream}.flv}, and HLS ({@link HlsRoutes}). */
    public void mount(Router router) {
        hls.mount(router); // first: /live/:file would take .m3u8 too
        router.get("/live/:file").handler(this::playFlv);
    }

    private void playFlv(RoutingContext context) {
        String file = context.pathParam("file");
        if (!file.endsWith(".flv")) {
            new ApiError(404, TrtcErrorCode.STREAM_NOT_FOUND, "live output is /live/{stream}.flv").send(context);
            return;
        }
        String name = file.substring(0, file.length() - 4);
        PlaybackGate.Decision decision = gate.check(name,
                context.request().getParam(PlaybackSignature.SECRET_PARAMETER),
                context.request().getParam(PlaybackSignature.TIME_PARAMETER), true);
        if (!decision.allowed()) {
            refuse(context, decision);
            return;
        }
        startFlv(context, name);
    }

    /** Answers a refused play request: 403, 404, or 503 with {@code Retry-After}. */
    static void refuse(RoutingContext context, PlaybackGate.Decision decision) {
        int status = decision.outcome().status();
        if (status == 503) {
            context.response().putHeader("retry-after", Integer.toString(PlaybackGate.RETRY_AFTER_SECONDS));
        }
        int code = switch (decision.outcome()) {
            case FORBIDDEN -> TrtcErrorCode.PRIVILEGE_CHECK_FAILED;
            case NOT_FOUND -> TrtcErrorCode.STREAM_NOT_FOUND;
            default -> TrtcErrorCode.SERVER_FAILED;
        };
        new ApiError(status, code, decision.message()).send(context);
    }

    private void startFlv(RoutingContext context, String name) {
        HttpServerResponse response = context.response();
        response.setChunked(true)
                .putHeader("content-type", "video/x-flv")
                .putHeader("cache-control", "no-cache")
                .putHeader("access-control-allow-origin", "*");
        ContextInternal playerContext = (ContextInternal) context.vertx().getOrCreateContext();
        HttpFlvPlayer player = new HttpFlvPlayer(playerContext, mergers.forLoop(playerContext.nettyEventLoop()),
                context.request().connection(), response, config.maxPlayerBacklogBytes());
        if (!hub.play(name, player, startPoint(context.request().getParam("lowlatency")))) {
            response.setChunked(false).headers().remove("content-type");
            notLiveHere(context, name);
            return;
        }
        response.closeHandler(v -> player.onResponseClosed());
    }

    /** A stream not live on this node: {@link #redirectOr} with a 404. */
    private void notLiveHere(RoutingContext context, String name) {
        redirectOr(context, name, () -> new ApiError(404, TrtcErrorCode.STREAM_NOT_FOUND,
                "stream " + name + " is not live").send(context));
    }

    /**
     * Live output (HTTP-FLV, HLS) of a stream not live on this node: in a cluster, a 302 to the same path and query on
     * the node that serves its room when that is another (docs/cluster.md); {@code otherwise} (on the request's
     * context) when the name is no room's stream, no other node serves the room, or the cluster cannot say.
     */
    void redirectOr(RoutingContext context, String name, Runnable otherwise) {
        Optional<LiveStreamName> parsed = LiveStreamName.tryParse(name);
        if (parsed.isEmpty()) {
            otherwise.run();
            return;
        }
        Context here = context.vertx().getOrCreateContext();
        placement.locate(new RoomKey(parsed.get().app(), parsed.get().room().key())).onComplete(where ->
                here.runOnContext(ignored -> {
                    if (where.succeeded() && where.result().isPresent()) {
                        context.response().setStatusCode(302).putHeader("location",
                                where.result().get().urlFor(context.request().uri())).end();
                    } else {
                        otherwise.run();
                    }
                }));
    }

    /**
     * What an RTMP client is told when its stream's room is served by {@code node}: encoders and players do not
     * follow an RTMP redirect, so the refusal names the URL to use.
     */
    private static String servedBy(io.lianmai.server.cluster.ClusterNode node, String verb, String streamName) {
        return "room served by node " + node.id() + ": " + verb + " " + rtmpUrlOf(node) + "/live/" + streamName;
    }

    /** {@code rtmp://host:port} of {@code node}: the host of its public URL, its RTMP port. */
    private static String rtmpUrlOf(io.lianmai.server.cluster.ClusterNode node) {
        java.net.URI url = java.net.URI.create(node.url());
        return "rtmp://" + url.getHost() + (node.rtmpPort() == 1935 ? "" : ":" + node.rtmpPort());
    }

    /** In a cluster: where rooms are served, so that a player of a room served elsewhere is sent there. */
    public void placeRoomsWith(RoomPlacement placement) {
        this.placement = placement;
        LiveBridges current = bridges;
        if (current != null) {
            current.placeRoomsWith(placement);
        }
    }

    /** {@code ?lowlatency=1} (or true/yes): start at the next keyframe instead of the cached GOP. */
    static LiveStreamHub.Start startPoint(String lowLatency) {
        boolean low = lowLatency != null && (lowLatency.equals("1") || lowLatency.equalsIgnoreCase("true")
                || lowLatency.equalsIgnoreCase("yes"));
        return low ? LiveStreamHub.Start.NEXT_KEYFRAME : LiveStreamHub.Start.LATEST_KEYFRAME;
    }

    /**
     * Writes FLV tags to one HTTP response, merged: the tags queued in a merge window go out as one chunk of one
     * {@link CompositeByteBuf} (a gathering write, no copy) with one flush, on the response's event loop.
     *
     * <p>Ownership: Vert.x wraps a non-Vert.x {@link ByteBuf} in an unreleasable slice before handing it to Netty
     * ({@code BufferImpl.getByteBuf}), so the write never releases the batch; this player releases it (and so every
     * tag in it) when the write completes, successfully or not (the connection closed, the response ended). Tags
     * still queued when the response closes are released then.
     */
    private static final class HttpFlvPlayer extends MergingPlayer {
        private final Context context;
        private final HttpConnection connection;
        private final HttpServerResponse response;
        private volatile boolean closed;
        private volatile boolean endWritten;

        HttpFlvPlayer(Context context, WriteMerger merger, HttpConnection connection, HttpServerResponse response,
                      long maxBacklogBytes) {
            super(merger, maxBacklogBytes);
            this.context = context;
            this.connection = connection;
            this.response = response;
        }

        @Override
        protected boolean isOpen() {
            return !closed;
        }

        /** The client went away: nothing more is written, and what is queued is released. */
        void onResponseClosed() {
            closed = true;
            closeQueue();
        }

        /** On the response's event loop. */
        @Override
        protected void write(ArrayDeque<ByteBuf> tags, long bytes) {
            ByteBuf batch;
            if (tags.size() == 1) {
                batch = tags.poll();
            } else {
                CompositeByteBuf composite = PooledByteBufAllocator.DEFAULT.compositeDirectBuffer(tags.size());
                for (ByteBuf tag; (tag = tags.poll()) != null; ) {
                    composite.addComponent(true, tag);
                }
                batch = composite;
            }
            Future<Void> done;
            try {
                // BufferImpl reads its ByteBuf from index 0: the slice starts the batch there.
                done = response.write(BufferInternal.buffer(batch.slice()));
            } catch (RuntimeException e) {
                batch.release();
                written(bytes);
                return;
            }
            done.onComplete(result -> {
                batch.release();
                written(bytes);
            });
        }

        /**
         * Stream ended: what is queued is written and the response ends. Dropped as too slow: the response is reset,
         * which closes an HTTP/1.1 connection (its queued tags are released).
         */
        @Override
        public void end() {
            context.runOnContext(v -> {
                if (closed) {
                    return;
                }
                if (dropped()) {
                    onResponseClosed();
                    response.reset();
                    return;
                }
                flushQueued();
                onResponseClosed();
                response.end().onComplete(result -> endWritten = true);
                context.owner().setTimer(END_GRACE_MILLIS, t -> {
                    if (!endWritten) {
                        connection.close();
                    }
                });
            });
        }
    }

    /**
     * Checks the publisher: its address's join rate, then its UserSig (the stream name carries app, room and user; the
     * query carries the UserSig and, when the app requires one, the PrivateMapKey). An RTMP publisher sends what its
     * encoder makes, audio and video, so a main stream needs {@code send_audio} and {@code send_video}; an aux stream
     * (a screen share) is bridged into the room as video only and needs {@code send_aux_video}.
     */
    private final class Authorizer implements StreamAuthorizer {
        @Override
        public CompletionStage<AuthorizationResult> authorizePublish(String app, String streamName, String query) {
            return authorizePublish(app, streamName, query, null);
        }

        @Override
        public CompletionStage<AuthorizationResult> authorizePublish(String app, String streamName, String query,
                java.net.SocketAddress remoteAddress) {
            try {
                admission.checkAddressRate(hostOf(remoteAddress));
            } catch (AdmissionRefusedException e) {
                return done(AuthorizationResult.reject(NetStatus.PUBLISH_DENIED, refusal(e)));
            }
            if (!APP.equals(app)) {
                return done(AuthorizationResult.reject(NetStatus.PUBLISH_BAD_NAME,
                        "publish to rtmp://host/live/{sdkAppID}_{roomID}_{userID}_main"));
            }
            LiveStreamName stream;
            try {
                stream = LiveStreamName.parse(streamName);
            } catch (IllegalArgumentException e) {
                return done(AuthorizationResult.reject(NetStatus.PUBLISH_BAD_NAME, e.getMessage()));
            }
            String userSig = queryParameter(query, "usersig").orElse(null);
            if (userSig == null || userSig.isBlank()) {
                return done(AuthorizationResult.reject(NetStatus.PUBLISH_DENIED, TrtcErrorCode.USER_SIG_INVALID
                        + " a UserSig is required: publish to rtmp://host/live/" + streamName + "?usersig=<UserSig>"));
            }
            // On the RTMP event loop: apps are in memory, so this is one HMAC and never waits on a worker.
            try {
                Privileges granted = authenticator.authenticate(stream.app(),
                        stream.stream().userId().value(), userSig,
                        queryParameter(query, "privatemapkey").filter(key -> !key.isBlank()), stream.room(),
                        stream.stream().type() == StreamType.AUX
                                ? EnumSet.of(Privilege.ENTER_ROOM, Privilege.SEND_AUX_VIDEO)
                                : EnumSet.of(Privilege.ENTER_ROOM, Privilege.SEND_AUDIO, Privilege.SEND_VIDEO));
                Optional<Instant> removed = rooms == null ? Optional.empty() : rooms.refusedUntil(
                        new RoomKey(stream.app(), stream.room().key()), stream.stream().userId());
                if (removed.isPresent()) {
                    // As the room would refuse it: otherwise the push would still be served as live output.
                    return done(AuthorizationResult.reject(NetStatus.PUBLISH_DENIED, TrtcErrorCode.ROOM_ENTER_FAILED
                            + " removed from room " + stream.room().strRoomId().orElse(Long.toString(
                                    stream.room().roomId())) + " by the server API: it may be "
                            + "entered again from " + removed.get()));
                }
                // In a cluster the publisher stays here (encoders follow no redirect): a room served nowhere is
                // placed here, else this node publishes the stream for the room's node. Only a node that cannot
                // (draining) tells the publisher which node to use.
                return placement.placePublisher(new RoomKey(stream.app(), stream.room().key())).map(elsewhere -> {
                    if (elsewhere.isPresent()) {
                        return AuthorizationResult.reject(NetStatus.PUBLISH_DENIED, TrtcErrorCode.ROOM_ENTER_FAILED
                                + " " + servedBy(elsewhere.get(), "publish to", streamName));
                    }
                    authorizedPublishes.put(streamName, granted);
                    return AuthorizationResult.allow();
                }).otherwise(failure -> AuthorizationResult.reject(NetStatus.PUBLISH_DENIED,
                        TrtcErrorCode.SERVER_FAILED + " " + failure.getMessage())).toCompletionStage();
            } catch (ApiException e) {
                return done(AuthorizationResult.reject(NetStatus.PUBLISH_DENIED,
                        e.error().code() + " " + e.error().message()));
            }
        }

        /**
         * Playback needs a signed URL ({@code ?txSecret=…&txTime=…}) unless the app's is public, as the HTTP outputs
         * do; then the stream must be live (or startable on demand within the app's transcode cap).
         */
        @Override
        public CompletionStage<AuthorizationResult> authorizePlay(String app, String streamName, String query) {
            if (!APP.equals(app)) {
                return done(AuthorizationResult.reject(NetStatus.PLAY_STREAM_NOT_FOUND,
                        "play rtmp://host/live/{stream}; there is no application '" + app + "'"));
            }
            PlaybackGate.Decision decision = gate.check(streamName,
                    queryParameter(query, PlaybackSignature.SECRET_PARAMETER).orElse(null),
                    queryParameter(query, PlaybackSignature.TIME_PARAMETER).orElse(null), true);
            return switch (decision.outcome()) {
                case FORBIDDEN -> done(AuthorizationResult.reject(NetStatus.PLAY_FAILED, "403 " + decision.message()));
                case BUSY -> done(AuthorizationResult.reject(NetStatus.PLAY_FAILED, "503 " + decision.message()));
                case NOT_FOUND -> done(AuthorizationResult.reject(NetStatus.PLAY_STREAM_NOT_FOUND,
                        decision.message()));
                case ALLOWED -> hub.ensureLive(streamName) ? done(AuthorizationResult.allow())
                        : notLiveHere(streamName);
            };
        }

        /** In a cluster the stream's room may be served by another node: the player is told which (as a publisher). */
        private CompletionStage<AuthorizationResult> notLiveHere(String streamName) {
            AuthorizationResult notLive = AuthorizationResult.reject(NetStatus.PLAY_STREAM_NOT_FOUND,
                    "stream " + streamName + " is not live");
            Optional<LiveStreamName> stream = LiveStreamName.tryParse(streamName);
            if (stream.isEmpty()) {
                return done(notLive);
            }
            return placement.locate(new RoomKey(stream.get().app(), stream.get().room().key()))
                    .map(elsewhere -> elsewhere.map(node -> AuthorizationResult.reject(
                            NetStatus.PLAY_STREAM_NOT_FOUND, TrtcErrorCode.STREAM_NOT_FOUND + " "
                                    + servedBy(node, "play", streamName))).orElse(notLive))
                    .otherwise(notLive).toCompletionStage();
        }

        private CompletionStage<AuthorizationResult> done(AuthorizationResult result) {
            return java.util.concurrent.CompletableFuture.completedFuture(result);
        }
    }

    private final class Listener implements RtmpSessionListener {
        @Override
        public void onPublish(RtmpStream stream) {
            rtmpStreams.add(stream);
            // Authorized, so the name parses; the session caps are checked now that the stream exists and will close.
            LiveStreamName name = LiveStreamName.parse(stream.streamName());
            Privileges granted = authorizedPublishes.remove(stream.streamName());
            Admission.Ticket ticket;
            try {
                ticket = admission.admit(name.app(), name.stream().userId().value(),
                        hostOf(stream.remoteAddress()));
            } catch (AdmissionRefusedException e) {
                LOG.info("RTMP publish of {} from {} refused: {}", stream.streamName(), stream.remoteAddress(),
                        e.getMessage());
                stream.sendStatus(NetStatus.LEVEL_ERROR, NetStatus.PUBLISH_DENIED, refusal(e))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            publishTickets.put(stream, ticket);
            publishing.put(stream.streamName(), granted == null ? Privileges.none() : granted);
            hub.publish(stream.streamName());
        }

        @Override
        public void onMediaMessage(RtmpStream stream, RtmpMessage message) {
            hub.onMessage(stream.streamName(), message.typeId(), message.timestamp(), message.payload());
        }

        @Override
        public void onPlay(RtmpStream stream) {
            rtmpStreams.add(stream);
            RtmpPlayer player = new RtmpPlayer(stream, mergers.forLoop(stream.eventLoop()),
                    config.maxPlayerBacklogBytes());
            String lowLatency = queryParameter(stream.query(), "lowlatency").orElse(null);
            if (!hub.play(stream.streamName(), player, startPoint(lowLatency))) {
                // It ended between authorization and now.
                stream.sendStatus(NetStatus.LEVEL_ERROR, NetStatus.PLAY_STREAM_NOT_FOUND,
                        "stream " + stream.streamName() + " is not live").addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void onClose(RtmpStream stream) {
            rtmpStreams.remove(stream);
            Admission.Ticket ticket = publishTickets.remove(stream);
            if (ticket != null) {
                ticket.release();
                hub.unpublish(stream.streamName());
                publishing.remove(stream.streamName());
            }
        }
    }

    /** The TRTC code, the limit and when to retry, as an RTMP status description. */
    private static String refusal(AdmissionRefusedException e) {
        ApiError error = ServerErrors.refused(e);
        return error.code() + " " + error.message() + "; retry after " + e.retryAfterSeconds() + " s";
    }

    private static String hostOf(java.net.SocketAddress address) {
        return address instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(address);
    }

    static Optional<String> queryParameter(String query, String name) {
        if (query == null) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equalsIgnoreCase(name)) {
                return Optional.of(URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    /**
     * Closes the RTMP connections (publishers and players) of app {@code sdkAppId}'s streams, telling each why: its
     * app was disabled. Their live output ends with them.
     *
     * @return how many connections were closed
     */
    public int closeApp(SdkAppId sdkAppId) {
        String prefix = sdkAppId + "_";
        return closeStreams(name -> name.startsWith(prefix), "app " + sdkAppId + " was disabled");
    }

    /**
     * Closes the RTMP connections (publishers and players) of the streams of room {@code room} of app
     * {@code sdkAppId} — only user {@code userId}'s when given — telling each {@code why}: the room was dismissed or
     * the user removed by the server API. A mini program's live-pusher is such a publisher; the FLV and HLS players
     * of a closed publisher's stream end with it.
     *
     * @return how many connections were closed
     */
    public int closeRoomStreams(SdkAppId sdkAppId, RoomRef room, Optional<UserId> userId, String why) {
        return closeStreams(name -> LiveStreamName.tryParse(name).filter(stream -> stream.app().equals(sdkAppId)
                && stream.room().equals(room)
                && userId.map(user -> user.equals(stream.stream().userId())).orElse(true)).isPresent(), why);
    }

    private int closeStreams(java.util.function.Predicate<String> streamName, String why) {
        int closed = 0;
        for (RtmpStream stream : rtmpStreams) {
            if (streamName.test(stream.streamName()) && rtmpStreams.remove(stream)) {
                String code = stream.role() == RtmpStream.Role.PUBLISH ? NetStatus.PUBLISH_DENIED
                        : NetStatus.PLAY_STREAM_NOT_FOUND;
                stream.sendStatus(NetStatus.LEVEL_ERROR, code, why).addListener(ChannelFutureListener.CLOSE);
                closed++;
            }
        }
        return closed;
    }

    @Override
    public void close() {
        if (mixes != null) {
            mixes.close();
        }
        if (mixImages != null) {
            mixImages.close();
        }
        if (bridges != null) {
            bridges.close();
        }
        cdnTasks.close();
        if (rtmp != null) {
            rtmp.close();
        }
        hls.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}

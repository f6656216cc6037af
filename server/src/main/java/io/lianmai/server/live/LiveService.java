package io.lianmai.server.live;

import io.lianmai.auth.Privilege;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.TrtcErrorCode;
import io.lianmai.live.flv.FlvPlayer;
import io.lianmai.live.flv.LiveStreamHub;
import io.lianmai.live.hls.HlsConfig;
import io.lianmai.live.rtmp.AuthorizationResult;
import io.lianmai.media.MediaPlane;
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
import io.lianmai.server.http.RoomRef;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CDN-style live output: RTMP ingest on port 1935 ({@code rtmp://host/live/{sdkAppID}_{roomID}_{userID}_main
 * ?usersig=…}), HTTP-FLV playback ({@code GET /live/{stream}.flv}), RTMP playback ({@code rtmp://host/live/{stream}})
 * and CDN relays ({@link CdnPublishTasks}) of every live stream.
 *
 * <p>Publishing is authenticated with the publisher's UserSig (the userID in the stream name); playback is public,
 * as a CDN's is. Players start at the latest keyframe ({@code ?lowlatency=1}: at the next one); a player more than
 * {@link LiveConfig#maxPlayerBacklogBytes} behind is dropped and disconnected, not buffered.
 */
public final class LiveService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveService.class);
    private static final String APP = "live";
    /** An ended HTTP-FLV response whose client does not read its last bytes is closed after this long. */
    private static final long END_GRACE_MILLIS = 5000;

    private final Vertx vertx;
    private final RequestAuthenticator authenticator;
    private final LiveConfig config;
    private final LiveStreamHub hub = new LiveStreamHub(PooledByteBufAllocator.DEFAULT);
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final HlsRoutes hls;
    private final CdnPublishTasks cdnTasks;
    private RtmpServer rtmp;
    private int rtmpPort = -1;
    private LiveBridges bridges;

    public LiveService(Vertx vertx, RequestAuthenticator authenticator, LiveConfig config, Clock clock) {
        this.vertx = vertx;
        this.authenticator = authenticator;
        this.config = config;
        this.hls = new HlsRoutes(vertx, hub, config.hls(), clock);
        // DNS lookups of CDN hosts block: they run on Vert.x worker threads, never on the RTMP event loop.
        Executor resolver = task -> vertx.executeBlocking(() -> {
            task.run();
            return null;
        }, false);
        this.cdnTasks = new CdnPublishTasks(hub, group, resolver, clock,
                RtmpRelay.Config.DEFAULT.withMaxBacklogBytes(config.maxPlayerBacklogBytes()));
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
        bridges = new LiveBridges(hub, media, rooms, config.idle().toMillis());
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
            new ApiError(404, ApiError.STREAM_NOT_FOUND, "live output is /live/{stream}.flv").send(context);
            return;
        }
        String name = file.substring(0, file.length() - 4);
        HttpServerResponse response = context.response();
        response.setChunked(true)
                .putHeader("content-type", "video/x-flv")
                .putHeader("cache-control", "no-cache")
                .putHeader("access-control-allow-origin", "*");
        HttpFlvPlayer player = new HttpFlvPlayer(context.vertx().getOrCreateContext(), context.request().connection(),
                response, config.maxPlayerBacklogBytes());
        if (!hub.play(name, player, startPoint(context.request().getParam("lowlatency")))) {
            response.setChunked(false).headers().remove("content-type");
            new ApiError(404, ApiError.STREAM_NOT_FOUND, "stream " + name + " is not live").send(context);
            return;
        }
        response.closeHandler(v -> player.closed = true);
    }

    /** {@code ?lowlatency=1} (or true/yes): start at the next keyframe instead of the cached GOP. */
    static LiveStreamHub.Start startPoint(String lowLatency) {
        boolean low = lowLatency != null && (lowLatency.equals("1") || lowLatency.equalsIgnoreCase("true")
                || lowLatency.equalsIgnoreCase("yes"));
        return low ? LiveStreamHub.Start.NEXT_KEYFRAME : LiveStreamHub.Start.LATEST_KEYFRAME;
    }

    /**
     * Writes FLV tags to one HTTP response on its Vert.x context without copying them, counting what is still queued.
     *
     * <p>Ownership: Vert.x wraps a non-Vert.x {@link ByteBuf} in an unreleasable slice before handing it to Netty
     * ({@code BufferImpl.getByteBuf}), so the write never releases the tag; this player releases it when the write
     * completes, successfully or not (the connection closed, the response ended). Tags still queued on the context
     * after the response closed are released there too.
     */
    private static final class HttpFlvPlayer implements FlvPlayer {
        private final Context context;
        private final HttpConnection connection;
        private final HttpServerResponse response;
        private final long maxBacklogBytes;
        private final AtomicLong backlog = new AtomicLong();
        private volatile boolean closed;
        private volatile boolean dropped;
        private volatile boolean endWritten;

        HttpFlvPlayer(Context context, HttpConnection connection, HttpServerResponse response, long maxBacklogBytes) {
            this.context = context;
            this.connection = connection;
            this.response = response;
            this.maxBacklogBytes = maxBacklogBytes;
        }

        @Override
        public boolean offer(ByteBuf bytes) {
            if (closed) {
                bytes.release();
                return false;
            }
            if (backlog.get() > maxBacklogBytes) {
                dropped = true;
                bytes.release();
                return false;
            }
            int size = bytes.readableBytes();
            backlog.addAndGet(size);
            context.runOnContext(v -> write(bytes, size));
            return true;
        }

        /** On the response's context. */
        private void write(ByteBuf bytes, int size) {
            if (closed) {
                written(bytes, size);
                return;
            }
            Future<Void> done;
            try {
                // BufferImpl reads its ByteBuf from index 0: the slice starts the tag there.
                done = response.write(BufferInternal.buffer(bytes.slice()));
            } catch (RuntimeException e) {
                written(bytes, size);
                return;
            }
            done.onComplete(result -> written(bytes, size));
        }

        private void written(ByteBuf bytes, int size) {
            bytes.release();
            backlog.addAndGet(-size);
        }

        /**
         * Stream ended: the response ends. Dropped as too slow: the response is reset, which closes an HTTP/1.1
         * connection (its queued tags are released as their writes fail).
         */
        @Override
        public void end() {
            context.runOnContext(v -> {
                if (closed) {
                    return;
                }
                closed = true;
                if (dropped) {
                    response.reset();
                    return;
                }
                response.end().onComplete(result -> endWritten = true);
                context.owner().setTimer(END_GRACE_MILLIS, t -> {
                    if (!endWritten) {
                        connection.close();
                    }
                });
            });
        }
    }

    /** Checks the publisher's UserSig: the stream name carries app, room and user; the query carries the UserSig. */
    private final class Authorizer implements StreamAuthorizer {
        @Override
        public CompletionStage<AuthorizationResult> authorizePublish(String app, String streamName, String query) {
            if (!APP.equals(app)) {
                return done(AuthorizationResult.reject(NetStatus.PUBLISH_BAD_NAME,
                        "publish to rtmp://host/live/{sdkAppID}_{roomID}_{userID}_main"));
            }
            Optional<CdnStreamName> name = CdnStreamName.parse(streamName);
            if (name.isEmpty()) {
                return done(AuthorizationResult.reject(NetStatus.PUBLISH_BAD_NAME,
                        "stream name must be {sdkAppID}_{roomID}_{userID}_main (or _aux)"));
            }
            String userSig = queryParameter(query, "usersig").orElse(null);
            if (userSig == null || userSig.isBlank()) {
                return done(AuthorizationResult.reject(NetStatus.PUBLISH_DENIED, TrtcErrorCode.USER_SIG_INVALID
                        + " a UserSig is required: publish to rtmp://host/live/" + streamName + "?usersig=<UserSig>"));
            }
            return vertx.executeBlocking(() -> {
                try {
                    CdnStreamName stream = name.get();
                    authenticator.authenticate(stream.sdkAppId(), stream.userId(), userSig,
                            queryParameter(query, "privatemapkey"), stream.room(),
                            EnumSet.of(Privilege.ENTER_ROOM, Privilege.SEND_AUDIO, Privilege.SEND_VIDEO));
                    return AuthorizationResult.allow();
                } catch (ApiException e) {
                    return AuthorizationResult.reject(NetStatus.PUBLISH_DENIED,
                            e.error().code() + " " + e.error().message());
                }
            }, false).toCompletionStage();
        }

        /** Playback is public, as a CDN's is: the stream must be live (or startable on demand). */
        @Override
        public CompletionStage<AuthorizationResult> authorizePlay(String app, String streamName, String query) {
            if (!APP.equals(app)) {
                return done(AuthorizationResult.reject(NetStatus.PLAY_STREAM_NOT_FOUND,
                        "play rtmp://host/live/{stream}; there is no application '" + app + "'"));
            }
            if (!hub.ensureLive(streamName)) {
                return done(AuthorizationResult.reject(NetStatus.PLAY_STREAM_NOT_FOUND,
                        "stream " + streamName + " is not live"));
            }
            return done(AuthorizationResult.allow());
        }

        private CompletionStage<AuthorizationResult> done(AuthorizationResult result) {
            return java.util.concurrent.CompletableFuture.completedFuture(result);
        }
    }

    private final class Listener implements RtmpSessionListener {
        @Override
        public void onPublish(RtmpStream stream) {
            hub.publish(stream.streamName());
        }

        @Override
        public void onMediaMessage(RtmpStream stream, RtmpMessage message) {
            hub.onMessage(stream.streamName(), message.typeId(), message.timestamp(), message.payload());
        }

        @Override
        public void onPlay(RtmpStream stream) {
            RtmpPlayer player = new RtmpPlayer(stream, config.maxPlayerBacklogBytes());
            String lowLatency = queryParameter(stream.query(), "lowlatency").orElse(null);
            if (!hub.play(stream.streamName(), player, startPoint(lowLatency))) {
                // It ended between authorization and now.
                stream.sendStatus(NetStatus.LEVEL_ERROR, NetStatus.PLAY_STREAM_NOT_FOUND,
                        "stream " + stream.streamName() + " is not live").addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void onClose(RtmpStream stream) {
            if (stream.role() == RtmpStream.Role.PUBLISH) {
                hub.unpublish(stream.streamName());
            }
        }
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
     * A CDN stream name as TRTC forms it: {@code {sdkAppID}_{roomID}_{userID}_{main|aux}}; the userID is everything
     * between the room and the last underscore.
     */
    public record CdnStreamName(long sdkAppId, RoomRef room, String userId, String streamType) {
        public static Optional<CdnStreamName> parse(String name) {
            String[] parts = name.split("_", 3);
            int last = name.lastIndexOf('_');
            if (parts.length < 3 || last <= parts[0].length() + parts[1].length() + 1) {
                return Optional.empty();
            }
            String type = name.substring(last + 1);
            if (!type.equals("main") && !type.equals("aux")) {
                return Optional.empty();
            }
            try {
                long app = SdkAppId.parse(parts[0]).value();
                RoomRef room = RoomRef.parse(parts[1], null);
                String user = name.substring(parts[0].length() + parts[1].length() + 2, last);
                return user.isEmpty() ? Optional.empty() : Optional.of(new CdnStreamName(app, room, user, type));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }

    @Override
    public void close() {
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

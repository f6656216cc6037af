package io.lianmai.server.live;

import io.lianmai.auth.Privilege;
import io.lianmai.common.SdkAppId;
import io.lianmai.live.flv.FlvPlayer;
import io.lianmai.live.flv.LiveStreamHub;
import io.lianmai.live.hls.HlsConfig;
import io.lianmai.live.rtmp.AuthorizationResult;
import io.lianmai.media.MediaPlane;
import io.lianmai.room.RoomRegistry;
import io.lianmai.live.rtmp.NetStatus;
import io.lianmai.live.rtmp.RtmpMessage;
import io.lianmai.live.rtmp.RtmpServer;
import io.lianmai.live.rtmp.RtmpServerConfig;
import io.lianmai.live.rtmp.RtmpSessionListener;
import io.lianmai.live.rtmp.RtmpStream;
import io.lianmai.live.rtmp.StreamAuthorizer;
import io.lianmai.server.http.ApiError;
import io.lianmai.server.http.ApiException;
import io.lianmai.server.http.RequestAuthenticator;
import io.lianmai.server.http.RoomRef;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CDN-style live output: RTMP ingest on port 1935 ({@code rtmp://host/live/{sdkAppID}_{roomID}_{userID}_main
 * ?usersig=…}) and HTTP-FLV playback ({@code GET /live/{stream}.flv}) of every RTMP-published stream.
 *
 * <p>Publishing is authenticated with the publisher's UserSig (the userID in the stream name); FLV playback is public,
 * as a CDN's is. Players start at the latest keyframe; a player that cannot keep up is dropped, not buffered.
 */
public final class LiveService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveService.class);
    /** Bytes queued towards one FLV player before it counts as too slow and is dropped (~5 s of 6 Mbit/s). */
    static final long MAX_PLAYER_BACKLOG = 4L * 1024 * 1024;
    private static final String APP = "live";

    private final Vertx vertx;
    private final RequestAuthenticator authenticator;
    private final LiveStreamHub hub = new LiveStreamHub(PooledByteBufAllocator.DEFAULT);
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final HlsRoutes hls;
    private RtmpServer rtmp;
    private int rtmpPort = -1;
    private LiveBridges bridges;

    public LiveService(Vertx vertx, RequestAuthenticator authenticator, HlsConfig hlsConfig, Clock clock) {
        this.vertx = vertx;
        this.authenticator = authenticator;
        this.hls = new HlsRoutes(vertx, hub, hlsConfig, clock);
    }

    /** Binds RTMP on {@code host:port} (0 picks a free port). */
    public void startRtmp(String host, int port) throws InterruptedException {
        rtmp = new RtmpServer(RtmpServerConfig.DEFAULT, new Authorizer(), new Listener());
        rtmpPort = rtmp.start(group, group, new InetSocketAddress(host, port)).getPort();
        LOG.info("RTMP listening on {}:{}", host, rtmpPort);
    }

    /**
     * Bridges live streams and rooms both ways: RTMP publishers become room members' streams, and room members'
     * WebRTC streams are playable as live streams on demand.
     */
    public void bridgeRooms(MediaPlane media, RoomRegistry rooms, java.time.Duration idle) {
        bridges = new LiveBridges(hub, media, rooms, idle.toMillis());
    }

    /** The live streams by CDN name (RTMP-published, or bridged from rooms). */
    public LiveStreamHub hub() {
        return hub;
    }

    /** The bound RTMP port, or -1 when RTMP is off. */
    public int rtmpPort() {
        return rtmpPort;
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
        HttpFlvPlayer player = new HttpFlvPlayer(context.vertx().getOrCreateContext(), response);
        if (!hub.play(name, player)) {
            response.setChunked(false).headers().remove("content-type");
            new ApiError(404, ApiError.STREAM_NOT_FOUND, "stream " + name + " is not live").send(context);
            return;
        }
        response.closeHandler(v -> player.closed = true);
    }

    /** Writes FLV bytes to one HTTP response on its Vert.x context, counting what is still queued. */
    private static final class HttpFlvPlayer implements FlvPlayer {
        private final Context context;
        private final HttpServerResponse response;
        private final AtomicLong backlog = new AtomicLong();
        private volatile boolean closed;

        HttpFlvPlayer(Context context, HttpServerResponse response) {
            this.context = context;
            this.response = response;
        }

        @Override
        public boolean offer(ByteBuf bytes) {
            if (closed || backlog.get() > MAX_PLAYER_BACKLOG) {
                bytes.release();
                return false;
            }
            byte[] copy = new byte[bytes.readableBytes()];
            bytes.readBytes(copy);
            bytes.release();
            backlog.addAndGet(copy.length);
            context.runOnContext(v -> {
                if (!closed) {
                    response.write(Buffer.buffer(copy)).onComplete(done -> backlog.addAndGet(-copy.length));
                }
            });
            return true;
        }

        @Override
        public void end() {
            context.runOnContext(v -> {
                if (!closed) {
                    closed = true;
                    response.end();
                }
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

        @Override
        public CompletionStage<AuthorizationResult> authorizePlay(String app, String streamName, String query) {
            return done(AuthorizationResult.reject(NetStatus.PLAY_FAILED,
                    "RTMP play is not served yet: play http://host:8800/live/" + streamName + ".flv"));
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
            // Refused by the authorizer for now.
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
        if (rtmp != null) {
            rtmp.close();
        }
        hls.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}

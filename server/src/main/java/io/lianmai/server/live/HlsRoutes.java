package io.lianmai.server.live;

import io.lianmai.auth.PlaybackSignature;
import io.lianmai.common.TrtcErrorCode;
import io.lianmai.live.flv.LiveStreamHub;
import io.lianmai.live.hls.HlsConfig;
import io.lianmai.live.hls.HlsPackager;
import io.lianmai.live.hls.HlsPlaylist;
import io.lianmai.live.hls.HlsSegment;
import io.lianmai.server.http.ApiError;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;

/**
 * HLS playback of live streams: {@code GET /live/{stream}.m3u8} (the live media playlist) and
 * {@code GET /live/{stream}/{sequence}.ts} (its MPEG-TS segments). Both need the stream's signed URL query
 * ({@code ?txSecret=…&txTime=…}, {@link PlaybackGate}) unless the app's playback is public; the playlist writes the
 * query it was given on every segment URI, so a player that was handed a signed playlist URL keeps working until the
 * signature expires.
 *
 * <p>Every live stream is segmented while it is live by an {@link HlsPackager} watching the hub. A playlist request
 * counts as interest in the stream ({@link LiveStreamHub#ensureLive}), which also starts a bridged stream on demand;
 * while a live stream has no segment yet the request waits for its first one, renewing that interest as it waits.
 *
 * <p>In a cluster, a playlist or segment request for a stream not live here whose room another node serves is answered
 * {@code 302} to the same path and query on that node (players follow it; docs/cluster.md), as HTTP-FLV is.
 */
public final class HlsRoutes implements AutoCloseable {
    private static final long POLL_MILLIS = 100;
    private static final long EXPIRE_EVERY_MILLIS = 5000;
    private static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";

    private final Vertx vertx;
    private final LiveStreamHub hub;
    private final HlsConfig config;
    private final HlsPackager packager;
    private final long expiryTimer;
    /** Polls of a playlist request waiting for a first segment: the discovery second, two targets, a long GOP. */
    private final int firstSegmentPolls;

    private final PlaybackGate gate;
    private final Elsewhere elsewhere;

    /** Where a request for a stream not live here goes (LiveService: a 302 to the room's node in a cluster). */
    @FunctionalInterface
    interface Elsewhere {
        /** Redirects {@code context} to the node serving {@code stream}'s room, or runs {@code otherwise}. */
        void redirectOr(RoutingContext context, String stream, Runnable otherwise);
    }

    HlsRoutes(Vertx vertx, LiveStreamHub hub, HlsConfig config, Clock clock, PlaybackGate gate,
            Elsewhere elsewhere) {
        this.vertx = vertx;
        this.elsewhere = elsewhere;
        this.gate = gate;
        this.hub = hub;
        this.config = config;
        this.packager = new HlsPackager(config, clock);
        if (config.enabled()) {
            hub.addObserver(packager);
        }
        this.expiryTimer = vertx.setPeriodic(EXPIRE_EVERY_MILLIS, id -> packager.expire());
        this.firstSegmentPolls = (int) ((5000 + 2 * config.segmentTarget().toMillis()) / POLL_MILLIS);
    }

    /** Adds the routes; before any other {@code /live/:file} route, which would take {@code .m3u8} too. */
    public void mount(Router router) {
        router.getWithRegex("/live/(?<stream>[^/]+)\\.m3u8").handler(this::playlist);
        router.getWithRegex("/live/(?<stream>[^/]+)/(?<sequence>[0-9]{1,18})\\.ts").handler(this::segment);
    }

    /** The packager, for tests and metrics. */
    public HlsPackager packager() {
        return packager;
    }

    private void playlist(RoutingContext context) {
        String name = context.pathParam("stream");
        if (!config.enabled()) {
            new ApiError(404, TrtcErrorCode.STREAM_NOT_FOUND, "HLS output is off (live.hls.enabled)").send(context);
            return;
        }
        PlaybackGate.Decision decision = check(context, name, true);
        if (!decision.allowed()) {
            LiveService.refuse(context, decision);
            return;
        }
        String query = decision.signedQuery();
        String segmentQuery = query.isEmpty() ? "" : "?" + query;
        if (!hub.ensureLive(name) && packager.playlist(name).isEmpty()) {
            elsewhere.redirectOr(context, name, () -> answer(context, name, segmentQuery, firstSegmentPolls));
            return;
        }
        answer(context, name, segmentQuery, firstSegmentPolls);
    }

    private PlaybackGate.Decision check(RoutingContext context, String name, boolean startOnDemand) {
        return gate.check(name, context.request().getParam(PlaybackSignature.SECRET_PARAMETER),
                context.request().getParam(PlaybackSignature.TIME_PARAMETER), startOnDemand);
    }

    private void answer(RoutingContext context, String name, String segmentQuery, int pollsLeft) {
        if (context.response().closed()) {
            return;
        }
        Optional<HlsPlaylist> playlist = packager.playlist(name);
        if (playlist.isPresent() && !playlist.get().isEmpty()) {
            context.response()
                    .putHeader("content-type", PLAYLIST_TYPE)
                    .putHeader("cache-control", "no-cache")
                    .putHeader("access-control-allow-origin", "*")
                    .end(playlist.get().render(URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20")
                            + "/", segmentQuery));
            return;
        }
        Optional<String> failure = playlist.flatMap(HlsPlaylist::failure);
        if (failure.isPresent()) {
            notFound(context, "stream " + name + " has no HLS output: " + failure.get());
            return;
        }
        // Waiting is interest too: a stream bridged on demand for this request must not go idle before its first
        // segment (live.idleSeconds may be shorter than the wait).
        boolean live = hub.ensureLive(name);
        if (live && pollsLeft > 0) {
            vertx.setTimer(POLL_MILLIS, id -> answer(context, name, segmentQuery, pollsLeft - 1));
            return;
        }
        notFound(context, live ? "stream " + name + " has no HLS segment yet" : "stream " + name + " is not live");
    }

    private void segment(RoutingContext context) {
        String name = context.pathParam("stream");
        long sequence = Long.parseLong(context.pathParam("sequence"));
        PlaybackGate.Decision decision = check(context, name, false);
        if (!decision.allowed()) {
            LiveService.refuse(context, decision);
            return;
        }
        Optional<HlsSegment> segment = packager.segment(name, sequence);
        if (segment.isEmpty()) {
            Runnable notHeld = () -> notFound(context, "segment " + sequence + " of stream " + name
                    + " is not held (too old, or not live)");
            if (packager.playlist(name).isEmpty()) {
                elsewhere.redirectOr(context, name, notHeld);
            } else {
                notHeld.run();
            }
            return;
        }
        context.response()
                .putHeader("content-type", "video/mp2t")
                // A URL is never reused for other bytes (sequence numbers come from the clock).
                .putHeader("cache-control", "public, max-age=60")
                .putHeader("access-control-allow-origin", "*")
                .end(Buffer.buffer(segment.get().bytes()));
    }

    private static void notFound(RoutingContext context, String message) {
        new ApiError(404, TrtcErrorCode.STREAM_NOT_FOUND, message).send(context);
    }

    @Override
    public void close() {
        vertx.cancelTimer(expiryTimer);
        packager.close();
    }
}

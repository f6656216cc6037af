package io.lianmai.server;

import io.lianmai.common.TrtcErrorCode;
import io.lianmai.media.MediaPlane;
import io.lianmai.room.RoomRegistry;
import io.lianmai.server.Version;
import io.lianmai.server.api.ServerApi;
import io.lianmai.server.console.ConsoleRoutes;
import io.lianmai.server.http.ApiError;
import io.lianmai.server.http.ServerErrors;
import io.lianmai.server.live.LiveEndpoints;
import io.lianmai.server.live.LiveService;
import io.lianmai.server.config.HttpConfig;
import io.lianmai.server.signal.SignallingRoutes;
import io.lianmai.server.signal.SignallingServices;
import io.lianmai.server.whip.WhipWhepRoutes;
import io.lianmai.store.AppStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP server on port 8800: every HTTP path of the product is routed here.
 *
 * <p>Handlers run on Vert.x event-loop threads; anything that blocks (the database) goes through
 * {@code executeBlocking}.
 */
public final class HttpFrontDoor {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpFrontDoor.class);
    private final SignallingServices services;
    private final Vertx vertx;
    private final AppStore apps;
    private final DevUserSigRoute devUserSig;
    private final LiveService live;
    private final ServerApi api;
    private SignallingRoutes signalling;
    private volatile WhipWhepRoutes whipWhep;
    private final java.util.List<java.util.function.Consumer<Router>> ownRoutes =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * @param services what every entry path uses (Vert.x, authentication, rooms, media, admission, clock), with the
     *     signalling settings
     * @param apps the app store, counted by {@code /healthz}
     * @param live RTMP, FLV and HLS, and the REST API's CDN relay
     * @param devUserSig the development UserSig endpoint (answers 403 unless enabled)
     * @param api the server API, {@code POST /} and {@code POST /api/v1/{Action}}
     */
    public HttpFrontDoor(SignallingServices services, AppStore apps, LiveService live, DevUserSigRoute devUserSig,
            ServerApi api) {
        this.services = services;
        this.vertx = services.vertx();
        this.apps = apps;
        this.devUserSig = devUserSig;
        this.live = live;
        this.api = api;
    }

    /** Starts listening; the future carries the bound port. */
    public Future<Integer> listen(HttpConfig config) {
        Router router = Router.router(vertx);
        ConnectionsPerAddress connections = new ConnectionsPerAddress(config.maxConnectionsPerIp());
        router.get("/healthz").handler(this::health);
        ownRoutes.forEach(routes -> routes.accept(router));
        whipWhep = new WhipWhepRoutes(services.authenticator(), services.media(), services.rooms(),
                services.admission(), services.iceServers(), services.placement());
        whipWhep.mount(router);
        signalling = new SignallingRoutes(services,
                new LiveEndpoints(config.publicUrl(), live::rtmpPort, live.playbackUrls()), connections::release);
        signalling.mount(router);
        devUserSig.mount(router);
        api.mount(router);
        live.mount(router);
        // An app's pages import the SDK from here on their own origin; module scripts are fetched with CORS. The SDK
        // is public code and the requests carry no credentials, so any origin may read it.
        router.get("/sdk/*").handler(context -> {
            context.response().putHeader("access-control-allow-origin", "*");
            context.next();
        });
        ConsoleRoutes.mount(router);
        // Pages shipped in the jar: the demo, the WHIP/WHEP test pages, and the SDKs under /sdk/.
        router.get("/*").handler(StaticHandler.create("web").setCachingEnabled(false).setIndexPage("index.html"));
        router.route().failureHandler(this::failure);
        HttpServerOptions options = SignallingRoutes.configure(new HttpServerOptions())
                // Idle counts silence both ways: a streaming FLV response or a heartbeating socket never idles.
                .setIdleTimeout((int) config.idleTimeout().toSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setMaxHeaderSize(config.maxHeaderBytes())
                .setMaxInitialLineLength(HttpConfig.MAX_INITIAL_LINE_BYTES)
                // No browser speaks cleartext HTTP/2; with it on, Vert.x creates a connection (and calls the
                // connection handler counting it) only once the first bytes arrive, so silent ones went uncounted.
                .setHttp2ClearTextEnabled(false)
                .setWebSocketClosingTimeout(HttpConfig.WEBSOCKET_CLOSING_TIMEOUT_SECONDS);
        if (config.sendBufferBytes() > 0) {
            // A client that stops reading fills this, then the server's own bounded queues, then is dropped; with
            // autotuning the kernel alone would absorb megabytes per connection first.
            options.setSendBufferSize(config.sendBufferBytes());
        }
        HttpServer server = vertx.createHttpServer(options)
                .connectionHandler(connections::onConnection)
                .requestHandler(request -> {
                    if (connections.isOverLimit(request.connection())) {
                        connections.refuse(request);
                    } else {
                        router.handle(request);
                    }
                });
        return server.listen(config.port(), config.host()).map(HttpServer::actualPort);
    }

    /** Routes of another component (e.g. {@code /metrics}), mounted by {@link #listen} before the product's own. */
    public void mount(java.util.function.Consumer<Router> routes) {
        ownRoutes.add(routes);
    }

    /** The WHIP and WHEP endpoints (null until {@link #listen}). */
    public WhipWhepRoutes whipWhep() {
        return whipWhep;
    }

    /** The signalling WebSocket endpoint (null until {@link #listen}). */
    public SignallingRoutes signalling() {
        return signalling;
    }

    /**
     * Counts open HTTP connections per source address ({@code http.maxConnectionsPerIp}). A connection beyond the
     * limit is not refused at accept (HTTP has no way to say why there); its first request gets 503 with
     * {@code Retry-After} and the connection is closed. Handlers run on any event loop, hence the concurrent maps.
     *
     * <p>A connection upgraded to a WebSocket gets a new Vert.x connection object, and the HTTP one's close handler
     * never runs: the WebSocket route {@linkplain #release releases} it when the socket closes.
     */
    private static final class ConnectionsPerAddress {
        private final int max;
        private final ConcurrentMap<String, Integer> open = new ConcurrentHashMap<>();
        private final ConcurrentMap<HttpConnection, String> counted = new ConcurrentHashMap<>();
        private final Set<HttpConnection> overLimit = ConcurrentHashMap.newKeySet();

        ConnectionsPerAddress(int max) {
            this.max = max;
        }

        void onConnection(HttpConnection connection) {
            String address = connection.remoteAddress().hostAddress();
            counted.put(connection, address);
            if (open.merge(address, 1, Integer::sum) > max) {
                overLimit.add(connection);
            }
            connection.closeHandler(ignored -> release(connection));
        }

        /** Stops counting {@code connection}; called when it closes, at most once taking effect. */
        void release(HttpConnection connection) {
            overLimit.remove(connection);
            String address = counted.remove(connection);
            if (address != null) {
                open.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
            }
        }

        boolean isOverLimit(HttpConnection connection) {
            return overLimit.contains(connection);
        }

        void refuse(HttpServerRequest request) {
            LOG.debug("HTTP connection from {} refused: {} connections from one address (http.maxConnectionsPerIp)",
                    request.remoteAddress(), max);
            request.response().setStatusCode(503)
                    .putHeader("retry-after", "10")
                    .putHeader("connection", "close")
                    .putHeader("content-type", "application/json")
                    .end(new JsonObject().put("code", TrtcErrorCode.SERVER_FAILED).put("message",
                            "too many connections from this address: at most " + max
                                    + " (http.maxConnectionsPerIp)").encode())
                    .onComplete(ignored -> request.connection().close());
        }
    }

    /** Any request that failed outside a handler's own error handling (body too large, a bug) gets a JSON error. */
    private void failure(RoutingContext context) {
        int status = context.statusCode() > 0 ? context.statusCode() : 500;
        if (status >= 500) {
            ServerErrors.internalError(context.request().method() + " " + context.request().path(),
                    context.failure()).send(context);
            return;
        }
        String message = switch (status) {
            case 413 -> "request body too large";
            case 404 -> "not found";
            default -> status >= 500 ? "internal error" : "bad request";
        };
        new ApiError(status, status >= 500 ? TrtcErrorCode.SERVER_FAILED : TrtcErrorCode.INVALID_PARAMETER, message)
                .send(context);
    }

    /** {@code GET /healthz}: 200 when the node can serve, 503 with the reason when its database cannot answer. */
    private void health(RoutingContext context) {
        vertx.executeBlocking(apps::count).onComplete(result -> {
            JsonObject body = new JsonObject().put("version", Version.current());
            if (result.succeeded()) {
                body.put("status", "ok").put("apps", result.result());
                context.response().setStatusCode(200);
            } else {
                body.put("status", "unavailable").put("reason", "app store: "
                        + ServerErrors.internal("health check", result.cause()));
                context.response().setStatusCode(503);
            }
            context.response().putHeader("content-type", "application/json").end(body.encode());
        });
    }

}

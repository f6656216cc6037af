package io.lianmai.server.http;

import io.lianmai.media.MediaPlane;
import io.lianmai.room.RoomRegistry;
import io.lianmai.server.Version;
import io.lianmai.server.api.RestApiRoutes;
import io.lianmai.server.live.LiveEndpoints;
import io.lianmai.server.live.LiveService;
import io.lianmai.server.config.HttpConfig;
import io.lianmai.server.config.SignalConfig;
import io.lianmai.server.limits.Admission;
import io.lianmai.server.signal.SignallingRoutes;
import io.lianmai.store.AppStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Clock;

/**
 * The HTTP server on port 8800: every HTTP path of the product is routed here.
 *
 * <p>Handlers run on Vert.x event-loop threads; anything that blocks (the database) goes through
 * {@code executeBlocking}.
 */
public final class HttpFrontDoor {
    private final Vertx vertx;
    private final AppStore apps;
    private final RequestAuthenticator authenticator;
    private final MediaPlane media;
    private final RoomRegistry rooms;
    private final SignalConfig signal;
    private final Clock clock;

    private final DevUserSigRoute devUserSig;
    private final LiveService live;
    private SignallingRoutes signalling;
    private final Admission admission;

    public HttpFrontDoor(Vertx vertx, AppStore apps, RequestAuthenticator authenticator, MediaPlane media,
            RoomRegistry rooms, SignalConfig signal, Clock clock, DevUserSigRoute devUserSig, LiveService live,
            Admission admission) {
        this.vertx = vertx;
        this.apps = apps;
        this.authenticator = authenticator;
        this.media = media;
        this.rooms = rooms;
        this.signal = signal;
        this.clock = clock;
        this.devUserSig = devUserSig;
        this.live = live;
        this.admission = admission;
    }

    /** Starts listening; the future carries the bound port. */
    public Future<Integer> listen(HttpConfig config) {
        Router router = Router.router(vertx);
        router.get("/healthz").handler(this::health);
        new WhipWhepRoutes(authenticator, media, rooms, admission).mount(router);
        signalling = new SignallingRoutes(vertx, authenticator, rooms, media, signal, clock,
                new LiveEndpoints(config.publicUrl(), live::rtmpPort, live.playbackUrls()), admission);
        signalling.mount(router);
        devUserSig.mount(router);
        RestApiRoutes.standard(vertx, authenticator, live).mount(router);
        live.mount(router);
        // Pages shipped in the jar (the WHIP/WHEP test pages, later the SDK and demo).
        router.get("/*").handler(StaticHandler.create("web").setCachingEnabled(false).setIndexPage("index.html"));
        router.route().failureHandler(this::failure);
        HttpServer server = vertx.createHttpServer(SignallingRoutes.configure(new HttpServerOptions()))
                .requestHandler(router);
        return server.listen(config.port(), config.host()).map(HttpServer::actualPort);
    }

    /** The signalling WebSocket endpoint (null until {@link #listen}). */
    public SignallingRoutes signalling() {
        return signalling;
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
        new ApiError(status, status >= 500 ? ApiError.SERVER_FAILED : ApiError.INVALID_PARAMETER, message).send(context);
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

package io.lianmai.server;

import io.lianmai.auth.UserSigSigner;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.TrtcErrorCode;
import io.lianmai.server.http.ApiError;
import io.lianmai.server.http.ApiException;
import io.lianmai.server.http.RequestAuthenticator;
import io.lianmai.server.whip.WhipWhepRoutes;
import io.lianmai.store.App;
import io.lianmai.store.AppStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;

/**
 * {@code GET /api/dev/usersig?userID=…[&sdkAppID=…]}: signs a UserSig for whoever asks, so the demo pages work with
 * no backend of one's own. Off unless configured ({@code dev.userSigEndpoint}); when off it answers 403 and says
 * so, because anyone who can reach it can act as any user of the app.
 */
public final class DevUserSigRoute {
    /** A day: long enough for a demo session, short enough that a copied UserSig does not live on. */
    static final long EXPIRE_SECONDS = 24 * 3600;

    private final Vertx vertx;
    private final AppStore apps;
    private final Clock clock;
    private final boolean enabled;

    public DevUserSigRoute(Vertx vertx, AppStore apps, Clock clock, boolean enabled) {
        this.vertx = vertx;
        this.apps = apps;
        this.clock = clock;
        this.enabled = enabled;
    }

    public void mount(Router router) {
        router.get("/api/dev/usersig").handler(this::sign);
    }

    private void sign(RoutingContext context) {
        if (!enabled) {
            new ApiError(403, TrtcErrorCode.FAILED, "the development UserSig endpoint is off: start the server with "
                    + "--dev (or dev.userSigEndpoint=true) to try the demo; real apps sign UserSigs on their own "
                    + "backend")
                    .send(context);
            return;
        }
        String userId = context.queryParams().get("userID");
        String requestedApp = context.queryParams().get("sdkAppID");
        try {
            RequestAuthenticator.requireValidUserId(userId);
        } catch (ApiException e) {
            e.error().send(context);
            return;
        }
        vertx.executeBlocking(() -> {
            App app;
            if (requestedApp != null && !requestedApp.isBlank()) {
                ApiException noSuchApp = new ApiException(new ApiError(404, TrtcErrorCode.SDK_APP_ID_INVALID,
                        "no app " + requestedApp));
                SdkAppId id;
                try {
                    id = new SdkAppId(Long.parseLong(requestedApp));
                } catch (NumberFormatException e) {
                    throw new ApiException(ApiError.badRequest("sdkAppID must be a number"));
                } catch (IllegalArgumentException e) {
                    throw noSuchApp;
                }
                app = apps.find(id).orElseThrow(() -> noSuchApp);
            } else {
                List<App> all = apps.list();
                if (all.isEmpty()) {
                    throw new ApiException(new ApiError(404, TrtcErrorCode.SDK_APP_ID_INVALID,
                            "no app exists yet: lianmai app create --name …"));
                }
                app = all.get(0);
            }
            String userSig = new UserSigSigner(app.sdkAppId(), app.secretKey(), clock)
                    .genUserSig(userId, EXPIRE_SECONDS);
            return new JsonObject().put("sdkAppID", app.sdkAppId().value()).put("userID", userId)
                    .put("userSig", userSig).put("expire", EXPIRE_SECONDS);
        }, false).onSuccess(body -> context.response().putHeader("content-type", "application/json")
                .putHeader("cache-control", "no-store").end(body.encode()))
                .onFailure(failure -> WhipWhepRoutes.errorFor(failure).send(context));
    }
}

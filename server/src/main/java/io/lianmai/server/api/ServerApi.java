package io.lianmai.server.api;

import io.lianmai.media.MediaPlane;
import io.lianmai.room.RoomRegistry;
import io.lianmai.server.config.ApiConfig;
import io.lianmai.server.http.RequestAuthenticator;
import io.lianmai.server.live.LiveService;
import io.lianmai.store.AppLookup;
import io.lianmai.store.CallbackOutbox;
import io.lianmai.store.RoomHistory;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;

/**
 * The server API on both its entry points, serving the same actions: {@code POST /} signed with an API credential
 * (Tencent Cloud API 3.0, {@link CloudApiRoutes}) and the older {@code POST /api/v1/{Action}} with an administrator
 * UserSig ({@link RestApiRoutes}).
 */
public final class ServerApi {
    private final RestApiRoutes restApi;
    private final CloudApiRoutes cloudApi;

    private ServerApi(RestApiRoutes restApi, CloudApiRoutes cloudApi) {
        this.restApi = restApi;
        this.cloudApi = cloudApi;
    }

    /** Every action this server implements, on both entry points. */
    public static ServerApi standard(Vertx vertx, RequestAuthenticator authenticator, LiveService live,
            MediaPlane media, RoomRegistry rooms, AppLookup apps, ApiCredentials credentials, ApiConfig config,
            CallbackOutbox callbacks, RoomHistory history, Clock clock) {
        RestApiRoutes restApi = RestApiRoutes.standard(vertx, authenticator, live, media,
                new RoomModeration(rooms, live, config.removedUserRejoinBlock(), clock), callbacks, history, clock);
        return new ServerApi(restApi, new CloudApiRoutes(vertx, restApi, credentials, apps,
                config.requestsPerSecond(), clock));
    }

    /** Adds {@code POST /} and {@code POST /api/v1/{Action}} to {@code router}. */
    public void mount(Router router) {
        restApi.mount(router);
        cloudApi.mount(router);
    }
}

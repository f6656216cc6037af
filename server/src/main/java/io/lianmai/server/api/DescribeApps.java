package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lianmai.store.App;
import io.lianmai.store.AppStore;
import io.lianmai.store.StoreException;
import java.time.Clock;
import java.util.List;

/**
 * {@code DescribeApps} (Lianmai's own, not TRTC's: TRTC's apps live in Tencent Cloud's console): the apps the
 * caller's credential may act on, with their settings and without their keys ({@link AppView}). The operator
 * console's app list; the same as {@code lianmai app list}.
 */
final class DescribeApps implements ScopedAction<DescribeApps.Request> {
    /** No parameters. */
    record Request() {
    }

    /** The answer: apps in order of creation. */
    record Response(@JsonProperty("Apps") List<AppView> apps) {
    }

    private final AppStore apps;
    private final Clock clock;

    DescribeApps(AppStore apps, Clock clock) {
        this.apps = apps;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "DescribeApps";
    }

    @Override
    public Class<Request> requestType() {
        return Request.class;
    }

    @Override
    public Record handle(ApiScope scope, Request request) {
        List<App> all;
        try {
            all = apps.list();
        } catch (StoreException e) {
            throw new RestApiException(RestApiException.INTERNAL_ERROR, "cannot read the app registry");
        }
        return new Response(all.stream().filter(app -> scope.allows(app.sdkAppId()))
                .map(app -> AppView.of(app, clock.instant())).toList());
    }
}

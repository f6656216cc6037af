package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lianmai.store.App;
import io.lianmai.store.AppStore;

/**
 * {@code CreateApp} (Lianmai's own): creates an app as {@code lianmai app create} does and answers its SDKAppID,
 * secret key and playback key — the only answer that ever carries them, as the CLI prints them once. Needs a
 * credential for every app ({@link ApiScope#requireAllApps}): a scoped one could not act on what it created.
 */
final class CreateApp implements ScopedAction<CreateApp.Request> {
    /** The request: the app's name (trimmed, 1..128 characters). */
    record Request(@JsonProperty("Name") String name) {
    }

    /** The answer. */
    record Response(@JsonProperty("SdkAppId") long sdkAppId,
                    @JsonProperty("Name") String name,
                    @JsonProperty("SecretKey") String secretKey,
                    @JsonProperty("PlayKey") String playKey) {
        /** Never shows the keys. */
        @Override
        public String toString() {
            return "CreateApp.Response[" + sdkAppId + ", " + name + "]";
        }
    }

    private final AppStore apps;

    CreateApp(AppStore apps) {
        this.apps = apps;
    }

    @Override
    public String name() {
        return "CreateApp";
    }

    @Override
    public Class<Request> requestType() {
        return Request.class;
    }

    @Override
    public Record handle(ApiScope scope, Request request) {
        scope.requireAllApps(name());
        if (request.name() == null) {
            throw new RestApiException(RestApiException.MISSING_PARAMETER, "Name is required");
        }
        App app;
        try {
            app = apps.create(request.name());
        } catch (IllegalArgumentException e) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER, "Name: " + e.getMessage());
        }
        return new Response(app.sdkAppId().value(), app.name(), app.secretKey(), app.playKey());
    }
}

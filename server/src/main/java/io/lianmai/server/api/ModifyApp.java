package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lianmai.common.SdkAppId;
import io.lianmai.server.callback.CallbackTargetPolicy;
import io.lianmai.store.App;
import io.lianmai.store.AppNotFoundException;
import io.lianmai.store.AppStore;
import java.time.Clock;
import java.util.Optional;

/**
 * {@code ModifyApp} (Lianmai's own): an app's event callback settings, as {@code lianmai app set --callback-url
 * --callback-key | --clear-callback} changes them — the URL checked against {@code callbacks.allowPrivateTargets}
 * before it is stored, a field not sent kept as it was. Answers the app's settings without keys ({@link AppView}).
 */
final class ModifyApp implements RestAction<ModifyApp.Request> {
    /**
     * The request.
     *
     * @param callbackUrl   where the app's callbacks go: an absolute http:// or https:// URL
     * @param callbackKey   the key that signs them (header {@code Sign}), up to 256 characters, no spaces
     * @param clearCallback true: forget both, and send the app's callbacks nowhere
     */
    record Request(@JsonProperty("SdkAppId") long sdkAppId,
                   @JsonProperty("CallbackUrl") String callbackUrl,
                   @JsonProperty("CallbackKey") String callbackKey,
                   @JsonProperty("ClearCallback") Boolean clearCallback) {
        /** Never shows the key. */
        @Override
        public String toString() {
            return "ModifyApp.Request[" + sdkAppId + ", " + callbackUrl + "]";
        }
    }

    /** The answer: the app as changed. */
    record Response(@JsonProperty("App") AppView app) {
    }

    private final AppStore apps;
    private final CallbackTargetPolicy targets;
    private final Clock clock;

    ModifyApp(AppStore apps, CallbackTargetPolicy targets, Clock clock) {
        this.apps = apps;
        this.targets = targets;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "ModifyApp";
    }

    @Override
    public Class<Request> requestType() {
        return Request.class;
    }

    @Override
    public Record handle(SdkAppId sdkAppId, Request request) {
        boolean clear = Boolean.TRUE.equals(request.clearCallback());
        if (!clear && request.callbackUrl() == null && request.callbackKey() == null) {
            throw new RestApiException(RestApiException.MISSING_PARAMETER,
                    "send CallbackUrl, CallbackKey or ClearCallback");
        }
        if (clear && (request.callbackUrl() != null || request.callbackKey() != null)) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER,
                    "ClearCallback cannot be combined with CallbackUrl or CallbackKey");
        }
        if (request.callbackUrl() != null) {
            try {
                targets.check(request.callbackUrl().strip());
            } catch (CallbackTargetPolicy.DeniedException e) {
                throw new RestApiException(RestApiException.INVALID_PARAMETER, "CallbackUrl: " + e.getMessage());
            }
        }
        if (request.callbackKey() != null && request.callbackKey().chars().anyMatch(
                c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            // As lianmai app set refuses it: a key with spaces is almost always a paste gone wrong.
            throw new RestApiException(RestApiException.INVALID_PARAMETER,
                    "CallbackKey must be without spaces or control characters");
        }
        App changed;
        try {
            if (clear) {
                changed = apps.setWebhook(sdkAppId, Optional.empty(), Optional.empty());
            } else {
                App current = apps.find(sdkAppId).orElseThrow(() -> new AppNotFoundException(sdkAppId));
                changed = apps.setWebhook(sdkAppId, request.callbackUrl() != null
                                ? Optional.of(request.callbackUrl().strip()) : current.webhookUrl(),
                        request.callbackKey() != null ? Optional.of(request.callbackKey()) : current.callbackKey());
            }
        } catch (AppNotFoundException e) {
            throw new RestApiException(RestApiException.SDK_APP_ID_NOT_EXIST, "SdkAppId " + sdkAppId
                    + " does not exist");
        } catch (IllegalArgumentException e) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER, e.getMessage());
        }
        return new Response(AppView.of(changed, clock.instant()));
    }
}

package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.lianmai.common.SdkAppId;
import io.lianmai.store.App;
import io.lianmai.store.AppNotFoundException;
import io.lianmai.store.AppStore;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code RotateAppKey} (Lianmai's own): gives an app a new secret key through the same store call as {@code lianmai
 * app rotate-key}, the old key verifying UserSigs for {@code GraceSeconds} (default {@link AppStore#DEFAULT_KEY_GRACE};
 * 0 retires it at once). The answer carries the new key, the only time it is shown.
 */
final class RotateAppKey implements RestAction<RotateAppKey.Request> {
    /** The CLI's bound: beyond a year the old key is as good as never retired, almost surely a typo. */
    static final long MAX_GRACE_SECONDS = 366L * 86400;

    /** The request. */
    record Request(@JsonProperty("SdkAppId") long sdkAppId, @JsonProperty("GraceSeconds") Long graceSeconds) {
    }

    /** The answer; {@code PreviousKeyValidUntil} (Unix seconds) is absent when the old key is retired at once. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Response(@JsonProperty("SdkAppId") long sdkAppId,
                    @JsonProperty("SecretKey") String secretKey,
                    @JsonProperty("PreviousKeyValidUntil") Long previousKeyValidUntil) {
        /** Never shows the key. */
        @Override
        public String toString() {
            return "RotateAppKey.Response[" + sdkAppId + "]";
        }
    }

    private final AppStore apps;

    RotateAppKey(AppStore apps) {
        this.apps = apps;
    }

    @Override
    public String name() {
        return "RotateAppKey";
    }

    @Override
    public Class<Request> requestType() {
        return Request.class;
    }

    @Override
    public Record handle(SdkAppId sdkAppId, Request request) {
        Duration grace = AppStore.DEFAULT_KEY_GRACE;
        if (request.graceSeconds() != null) {
            if (request.graceSeconds() < 0 || request.graceSeconds() > MAX_GRACE_SECONDS) {
                throw new RestApiException(RestApiException.INVALID_PARAMETER, "GraceSeconds must be 0.."
                        + MAX_GRACE_SECONDS);
            }
            grace = Duration.ofSeconds(request.graceSeconds());
        }
        App rotated;
        try {
            rotated = apps.rotateSecretKey(sdkAppId, grace);
        } catch (AppNotFoundException e) {
            throw new RestApiException(RestApiException.SDK_APP_ID_NOT_EXIST, "SdkAppId " + sdkAppId
                    + " does not exist");
        }
        return new Response(sdkAppId.value(), rotated.secretKey(), grace.isZero() ? null
                : rotated.previousKey().map(App.RetiredKey::validUntil).map(Instant::getEpochSecond).orElse(null));
    }
}

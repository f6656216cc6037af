package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.lianmai.store.App;
import java.time.Instant;

/**
 * An app as the app actions show it ({@code DescribeApps}, {@code ModifyApp}): its settings, never its keys — only
 * whether a callback key is set and until when a rotated-out secret key still verifies UserSigs.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record AppView(@JsonProperty("SdkAppId") long sdkAppId,
               @JsonProperty("Name") String name,
               @JsonProperty("Enabled") boolean enabled,
               @JsonProperty("CreateTime") long createTime,
               @JsonProperty("CallbackUrl") String callbackUrl,
               @JsonProperty("CallbackKeySet") boolean callbackKeySet,
               @JsonProperty("PublicPlayback") boolean publicPlayback,
               @JsonProperty("RequirePrivateMapKey") boolean requirePrivateMapKey,
               @JsonProperty("PreviousKeyValidUntil") Long previousKeyValidUntil) {

    /** {@code app}'s view at {@code now}; times are Unix seconds, as TRTC's. */
    static AppView of(App app, Instant now) {
        return new AppView(app.sdkAppId().value(), app.name(), app.enabled(), app.createdAt().getEpochSecond(),
                app.webhookUrl().orElse(null), app.callbackKey().isPresent(), app.publicPlayback(),
                app.requirePrivateMapKey(), app.previousKey().map(App.RetiredKey::validUntil)
                        .filter(now::isBefore).map(Instant::getEpochSecond).orElse(null));
    }
}

package io.lianmai.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One registered application: the SDKAppID clients name, the secret key that signs their UserSigs, and where its
 * webhooks go.
 *
 * @param sdkAppId    the TRTC SDKAppID, 1400000000..4294967295 when allocated by the store
 * @param name        what the operator called it, trimmed, at most 128 characters
 * @param secretKey   64 lowercase hex characters that sign UserSigs; never shown by {@link #toString()}
 * @param createdAt   when it was created, to the millisecond
 * @param enabled     whether clients of this app may sign in
 * @param webhookUrl  where room and stream events are posted, if anywhere
 * @param callbackKey the key that signs webhook posts; never shown by {@link #toString()}
 */
public record App(long sdkAppId, String name, String secretKey, Instant createdAt, boolean enabled,
                  Optional<String> webhookUrl, Optional<String> callbackKey) {

    public App {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(secretKey, "secretKey");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(webhookUrl, "webhookUrl");
        Objects.requireNonNull(callbackKey, "callbackKey");
    }

    /** Shows everything but the two keys, so that an app can be logged. */
    @Override
    public String toString() {
        return "App[sdkAppId=" + sdkAppId
                + ", name=" + name
                + ", secretKey=" + Redaction.MASK
                + ", createdAt=" + createdAt
                + ", enabled=" + enabled
                + ", webhookUrl=" + webhookUrl.orElse("none")
                + ", callbackKey=" + (callbackKey.isPresent() ? Redaction.MASK : "none")
                + "]";
    }
}

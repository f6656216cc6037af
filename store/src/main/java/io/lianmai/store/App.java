package io.lianmai.store;

import io.lianmai.common.SdkAppId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One registered application: the SDKAppID clients name, the secret key that signs their UserSigs, the key that
 * signs its live playback URLs, its security policy, and where its webhooks go.
 *
 * @param sdkAppId             the TRTC SDKAppID, from 1400000000 when allocated by the store
 * @param name                 what the operator called it, trimmed, at most 128 characters
 * @param secretKey            64 lowercase hex characters that sign UserSigs; never shown by {@link #toString()}
 * @param createdAt            when it was created, to the millisecond
 * @param enabled              whether clients of this app may sign in
 * @param webhookUrl           where room and stream events are posted, if anywhere
 * @param callbackKey          the key that signs webhook posts; never shown by {@link #toString()}
 * @param playKey              signs live playback URLs ({@code txSecret}, Tencent CSS hotlink protection); 32
 *                             lowercase hex characters; never shown by {@link #toString()}
 * @param publicPlayback       whether live output is served without a signed URL (like a public CDN domain)
 * @param requirePrivateMapKey TRTC's advanced permission control: every entry needs a valid PrivateMapKey
 * @param previousKey          the secret key before the last rotation, while it is still accepted
 */
public record App(SdkAppId sdkAppId, String name, String secretKey, Instant createdAt, boolean enabled,
                  Optional<String> webhookUrl, Optional<String> callbackKey, String playKey,
                  boolean publicPlayback, boolean requirePrivateMapKey, Optional<RetiredKey> previousKey) {

    public App {
        Objects.requireNonNull(sdkAppId, "sdkAppId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(secretKey, "secretKey");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(webhookUrl, "webhookUrl");
        Objects.requireNonNull(callbackKey, "callbackKey");
        Objects.requireNonNull(playKey, "playKey");
        Objects.requireNonNull(previousKey, "previousKey");
    }

    /**
     * The secret keys that verify UserSigs at {@code now}: the current key first, then the previous one while its
     * grace period after a rotation lasts.
     */
    public List<String> secretKeysAt(Instant now) {
        List<String> keys = new ArrayList<>(2);
        keys.add(secretKey);
        previousKey.filter(previous -> now.isBefore(previous.validUntil()))
                .ifPresent(previous -> keys.add(previous.secretKey()));
        return keys;
    }

    /** Shows everything but the keys, so that an app can be logged. */
    @Override
    public String toString() {
        return "App[sdkAppId=" + sdkAppId
                + ", name=" + name
                + ", secretKey=" + Redaction.MASK
                + ", createdAt=" + createdAt
                + ", enabled=" + enabled
                + ", webhookUrl=" + webhookUrl.orElse("none")
                + ", callbackKey=" + (callbackKey.isPresent() ? Redaction.MASK : "none")
                + ", playKey=" + Redaction.MASK
                + ", publicPlayback=" + publicPlayback
                + ", requirePrivateMapKey=" + requirePrivateMapKey
                + ", previousKey=" + previousKey.map(RetiredKey::toString).orElse("none")
                + "]";
    }

    /**
     * A secret key replaced by a rotation, still accepted until {@code validUntil} so that UserSigs signed with it
     * (and clients holding them) have time to move to the new key.
     */
    public record RetiredKey(String secretKey, Instant validUntil) {
        public RetiredKey {
            Objects.requireNonNull(secretKey, "secretKey");
            Objects.requireNonNull(validUntil, "validUntil");
        }

        @Override
        public String toString() {
            return "RetiredKey[secretKey=" + Redaction.MASK + ", validUntil=" + validUntil + "]";
        }
    }
}

package io.lianmai.store;

import io.lianmai.common.SdkAppId;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * One API credential as stored: its public SecretId, its SecretKey sealed by the server (the store never sees the
 * key itself), and the apps it may act on.
 *
 * @param secretId the SecretId, {@code AKID} and 32 letters or digits
 * @param sealedSecretKey the SecretKey as the server sealed it; opaque here
 * @param createdAt when it was created, to the millisecond
 * @param allApps whether it may act on every app, present and future
 * @param apps the apps it may act on when not {@code allApps}
 */
public record ApiCredentialRecord(String secretId, String sealedSecretKey, Instant createdAt, boolean allApps,
        Set<SdkAppId> apps) {
    public ApiCredentialRecord {
        Objects.requireNonNull(secretId, "secretId");
        Objects.requireNonNull(sealedSecretKey, "sealedSecretKey");
        Objects.requireNonNull(createdAt, "createdAt");
        apps = Set.copyOf(apps);
    }

    /** Whether the credential may act on {@code sdkAppId}. */
    public boolean allows(SdkAppId sdkAppId) {
        return allApps || apps.contains(sdkAppId);
    }

    /** Shows the SecretId and scope, never the sealed key. */
    @Override
    public String toString() {
        return "ApiCredentialRecord[" + secretId + ", apps=" + (allApps ? "all" : apps) + "]";
    }
}

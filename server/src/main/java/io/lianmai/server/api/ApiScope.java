package io.lianmai.server.api;

import io.lianmai.common.SdkAppId;
import java.util.Set;

/**
 * The apps a caller of the server API may act on: every app for an API credential created without {@code --sdkappid},
 * the credential's apps otherwise, and the one app whose administrator UserSig signed a {@code /api/v1} request.
 *
 * @param allApps whether every app, present and future
 * @param apps the apps otherwise
 */
record ApiScope(boolean allApps, Set<SdkAppId> apps) {
    ApiScope {
        apps = Set.copyOf(apps);
    }

    /** The scope of an administrator UserSig of {@code sdkAppId}. */
    static ApiScope of(SdkAppId sdkAppId) {
        return new ApiScope(false, Set.of(sdkAppId));
    }

    /** The scope of an API credential. */
    static ApiScope of(ApiCredentials.Credential credential) {
        return new ApiScope(credential.allApps(), credential.apps());
    }

    /** Whether the caller may act on {@code sdkAppId}. */
    boolean allows(SdkAppId sdkAppId) {
        return allApps || apps.contains(sdkAppId);
    }

    /**
     * Refuses {@code action} unless the caller may act on every app (it creates apps or shows the whole node).
     *
     * @throws RestApiException AuthFailure.UnauthorizedOperation otherwise
     */
    void requireAllApps(String action) {
        if (!allApps) {
            throw new RestApiException(RestApiException.AUTH_UNAUTHORIZED_OPERATION, action
                    + " needs an API credential for every app (lianmai apikey create without --sdkappid)");
        }
    }
}

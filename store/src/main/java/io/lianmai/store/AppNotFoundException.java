package io.lianmai.store;

import io.lianmai.common.SdkAppId;

/** An operation named an SDKAppID that the registry does not hold. */
public final class AppNotFoundException extends RuntimeException {

    private final SdkAppId sdkAppId;

    public AppNotFoundException(SdkAppId sdkAppId) {
        super("no app with SDKAppID " + sdkAppId + " in the registry");
        this.sdkAppId = sdkAppId;
    }

    /** The SDKAppID that was asked for. */
    public SdkAppId sdkAppId() {
        return sdkAppId;
    }
}

package io.lianmai.store;

/** An operation named an SDKAppID that the registry does not hold. */
public final class AppNotFoundException extends RuntimeException {

    private final long sdkAppId;

    public AppNotFoundException(long sdkAppId) {
        super("no app with SDKAppID " + sdkAppId + " in the registry");
        this.sdkAppId = sdkAppId;
    }

    /** The SDKAppID that was asked for. */
    public long sdkAppId() {
        return sdkAppId;
    }
}

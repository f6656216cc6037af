package io.lianmai.store;

import io.lianmai.common.SdkAppId;
import java.util.Optional;

/**
 * Finds an app by its SDKAppID: all that the parts of the server which only read apps (live playback, its signed
 * URLs) need of the registry, so that they can be given a directory, or a fixed set of apps in a test.
 */
@FunctionalInterface
public interface AppLookup {

    /** The app with this SDKAppID, or empty when there is none. */
    Optional<App> find(SdkAppId sdkAppId);
}

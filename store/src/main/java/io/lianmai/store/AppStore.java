package io.lianmai.store;

import io.lianmai.common.SdkAppId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The registry of applications (SDKAppID, secret key, webhook), chosen once at start-up; methods block on the
 * database, may be called from any thread, and throw {@link StoreException} when the database fails.
 */
public interface AppStore extends AppLookup, AutoCloseable {

    /**
     * Registers a new, enabled app with the next free SDKAppID and a fresh random secret key.
     *
     * @param name non-blank, at most 128 characters once trimmed, no control characters
     * @throws IllegalArgumentException when the name is not acceptable
     * @throws StoreException           when no SDKAppID is left or the database fails
     */
    App create(String name);

    /**
     * {@link #create}s an app when there is none, atomically across every process sharing the database (nodes that
     * start at once on an empty database create one default app between them).
     *
     * @return the app created, or empty when there was one already
     */
    Optional<App> createIfNone(String name);

    /** The app with this SDKAppID, or empty when there is none. */
    @Override
    Optional<App> find(SdkAppId sdkAppId);

    /** Every app, ordered by SDKAppID. */
    List<App> list();

    /** How many apps the registry holds. */
    long count();

    /**
     * Lets clients of an app sign in, or stops them.
     *
     * @return the app as stored after the change
     * @throws AppNotFoundException when there is no such app
     */
    App setEnabled(SdkAppId sdkAppId, boolean enabled);

    /**
     * Sets (or, with empty values, clears) where an app's webhooks go and the key that signs them.
     *
     * @param url         an absolute http or https URL of at most 2048 characters
     * @param callbackKey a non-blank key of at most 256 characters
     * @return the app as stored after the change
     * @throws IllegalArgumentException when the URL or key is not acceptable
     * @throws AppNotFoundException     when there is no such app
     */
    App setWebhook(SdkAppId sdkAppId, Optional<String> url, Optional<String> callbackKey);

    /**
     * Serves an app's live output without signed URLs ({@code true}, like a public CDN domain) or only with them.
     *
     * @return the app as stored after the change
     * @throws AppNotFoundException when there is no such app
     */
    App setPublicPlayback(SdkAppId sdkAppId, boolean publicPlayback);

    /**
     * Makes a valid PrivateMapKey mandatory on every entry of the app's clients (TRTC's advanced permission control),
     * or optional again.
     *
     * @return the app as stored after the change
     * @throws AppNotFoundException when there is no such app
     */
    App setRequirePrivateMapKey(SdkAppId sdkAppId, boolean required);

    /**
     * How long the old secret key keeps verifying UserSigs after a rotation unless the operator says otherwise
     * ({@code lianmai app rotate-key}, the server API's {@code RotateAppKey}): a day, the validity backends commonly
     * give the UserSigs they hand out, so that clients holding one can still enter while the backend moves to the new
     * key. A grace of zero retires the old key at once (a leaked key).
     */
    Duration DEFAULT_KEY_GRACE = Duration.ofHours(24);

    /**
     * Gives an app a fresh random secret key; the old one keeps verifying UserSigs for {@code grace} (zero: not at
     * all). A key retired by an earlier rotation is forgotten.
     *
     * @return the app as stored after the change, its new key in {@link App#secretKey()}
     * @throws IllegalArgumentException when the grace is negative
     * @throws AppNotFoundException     when there is no such app
     */
    App rotateSecretKey(SdkAppId sdkAppId, Duration grace);

    /**
     * Gives an app a fresh random playback key: every signed playback URL made with the old one stops working.
     *
     * @return the app as stored after the change
     * @throws AppNotFoundException when there is no such app
     */
    App rotatePlayKey(SdkAppId sdkAppId);

    /** Releases the database connections; calling it again does nothing. */
    @Override
    void close();
}

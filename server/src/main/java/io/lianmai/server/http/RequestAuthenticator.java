package io.lianmai.server.http;

import io.lianmai.auth.PrivateMapKey;
import io.lianmai.auth.Privilege;
import io.lianmai.auth.Privileges;
import io.lianmai.auth.UserSigException;
import io.lianmai.auth.UserSigVerifier;
import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.TrtcErrorCode;
import io.lianmai.common.UserId;
import io.lianmai.store.App;
import io.lianmai.store.AppDirectory;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * Checks who is asking: the app exists and is enabled, the UserSig is valid for the user, and — when a
 * PrivateMapKey is given, or the app requires one (TRTC's advanced permission control) — it is for this room and
 * grants what is asked.
 *
 * <p>Cheap and non-blocking (in-memory apps, one HMAC): callers run it on their event loop, so that a flood of bad
 * requests never queues on, or behind, the worker pool.
 *
 * <p>Apps come from the in-memory {@link AppDirectory}, so a check never waits for the database; a UserSig signed
 * with an app's previous secret key passes while that key's grace period after a rotation lasts.
 */
public final class RequestAuthenticator {
    /** The identifier whose UserSig authorises server REST API calls. */
    public static final String ADMINISTRATOR = "administrator";

    private final AppDirectory apps;
    private final UserSigVerifier verifier;
    private final Clock clock;

    public RequestAuthenticator(AppDirectory apps, UserSigVerifier verifier, Clock clock) {
        this.apps = apps;
        this.verifier = verifier;
        this.clock = clock;
    }

    /**
     * Authenticates {@code userId} of app {@code sdkAppId} for an action in {@code room}.
     *
     * @param privateMapKey enforced when present; required when the app says so ({@link App#requirePrivateMapKey})
     * @param required the privileges the action needs (checked against the PrivateMapKey only)
     * @return what the PrivateMapKey grants, or {@link Privileges#all()} when none was given and the app requires none
     * @throws ApiException with 400 (bad userID), 401 (bad UserSig), 403 (unknown or disabled app, privilege)
     */
    public Privileges authenticate(SdkAppId sdkAppId, String userId, String userSig, Optional<String> privateMapKey,
            RoomRef room, Set<Privilege> required) {
        App app = verifyUserSig(sdkAppId, userId, userSig);
        if (privateMapKey.isPresent()) {
            PrivateMapKey key;
            try {
                key = verifier.verifyPrivateMapKey(sdkAppId, app.secretKeysAt(clock.instant()), userId,
                        privateMapKey.get());
            } catch (UserSigException e) {
                throw new ApiException(new ApiError(403, TrtcErrorCode.PRIVILEGE_CHECK_FAILED,
                        "privateMapKey: " + e.getMessage()));
            }
            boolean sameRoom = room.strRoomId().map(key::isFor).orElseGet(() -> key.isFor(room.roomId()));
            if (!sameRoom) {
                throw new ApiException(new ApiError(403, TrtcErrorCode.PRIVILEGE_CHECK_FAILED,
                        "privateMapKey is for " + key.roomDescription() + ", not this room"));
            }
            for (Privilege privilege : required) {
                if (!key.privileges().allows(privilege)) {
                    throw new ApiException(new ApiError(403, TrtcErrorCode.PRIVILEGE_CHECK_FAILED,
                            "privateMapKey does not grant " + privilege.displayName()));
                }
            }
            return key.privileges();
        }
        if (app.requirePrivateMapKey()) {
            throw new ApiException(new ApiError(403, TrtcErrorCode.PRIVILEGE_CHECK_FAILED,
                    "app " + sdkAppId + " requires a privateMapKey (advanced permission control): send the one your "
                            + "backend signed for this user and room"));
        }
        return Privileges.all();
    }

    /**
     * Authenticates a server REST API caller: its UserSig must be valid for the identifier {@value #ADMINISTRATOR}
     * of app {@code sdkAppId}, as TRTC's server APIs require.
     *
     * @throws ApiException with 401 (bad UserSig) or 403 (unknown or disabled app)
     */
    public void authenticateAdministrator(SdkAppId sdkAppId, String userSig) {
        verifyUserSig(sdkAppId, ADMINISTRATOR, userSig);
    }

    private App verifyUserSig(SdkAppId sdkAppId, String userId, String userSig) {
        requireValidUserId(userId);
        App app = apps.find(sdkAppId).orElseThrow(() -> new ApiException(new ApiError(403,
                TrtcErrorCode.SDK_APP_ID_INVALID,
                "SDKAppID " + sdkAppId + " is not registered on this server (lianmai app list)")));
        if (!app.enabled()) {
            throw new ApiException(new ApiError(403, TrtcErrorCode.SDK_APP_ID_INVALID,
                    "app " + sdkAppId + " is disabled"));
        }
        if (userSig == null || userSig.isBlank()) {
            throw new ApiException(new ApiError(401, TrtcErrorCode.USER_SIG_INVALID,
                    "a UserSig is required: send it as Authorization: Bearer <UserSig>"));
        }
        try {
            verifier.verify(sdkAppId, app.secretKeysAt(clock.instant()), userId, userSig);
        } catch (UserSigException e) {
            throw new ApiException(new ApiError(401, e.code(), e.getMessage()));
        }
        return app;
    }

    /**
     * Checks a userID with the one rule ({@link UserId}: 1..32 of letters, digits, {@code _ - . @}).
     *
     * @throws ApiException 400 with TRTC's {@code -3319}, saying what is wrong
     */
    public static UserId requireValidUserId(String userId) {
        try {
            return UserId.parse(userId);
        } catch (IllegalArgumentException e) {
            throw new ApiException(new ApiError(400, TrtcErrorCode.USER_ID_INVALID, e.getMessage()));
        }
    }
}

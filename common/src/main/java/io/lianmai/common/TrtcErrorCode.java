package io.lianmai.common;

/**
 * Error codes that clients see, taken from TRTC's documented codes where one exists so that an app written for
 * TRTC handles Lianmai's errors unchanged.
 */
public final class TrtcErrorCode {

    /**
     * UserSig check failed: TRTC's {@code ERR_SERVER_INFO_ECDH_GET_TINYID} ({@code -100018}), which its SDKs report
     * as "userSig 校验失败" for a malformed, expired, foreign or forged UserSig.
     */
    public static final int USER_SIG_INVALID = -100018;

    /**
     * Privilege check failed: TRTC's {@code ERR_SERVER_INFO_PRIVILEGE_FLAG_ERROR} ({@code -100006}), reported when a
     * PrivateMapKey is malformed or does not grant what the user asked for.
     */
    public static final int PRIVILEGE_CHECK_FAILED = -100006;

    /**
     * Service unavailable: TRTC's {@code ERR_SERVER_INFO_SERVICE_SUSPENDED} ({@code -100013}), reported when this
     * node (or the app's share of it) holds all the sessions it may (limits.maxSessions, limits.maxSessionsPerApp).
     */
    public static final int SERVICE_UNAVAILABLE = -100013;

    /**
     * Request rate limited, try again later: TRTC's general code {@code -2}, reported when a user, address or app is
     * over its session share or join rate (limits.*).
     */
    public static final int RATE_LIMITED = -2;

    private TrtcErrorCode() {
    }
}

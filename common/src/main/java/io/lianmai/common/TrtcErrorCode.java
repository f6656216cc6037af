package io.lianmai.common;

/**
 * Error codes that clients see, taken from TRTC's documented codes where one exists so that an app written for
 * TRTC handles Lianmai's errors unchanged.
 */
public final class TrtcErrorCode {

    /** UserSig (or PrivateMapKey) check failed: TRTC's {@code ERR_USER_SIG_INVALID} / {@code -100018}. */
    public static final int USER_SIG_INVALID = -100018;

    private TrtcErrorCode() {
    }
}

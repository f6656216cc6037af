package io.lianmai.auth;

/**
 * A UserSig or PrivateMapKey was rejected; {@link #error()} says why, {@link #getMessage()} says it in words with
 * the details a developer needs (never the secret key).
 */
public final class UserSigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final UserSigError error;

    public UserSigException(UserSigError error, String detail) {
        super(detail == null || detail.isEmpty() ? error.description() : error.description() + ": " + detail);
        this.error = error;
    }

    public UserSigException(UserSigError error, String detail, Throwable cause) {
        this(error, detail);
        initCause(cause);
    }

    /** The typed reason. */
    public UserSigError error() {
        return error;
    }

    /** The TRTC error code for the client, e.g. {@code -100018}. */
    public int code() {
        return error.code();
    }

    /** The official library's {@code CHECK_ERRnn} number. */
    public int detailCode() {
        return error.detailCode();
    }
}

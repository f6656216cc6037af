package io.lianmai.server.api;

/**
 * A refused REST API request, answered as {@code {"Response": {"Error": {"Code", "Message"}, "RequestId"}}} with Tencent
 * Cloud API 3.0's error codes.
 */
public final class RestApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The UserSig is missing, invalid, expired, not the administrator's, or the app is unknown or disabled. */
    public static final String AUTH_FAILURE = "AuthFailure";
    /** A parameter has the wrong type or value. */
    public static final String INVALID_PARAMETER = "InvalidParameter";
    /** A required parameter is absent. */
    public static final String MISSING_PARAMETER = "MissingParameter";
    /** The action does not exist. */
    public static final String INVALID_ACTION = "InvalidAction";
    /** The thing named (a task, a room) does not exist. */
    public static final String RESOURCE_NOT_FOUND = "ResourceNotFound";
    /** A valid request this server does not support (e.g. transcoding). */
    public static final String UNSUPPORTED_OPERATION = "UnsupportedOperation";
    /** A quota is reached. */
    public static final String LIMIT_EXCEEDED = "LimitExceeded";
    /** The server failed; the message says no more than that. */
    public static final String INTERNAL_ERROR = "InternalError";

    private final String code;

    public RestApiException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** The error code, one of the constants here. */
    public String code() {
        return code;
    }
}

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

    // Tencent Cloud API 3.0's common errors of POST / (docs/rest-api.md), and TRTC's sub-codes of its room actions.
    /** The Authorization header is missing or not TC3-HMAC-SHA256's shape. */
    public static final String AUTH_INVALID_AUTHORIZATION = "AuthFailure.InvalidAuthorization";
    /** No credential has this SecretId (or it was deleted). */
    public static final String AUTH_SECRET_ID_NOT_FOUND = "AuthFailure.SecretIdNotFound";
    /** X-TC-Timestamp is more than five minutes from the server's clock. */
    public static final String AUTH_SIGNATURE_EXPIRE = "AuthFailure.SignatureExpire";
    /** The signature is not the one the SecretKey gives. */
    public static final String AUTH_SIGNATURE_FAILURE = "AuthFailure.SignatureFailure";
    /** The credential is not scoped to the request's SdkAppId. */
    public static final String AUTH_UNAUTHORIZED_OPERATION = "AuthFailure.UnauthorizedOperation";
    /** X-TC-Version is not 2019-07-22. */
    public static final String NO_SUCH_VERSION = "NoSuchVersion";
    /** Over the credential's requests per second for the action ({@code api.requestsPerSecond}). */
    public static final String REQUEST_LIMIT_EXCEEDED = "RequestLimitExceeded";
    /** The body is larger than the server reads. */
    public static final String REQUEST_SIZE_LIMIT_EXCEEDED = "RequestSizeLimitExceeded";
    /** The app does not exist (or is disabled). */
    public static final String SDK_APP_ID_NOT_EXIST = "FailedOperation.SdkAppIdNotExist";
    /** The room does not exist (no member in it now). */
    public static final String ROOM_NOT_EXIST = "FailedOperation.RoomNotExist";
    /** A numeric RoomId out of 1..4294967295. */
    public static final String INVALID_ROOM_ID = "InvalidParameter.RoomId";
    /** A string RoomId that is not a valid strRoomID. */
    public static final String INVALID_STR_ROOM_ID = "InvalidParameter.StrRoomId";
    /** UserIds empty, too long, or holding an invalid userID. */
    public static final String INVALID_USER_IDS = "InvalidParameter.UserIds";
    /** RoomId absent. */
    public static final String MISSING_ROOM_ID = "MissingParameter.RoomId";
    /** UserIds absent. */
    public static final String MISSING_USER_IDS = "MissingParameter.UserIds";

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

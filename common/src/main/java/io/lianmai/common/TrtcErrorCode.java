package io.lianmai.common;

/**
 * The one table of error codes that clients see (signalling, WHIP/WHEP, HTTP-FLV/HLS, RTMP status texts), taken
 * from TRTC's documented codes where one exists so that an app written for TRTC handles Lianmai's errors unchanged.
 * Codes TRTC has no equivalent for are Lianmai's own and say so. Every module uses these constants; none keeps its
 * own copy of a number.
 */
public final class TrtcErrorCode {

    /**
     * A failure with no finer code: TRTC's {@code ERR_FAILED} ({@code -1}). Sent when the request does not fit the
     * member's state (not in a room, already in one, another role) or a resume failed.
     */
    public static final int FAILED = -1;

    /**
     * Invalid parameter: TRTC's {@code ERR_INVALID_PARAMETER} ({@code -2}), for a malformed or out-of-range request
     * (bad streamID, message too long, wrong content type, bad SDP offer).
     */
    public static final int INVALID_PARAMETER = -2;

    /**
     * Request rate limited, try again later: TRTC's general code {@code -2}, reported when a user, address or app is
     * over its session share or join rate (limits.*). The same number as {@link #INVALID_PARAMETER}, as in TRTC.
     */
    public static final int RATE_LIMITED = -2;

    /**
     * The server could not process the request: TRTC's {@code ERR_SERVER_PROCESS_FAILED} ({@code -7}), for internal
     * errors (whose text the client never sees) and a media plane that is shutting down or full.
     */
    public static final int SERVER_FAILED = -7;

    /**
     * Entering or acting in the room failed: TRTC's {@code ERR_ROOM_ENTER_FAIL} ({@code -3301}), reported when a room
     * limit (members, publishers, anchors) is reached or the room exists with another scene.
     */
    public static final int ROOM_ENTER_FAILED = -3301;

    /** The SDKAppID is malformed, unknown or disabled: TRTC's {@code ERR_SDK_APPID_INVALID} ({@code -3317}). */
    public static final int SDK_APP_ID_INVALID = -3317;

    /** The roomID or strRoomID is malformed: TRTC's {@code ERR_ROOM_ID_INVALID} ({@code -3318}). */
    public static final int ROOM_ID_INVALID = -3318;

    /** The userID breaks {@link UserId}'s rule: TRTC's {@code ERR_USER_ID_INVALID} ({@code -3319}). */
    public static final int USER_ID_INVALID = -3319;

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
     * UserSig check failed: TRTC's {@code ERR_SERVER_INFO_ECDH_GET_TINYID} ({@code -100018}), which its SDKs report
     * as "userSig 校验失败" for a malformed, expired, foreign or forged UserSig.
     */
    public static final int USER_SIG_INVALID = -100018;

    /** The stream to play is not published: TRTC web SDK's {@code REMOTE_STREAM_NOT_EXIST} ({@code 0x4010}). */
    public static final int STREAM_NOT_FOUND = 16400;

    /**
     * Over {@code signal.commandsPerSecond}: a Lianmai code ({@code -1201}); TRTC has no signalling rate limit to
     * copy.
     */
    public static final int COMMAND_RATE_LIMITED = -1201;

    /**
     * A resume named a membership whose socket is still connected and heard from: a Lianmai code ({@code -1202});
     * TRTC has no resume. The client retries after a heartbeat interval, by when a dead socket no longer counts.
     */
    public static final int STILL_CONNECTED = -1202;

    /** Cross-room PK: invalid {@code connectOtherRoom} parameter (TRTC's {@code ERR_ROOM_REQUEST_CONN_ROOM_INVALID_PARAM}). */
    public static final int CONNECT_OTHER_ROOM_INVALID_PARAMETER = -3328;

    /** Cross-room PK requested or stopped by an audience member (TRTC's {@code ERR_CONNECT_OTHER_ROOM_AS_AUDIENCE}). */
    public static final int CONNECT_OTHER_ROOM_AS_AUDIENCE = -3330;

    /** Cross-room PK is not supported here, e.g. in an {@code rtc} room (TRTC's {@code ERR_SERVER_CENTER_CONN_ROOM_NOT_SUPPORT}). */
    public static final int CONNECT_OTHER_ROOM_NOT_SUPPORTED = -102031;

    /** The anchor already has a cross-room PK (TRTC's {@code ERR_SERVER_CENTER_CONN_ROOM_REACH_MAX_NUM}). */
    public static final int CONNECT_OTHER_ROOM_REACH_MAX = -102032;

    /** {@code disconnectOtherRoom} without a PK (TRTC's {@code ERR_SERVER_CENTER_CONN_ROOM_NOT_CONNED}). */
    public static final int CONNECT_OTHER_ROOM_NOT_CONNECTED = -102042;

    /** {@code disconnectOtherRoom} by the anchor who did not start the PK (TRTC's {@code ERR_SERVER_CENTER_CONN_ROOM_USER_NOT_CONNED}). */
    public static final int CONNECT_OTHER_ROOM_USER_NOT_CONNECTED = -102043;

    /** Cross-room PK failed for another reason: the message says why (TRTC's {@code ERR_SERVER_CENTER_CONN_ROOM_FAILED}). */
    public static final int CONNECT_OTHER_ROOM_FAILED = -102044;

    /** The other room does not exist in this app (TRTC's {@code ERR_SERVER_CENTER_CONN_ROOM_CONNED_ROOM_NOT_EXIST}). */
    public static final int CONNECT_OTHER_ROOM_ROOM_NOT_FOUND = -102046;

    /** The other anchor is already in a PK (TRTC's {@code ERR_SERVER_CENTER_CONN_ROOM_CONNED_REACH_MAX_ROOM}). */
    public static final int CONNECT_OTHER_ROOM_TARGET_BUSY = -102047;

    /** The other user is not an anchor present in the other room (TRTC's {@code ERR_SERVER_CENTER_CONN_ROOM_CONNED_USER_NOT_EXIST}). */
    public static final int CONNECT_OTHER_ROOM_USER_NOT_FOUND = -102048;

    private TrtcErrorCode() {
    }
}

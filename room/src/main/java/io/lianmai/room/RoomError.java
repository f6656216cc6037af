package io.lianmai.room;

import io.lianmai.common.TrtcErrorCode;

/** Why a room operation was refused, with the TRTC error code the client sees (docs/protocol.md, Errors). */
public enum RoomError {
    /** A room limit is reached (members, publishers, anchors, audience): TRTC's enter-room failure. */
    ROOM_FULL(TrtcErrorCode.ROOM_ENTER_FAILED),
    /** The room exists with another scene. */
    SCENE_MISMATCH(TrtcErrorCode.ROOM_ENTER_FAILED),
    /** The privateMapKey does not grant what the action needs (e.g. {@code create_room}). */
    PRIVILEGE(TrtcErrorCode.PRIVILEGE_CHECK_FAILED),
    /** A parameter is out of range (message too long, bad cmdID) or the message rate is exceeded. */
    INVALID_PARAMETER(TrtcErrorCode.INVALID_PARAMETER),
    /** The member is not in the room any more, the action needs another role or state, or a resume failed. */
    STATE(TrtcErrorCode.FAILED),
    /**
     * The user was removed from this room by the server API ({@code RemoveUser}) and may not enter it again yet
     * ({@code api.removedUserRejoinSeconds}): TRTC's enter-room failure.
     */
    REMOVED(TrtcErrorCode.ROOM_ENTER_FAILED),
    /** The stream to subscribe is not published. */
    STREAM_NOT_FOUND(TrtcErrorCode.STREAM_NOT_FOUND),
    /**
     * A resume named a membership whose socket is still connected and heard from: a Lianmai code (TRTC has no
     * resume). The client retries after a heartbeat interval, by when a dead socket no longer counts as alive.
     */
    STILL_CONNECTED(TrtcErrorCode.STILL_CONNECTED),
    /** Cross-room PK requested or stopped by an audience member. */
    PK_AS_AUDIENCE(TrtcErrorCode.CONNECT_OTHER_ROOM_AS_AUDIENCE),
    /** Cross-room PK in a room whose scene has none ({@code rtc}). */
    PK_NOT_SUPPORTED(TrtcErrorCode.CONNECT_OTHER_ROOM_NOT_SUPPORTED),
    /** The requesting anchor is already in a cross-room PK, or starts them too fast. */
    PK_REACH_MAX(TrtcErrorCode.CONNECT_OTHER_ROOM_REACH_MAX),
    /** {@code disconnectOtherRoom} without a PK. */
    PK_NOT_CONNECTED(TrtcErrorCode.CONNECT_OTHER_ROOM_NOT_CONNECTED),
    /** {@code disconnectOtherRoom} by the anchor the PK was asked of, not the one who asked. */
    PK_USER_NOT_CONNECTED(TrtcErrorCode.CONNECT_OTHER_ROOM_USER_NOT_CONNECTED),
    /** Cross-room PK refused for another reason (a userID clash, a room limit, a room closing). */
    PK_FAILED(TrtcErrorCode.CONNECT_OTHER_ROOM_FAILED),
    /** The other room does not exist in this app. */
    PK_ROOM_NOT_FOUND(TrtcErrorCode.CONNECT_OTHER_ROOM_ROOM_NOT_FOUND),
    /** The other anchor is already in a cross-room PK. */
    PK_TARGET_BUSY(TrtcErrorCode.CONNECT_OTHER_ROOM_TARGET_BUSY),
    /** The other user is not an anchor present in the other room. */
    PK_USER_NOT_FOUND(TrtcErrorCode.CONNECT_OTHER_ROOM_USER_NOT_FOUND);

    private final int code;

    RoomError(int code) {
        this.code = code;
    }

    /** The error code sent to clients. */
    public int code() {
        return code;
    }
}

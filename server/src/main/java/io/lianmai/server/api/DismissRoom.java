package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;

/**
 * {@code DismissRoom} (numeric RoomId) and {@code DismissRoomByStrRoomId} (string RoomId): every member leaves with
 * reason {@code room-dismissed} ({@link RoomModeration#dismiss}); {@code FailedOperation.RoomNotExist} when the room
 * has no member. The room may be entered again at once, as on TRTC.
 */
final class DismissRoom extends RoomAction<DismissRoom.Request> {
    /** The request as TRTC names it ({@code DismissRoomRequest}, {@code DismissRoomByStrRoomIdRequest}). */
    record Request(@JsonProperty("SdkAppId") long sdkAppId, @JsonProperty("RoomId") JsonNode roomId) {
    }

    /** {@code DismissRoom} (RoomId a number), or {@code DismissRoomByStrRoomId} (a string). */
    DismissRoom(boolean strRoomId, RoomModeration moderation) {
        super("DismissRoom", strRoomId, Request.class, moderation);
    }

    @Override
    public Record handle(SdkAppId sdkAppId, Request request) {
        RoomRef room = room(request.roomId());
        if (moderation.dismiss(sdkAppId, room).isEmpty()) {
            throw RoomIds.notFound(room);
        }
        return DONE;
    }
}

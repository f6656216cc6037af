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

    /** The answer carries nothing but the RequestId. */
    record Response() {
    }

    private DismissRoom(String name, boolean strRoomId, RoomModeration moderation) {
        super(name, strRoomId, moderation);
    }

    /** {@code DismissRoom}: RoomId a number. */
    static DismissRoom numeric(RoomModeration moderation) {
        return new DismissRoom("DismissRoom", false, moderation);
    }

    /** {@code DismissRoomByStrRoomId}: RoomId a string. */
    static DismissRoom byStrRoomId(RoomModeration moderation) {
        return new DismissRoom("DismissRoomByStrRoomId", true, moderation);
    }

    @Override
    public Class<Request> requestType() {
        return Request.class;
    }

    @Override
    public Record handle(SdkAppId sdkAppId, Request request) {
        RoomRef room = room(request.roomId());
        if (moderation.dismiss(sdkAppId, room).isEmpty()) {
            throw RoomIds.notFound(room);
        }
        return new Response();
    }
}

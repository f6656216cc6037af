package io.lianmai.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.common.RoomRef;

/**
 * A room action of TRTC's that comes as a pair — one taking a numeric {@code RoomId} ({@code DismissRoom}), its
 * {@code …ByStrRoomId} twin a string one — acting through {@link RoomModeration}.
 *
 * @param <Q> the request body
 */
abstract class RoomAction<Q> implements RestAction<Q> {
    private final String name;
    private final boolean strRoomId;
    final RoomModeration moderation;

    RoomAction(String name, boolean strRoomId, RoomModeration moderation) {
        this.name = name;
        this.strRoomId = strRoomId;
        this.moderation = moderation;
    }

    @Override
    public final String name() {
        return name;
    }

    /** The room the request's {@code RoomId} names, numeric or string as this action takes it. */
    final RoomRef room(JsonNode roomId) {
        return RoomIds.parse(roomId, strRoomId);
    }
}

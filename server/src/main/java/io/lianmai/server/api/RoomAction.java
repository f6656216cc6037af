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
    /** The answer of every room action: nothing but the RequestId. */
    record Done() {
    }

    static final Done DONE = new Done();

    private final String name;
    private final boolean strRoomId;
    private final Class<Q> requestType;
    final RoomModeration moderation;

    /** @param name the numeric form's name; the string form's adds {@code ByStrRoomId} */
    RoomAction(String name, boolean strRoomId, Class<Q> requestType, RoomModeration moderation) {
        this.name = strRoomId ? name + "ByStrRoomId" : name;
        this.strRoomId = strRoomId;
        this.requestType = requestType;
        this.moderation = moderation;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Class<Q> requestType() {
        return requestType;
    }

    /** The room the request's {@code RoomId} names, numeric or string as this action takes it. */
    final RoomRef room(JsonNode roomId) {
        return RoomIds.parse(roomId, strRoomId);
    }
}

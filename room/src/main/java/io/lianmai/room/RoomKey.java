package io.lianmai.room;

import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.StreamId;
import io.lianmai.common.StreamKey;
import java.util.Objects;

/**
 * Names one room on this node: the app and the room's key within it ({@code r1234} for numeric roomIDs,
 * {@code s:name} for strRoomIDs, so the two namespaces never collide).
 *
 * @param sdkAppId the app
 * @param roomKey the room within the app
 */
public record RoomKey(SdkAppId sdkAppId, String roomKey) {
    public RoomKey {
        Objects.requireNonNull(sdkAppId, "sdkAppId");
        Objects.requireNonNull(roomKey, "roomKey");
    }

    /**
     * The media plane's key for {@code stream} in this room, {@code {sdkAppId}/{roomKey}/{streamId}}.
     *
     * @throws IllegalArgumentException when this key was not made from a {@link RoomRef#key()}
     */
    public StreamKey streamKey(StreamId stream) {
        return new StreamKey(sdkAppId, RoomRef.parseKey(roomKey), stream);
    }

    @Override
    public String toString() {
        return sdkAppId + "/" + roomKey;
    }
}

package io.lianmai.room;

import java.util.Objects;

/**
 * Names one room on this node: the app and the room's key within it ({@code r1234} for numeric roomIDs,
 * {@code s:name} for strRoomIDs, so the two namespaces never collide).
 *
 * @param sdkAppId the app
 * @param roomKey the room within the app
 */
public record RoomKey(long sdkAppId, String roomKey) {
    public RoomKey {
        Objects.requireNonNull(roomKey, "roomKey");
    }

    /** The media plane's key for {@code userId}'s stream in this room: {@code {sdkAppId}/{roomKey}/{streamId}}. */
    public String streamKey(String streamId) {
        return sdkAppId + "/" + roomKey + "/" + streamId;
    }

    @Override
    public String toString() {
        return sdkAppId + "/" + roomKey;
    }
}

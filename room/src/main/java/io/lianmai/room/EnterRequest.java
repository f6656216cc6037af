package io.lianmai.room;

import io.lianmai.auth.Privileges;
import io.lianmai.common.UserId;
import java.util.Objects;

/**
 * An authenticated user asking to enter a room.
 *
 * @param room the room
 * @param scene the scene the client asked for; a room keeps the scene it was created with
 * @param userId the userID, parsed by the caller
 * @param role the role asked for (coerced to anchor in {@code rtc})
 * @param privileges what the user's privateMapKey grants, {@link Privileges#all()} when it gave none
 * @param listener where the member's events go
 */
public record EnterRequest(RoomKey room, Scene scene, UserId userId, Role role, Privileges privileges,
        MemberListener listener) {
    public EnterRequest {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(scene, "scene");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(privileges, "privileges");
        Objects.requireNonNull(listener, "listener");
    }
}

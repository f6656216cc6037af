package io.lianmai.room;

import io.lianmai.common.UserId;
import java.time.Instant;
import java.util.Optional;

/**
 * What a {@link Room} tells the registry that holds it, and what it asks of it (session tokens, who is refused
 * entry). The room calls these with its own lock held, so an owner takes no lock of its own here:
 * {@link LocalRoomRegistry} only reads and updates concurrent maps. This is the room's only way back to its registry.
 */
interface RoomOwner {
    /** A new session token, unguessable: members prove who they are with it when they resume. */
    String newSessionToken();

    /** {@code member} now holds {@link Member#sessionToken}: find it by that token. */
    void onSessionTokenIssued(Member member);

    /** {@code token} of {@code member} no longer resumes it (rotated, or the member is gone). */
    void onSessionTokenRetired(String token, Member member);

    /** {@code room} lost its last member and is closed: forget it; the next enter makes a fresh one. */
    void onRoomClosed(Room room);

    /**
     * Until when {@code userId} may not enter room {@code key} (removed by the server API), if it may not now
     * ({@code now} before that instant).
     */
    Optional<Instant> refusedUntil(RoomKey key, UserId userId, Instant now);

    /** Where the room reports its changes: the registry's observers (never null; it may do nothing). */
    RoomObserver observer();
}

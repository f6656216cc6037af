package io.lianmai.room;

/**
 * What a {@link Room} tells the registry that holds it, and the one thing it asks of it (session tokens). The room
 * calls these with its own lock held, so an owner takes no lock of its own here: {@link LocalRoomRegistry} only
 * updates concurrent maps. This is the room's only way back to its registry.
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

    /** Where the room reports its changes: the registry's observers (never null; it may do nothing). */
    RoomObserver observer();
}

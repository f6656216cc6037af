package io.lianmai.room;

/** Why a member left its room; the protocol's {@code userLeave} and {@code kicked} reasons. */
public enum LeaveReason {
    /** The member asked to leave. */
    LEAVE("leave"),
    /** Its connection dropped and it did not resume within the grace period. */
    TIMEOUT("timeout"),
    /** The same userID entered the room again; the older session goes. */
    DUPLICATE_LOGIN("duplicate-login"),
    /** Removed by the server API. */
    REMOVED("removed"),
    /** The room was dismissed by the server API. */
    ROOM_DISMISSED("room-dismissed"),
    /** The member's app was disabled ({@code lianmai app disable}); entering again is refused until it is enabled. */
    APP_DISABLED("app-disabled"),
    /**
     * The server is shutting down. Not a kick: the client should reconnect (to this server once it is back, or to
     * another node) and enter again, as after a lost connection.
     */
    SERVER_SHUTDOWN("server-shutdown");

    private final String wireName;

    LeaveReason(String wireName) {
        this.wireName = wireName;
    }

    /** The protocol spelling. */
    public String wireName() {
        return wireName;
    }

    /** Whether the member did not choose to go, so its client must be told ({@code kicked}). */
    public boolean isKick() {
        return this == DUPLICATE_LOGIN || this == REMOVED || this == ROOM_DISMISSED || this == APP_DISABLED;
    }
}

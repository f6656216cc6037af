package io.lianmai.room;

import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;

/** Something that happened in a room, told to the other members (the protocol's events). */
public sealed interface RoomEvent {
    /** The member the event is about. */
    UserId userId();

    /** A member entered. */
    record UserJoin(UserId userId, Role role) implements RoomEvent {
    }

    /** A member left; its streams were removed first (one {@link StreamRemove} each). */
    record UserLeave(UserId userId, LeaveReason reason) implements RoomEvent {
    }

    /** A member switched role. */
    record UserRole(UserId userId, Role role) implements RoomEvent {
    }

    /** A member published a stream. */
    record StreamAdd(UserId userId, StreamType streamType, boolean audio, boolean video) implements RoomEvent {
    }

    /** A published stream's announced tracks changed (mute / unmute). */
    record StreamUpdate(UserId userId, StreamType streamType, boolean audio, boolean video) implements RoomEvent {
    }

    /** A stream is no longer published; subscriptions to it are gone. */
    record StreamRemove(UserId userId, StreamType streamType) implements RoomEvent {
    }

    /** A custom message from a member. */
    record CustomMessage(UserId userId, int cmdId, String data) implements RoomEvent {
    }

    /**
     * A member's own report of its uplink quality, TRTC's level {@value Room#QUALITY_UNKNOWN} (unknown) ..
     * {@value Room#QUALITY_DOWN} (down), measured by its SDK; the server only relays it.
     */
    record NetQuality(UserId userId, int uplink) implements RoomEvent {
    }
}

package io.lianmai.room;

import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import java.time.Instant;

/**
 * Watches every room of a {@link RoomRegistry} from outside (event callbacks, history, metrics): rooms created and
 * dismissed, members entering, leaving and switching role, and the audio, video and aux tracks members start and stop
 * publishing. Registered with {@link RoomRegistry#addObserver}.
 *
 * <p>Thread and lifetime: called on the thread that changed the room, while that room's lock is held, so the calls
 * for one room arrive in the order the room changed and never overlap. Implementations must return at once, must not
 * block (no I/O, no database) and must not call back into the room: hand the work to their own thread. Calls for
 * different rooms may arrive at the same time on different threads. A room key's dismissal is told before a new room
 * of the same key can be created, so for one room key too the calls arrive in order. Every method defaults to doing
 * nothing.
 */
public interface RoomObserver {
    /** The room got its first member, {@code creator} (TRTC's "room created"). */
    default void onRoomCreated(RoomKey room, UserId creator, Instant at) {
    }

    /** The room lost its last member and is gone (TRTC's "room dismissed"); nothing follows for this room object. */
    default void onRoomDismissed(RoomKey room, Instant at) {
    }

    /** A member entered with {@code role}, reaching the room as {@code kind}. */
    default void onMemberEntered(RoomKey room, UserId userId, Role role, ClientKind kind, Instant at) {
    }

    /**
     * A member left for {@code reason}. What it published stops with it: no {@link #onTracksChanged} is told for
     * those tracks (as TRTC's exit event stands for its stop events).
     */
    default void onMemberLeft(RoomKey room, UserId userId, Role role, ClientKind kind, LeaveReason reason,
            Instant at) {
    }

    /** A member of a live room switched to {@code role}. */
    default void onMemberRoleSwitched(RoomKey room, UserId userId, Role role, Instant at) {
    }

    /**
     * What a member publishes of {@code type} changed: from {@code before} to {@code after} (publishing, unpublishing,
     * muting or unmuting a track). Told only when something changed.
     */
    default void onTracksChanged(RoomKey room, UserId userId, StreamType type, Tracks before, Tracks after,
            Instant at) {
    }

    /**
     * A member started publishing (its first stream) or stopped (its last), counted against
     * {@code room.rtcMaxPublishers} in an rtc room. A member that leaves stops with {@link #onMemberLeft} only.
     */
    default void onPublishingChanged(RoomKey room, UserId userId, ClientKind kind, boolean publishing, Instant at) {
    }

    /**
     * A member of this node sent a custom message to the room (others here got it already): in a cluster, the other
     * nodes holding members of the room deliver it to theirs.
     */
    default void onCustomMessage(RoomKey room, UserId from, int cmdId, String data) {
    }

    /**
     * What the room shows of another room's anchor {@code userId} in a cross-room PK changed: the anchor came, its
     * streams shown here changed, or it went. Such a mirror is no member of this room for the methods above
     * (callbacks and history count a room's own sessions); what plays everything a room shows, a mix, watches this.
     */
    default void onMirrorChanged(RoomKey room, UserId userId, Instant at) {
    }

    /**
     * The tracks a member publishes in one stream.
     *
     * @param audio whether audio is sent (the main stream only)
     * @param video whether video is sent
     */
    record Tracks(boolean audio, boolean video) {
        /** Nothing published. */
        public static final Tracks NONE = new Tracks(false, false);
    }
}

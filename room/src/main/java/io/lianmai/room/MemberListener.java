package io.lianmai.room;

import io.lianmai.common.StreamType;
import java.util.List;

/**
 * Receives what happens in the room for one member's client; the server's signalling connection implements it.
 *
 * <p>Thread and lifetime: every method is called on the thread that called into the {@link RoomRegistry} or
 * {@link Room} (a request, or the scheduler calling {@link RoomRegistry#tick}), while that room's lock is held, so
 * calls for one room arrive in the order the room changed. Implementations must return quickly, must not block and
 * must not call back into the room: hand the work to their own thread or event loop. A listener receives calls from
 * the moment its member entered (or resumed) until {@link #onMemberRemoved} or {@link #onListenerReplaced}, which
 * is the last call it gets.
 */
public interface MemberListener {
    /** An event about another member. Events about oneself are not delivered. */
    void onRoomEvent(RoomEvent event);

    /**
     * The member is out of the room; its publications and subscriptions are listed in {@code member} still, so the
     * media sessions can be ended.
     */
    void onMemberRemoved(Member member, LeaveReason reason);

    /**
     * The member's own publication of {@code streamType} should send only simulcast layers {@code activeRids} of
     * track {@code mid} and pause the others (no subscriber watches them), or send them again. Told when the media
     * plane's decision changes, and again on a resume. Listeners without a client that can act on it (WHIP and
     * RTMP publishers) ignore it.
     */
    default void onPublishedLayers(StreamType streamType, String mid, List<String> activeRids) {
    }

    /** The member resumed on another connection; this listener gets nothing more. */
    void onListenerReplaced(Member member);

    /**
     * Whether the connection behind this listener is open and was heard from recently, so that a {@code resume}
     * must not take its membership over (a stolen token cannot hijack a live member). Called under the room's lock
     * on the resuming thread: must not block. Listeners without a connection of their own answer false.
     */
    default boolean isConnectionAlive() {
        return false;
    }

    /** How this member reached the room, for {@link RoomObserver}s; the signalling connection is {@code WEBRTC}. */
    default ClientKind clientKind() {
        return ClientKind.WEBRTC;
    }
}

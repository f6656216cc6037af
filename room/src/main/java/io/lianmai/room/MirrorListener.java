package io.lianmai.room;

import io.lianmai.common.StreamId;
import java.util.List;

/**
 * The listener of a cross-room PK mirror ({@link CrossRoomLinks}): it has no client; it hears the room's events
 * (of which the PK relays the anchor's uplink quality), that the mirror went, and which of its streams this room no
 * longer shows. Called under the room's lock, as every
 * {@link MemberListener}: hand the work on.
 */
interface MirrorListener extends MemberListener {
    /**
     * This room stopped showing {@code stream}; {@code subscriptionSessions} are the media sessions of this room's
     * subscribers to it, which still play the origin's stream and must be ended.
     */
    void onMirrorStreamEnded(RoomKey room, StreamId stream, List<String> subscriptionSessions);

    @Override
    default void onListenerReplaced(Member member) {
    }
}

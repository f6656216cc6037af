package io.lianmai.room;

import io.lianmai.common.StreamType;
import java.util.ArrayList;
import java.util.List;

/** Records what a member's client would be told. */
final class RecordingListener implements MemberListener {
    final List<RoomEvent> events = new ArrayList<>();
    final List<LeaveReason> removed = new ArrayList<>();
    /** The {@code layers} told: "main/1=[l]". */
    final List<String> layers = new ArrayList<>();
    int replaced;
    /** What {@link #isConnectionAlive} answers: a test sets it to stand for a socket still heard from. */
    boolean alive;

    @Override
    public void onRoomEvent(RoomEvent event) {
        events.add(event);
    }

    @Override
    public void onMemberRemoved(Member member, LeaveReason reason) {
        removed.add(reason);
    }

    @Override
    public void onPublishedLayers(StreamType streamType, String mid, List<String> activeRids) {
        layers.add(streamType.wireName() + "/" + mid + "=" + activeRids);
    }

    @Override
    public void onListenerReplaced(Member member) {
        replaced++;
    }

    @Override
    public boolean isConnectionAlive() {
        return alive;
    }
}

package io.lianmai.server.callback;

import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import io.lianmai.room.ClientKind;
import io.lianmai.room.LeaveReason;
import io.lianmai.room.Role;
import io.lianmai.room.RoomKey;
import io.lianmai.room.RoomObserver;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Turns room changes into TRTC callback events (101..105, 201..206) and hands each to a sink that never blocks (the
 * {@link OutboxWriter}'s queue). Called under the room's lock (see {@link RoomObserver}): it only builds small records,
 * so the order of one room's events is the order of its changes and the lock is held no longer than a queue offer.
 */
public final class CallbackRecorder implements RoomObserver {
    private final Consumer<CallbackEvent> sink;

    /** @param sink takes each event; must not block (called under a room's lock) */
    public CallbackRecorder(Consumer<CallbackEvent> sink) {
        this.sink = sink;
    }

    @Override
    public void onRoomCreated(RoomKey room, UserId creator, Instant at) {
        emit(room, CallbackEvent.CREATE_ROOM, at, creator, null, null, 0);
    }

    @Override
    public void onRoomDismissed(RoomKey room, Instant at) {
        emit(room, CallbackEvent.DISMISS_ROOM, at, null, null, null, 0);
    }

    @Override
    public void onMemberEntered(RoomKey room, UserId userId, Role role, ClientKind kind, Instant at) {
        emit(room, CallbackEvent.ENTER_ROOM, at, userId, role, kind, CallbackEvent.ENTER_NORMAL);
    }

    @Override
    public void onMemberLeft(RoomKey room, UserId userId, Role role, ClientKind kind, LeaveReason reason,
            Instant at) {
        emit(room, CallbackEvent.EXIT_ROOM, at, userId, role, null, CallbackEvent.exitReason(reason));
    }

    @Override
    public void onMemberRoleSwitched(RoomKey room, UserId userId, Role role, Instant at) {
        emit(room, CallbackEvent.CHANGE_ROLE, at, userId, role, null, 0);
    }

    @Override
    public void onTracksChanged(RoomKey room, UserId userId, StreamType type, Tracks before, Tracks after,
            Instant at) {
        if (type == StreamType.AUX) {
            if (before.video() != after.video()) {
                emit(room, after.video() ? CallbackEvent.START_AUX : CallbackEvent.STOP_AUX, at, userId, null, null,
                        0);
            }
            return;
        }
        if (before.video() != after.video()) {
            emit(room, after.video() ? CallbackEvent.START_VIDEO : CallbackEvent.STOP_VIDEO, at, userId, null, null,
                    0);
        }
        if (before.audio() != after.audio()) {
            emit(room, after.audio() ? CallbackEvent.START_AUDIO : CallbackEvent.STOP_AUDIO, at, userId, null, null,
                    0);
        }
    }

    private void emit(RoomKey room, int type, Instant at, UserId userId, Role role, ClientKind kind, int reason) {
        sink.accept(new CallbackEvent(room.sdkAppId(), room.roomKey(), type, at,
                userId == null ? null : userId.toString(), role, kind, reason));
    }
}

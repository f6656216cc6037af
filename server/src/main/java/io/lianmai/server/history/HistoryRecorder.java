package io.lianmai.server.history;

import io.lianmai.common.RoomRef;
import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import io.lianmai.room.ClientKind;
import io.lianmai.room.LeaveReason;
import io.lianmai.room.Role;
import io.lianmai.room.RoomKey;
import io.lianmai.room.RoomObserver;
import io.lianmai.store.RoomHistory;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Turns room changes into room history rows and hands each to a sink that never blocks (a writer's queue). Called
 * under the room's lock (see {@link RoomObserver}): it builds small records and keeps the CommId of each live room in
 * a concurrent map, nothing more.
 *
 * <p>Members' events carry TRTC's {@code DescribeUserEvent} ids ("Event ID Mapping Table"): 3001 for the microphone
 * (ParamOne 0 started, 2 stopped), 4006 for video upstreaming (ParamOne 0 enabled, 1 disabled; Type 2 main, 7 aux),
 * and the room events {@link #ENTER_ROOM}, {@link #EXIT_ROOM}, {@link #ROLE_SWITCHED} (docs/rest-api.md).
 */
public final class HistoryRecorder implements RoomObserver {
    /** Entered the room; ParamOne the role (20 anchor, 21 audience), ParamTwo the UserType (1 WebRTC, 2 RTMP). */
    public static final int ENTER_ROOM = 5001;
    /** Left the room; ParamOne the reason as the exit callback's (1 left, 2 timed out, 3 removed). */
    public static final int EXIT_ROOM = 5002;
    /** Switched role; ParamOne the new role (20 anchor, 21 audience). */
    public static final int ROLE_SWITCHED = 5003;
    /** TRTC's "mic started capturing audio" (ParamOne 0) and "mic capturing was disabled" (ParamOne 2). */
    public static final int MIC = 3001;
    /** TRTC's "the user enabled video upstreaming" (ParamOne 0) and "disabled" (ParamOne 1). */
    public static final int VIDEO_UPSTREAM = 4006;
    /** EventMessage.Type: not about video, the main (big) video, the aux video. */
    public static final int TYPE_NONE = 0;
    public static final int TYPE_MAIN_VIDEO = 2;
    public static final int TYPE_AUX_VIDEO = 7;

    private final Consumer<RoomHistory.Change> sink;
    private final Map<RoomKey, String> commIds = new ConcurrentHashMap<>();

    /** @param sink takes each change; must not block (called under a room's lock) */
    public HistoryRecorder(Consumer<RoomHistory.Change> sink) {
        this.sink = sink;
    }

    /**
     * TRTC's CommId of a room created at {@code at}: {@code {SdkAppId}_{RoomId}_{CreateTime}}, the RoomId being the
     * number or the string the clients use, CreateTime in Unix seconds.
     */
    public static String commId(RoomKey room, Instant at) {
        RoomRef ref = RoomRef.parseKey(room.roomKey());
        return room.sdkAppId().value() + "_" + ref.strRoomId().orElse(Long.toString(ref.roomId())) + "_"
                + at.getEpochSecond();
    }

    /** The CommId of {@code room} while it exists. */
    public Optional<String> commId(RoomKey room) {
        return Optional.ofNullable(commIds.get(room));
    }

    /** The rooms that exist now (as told), for the sampler. */
    public Set<RoomKey> liveRooms() {
        return commIds.keySet();
    }

    @Override
    public void onRoomCreated(RoomKey room, UserId creator, Instant at) {
        String commId = commId(room, at);
        commIds.put(room, commId);
        sink.accept(new RoomHistory.RoomCreated(room.sdkAppId(), room.roomKey(), commId, at.toEpochMilli(),
                creator.toString()));
    }

    @Override
    public void onRoomDismissed(RoomKey room, Instant at) {
        String commId = commIds.remove(room);
        if (commId != null) {
            sink.accept(new RoomHistory.RoomDismissed(commId, at.toEpochMilli()));
        }
    }

    @Override
    public void onMemberEntered(RoomKey room, UserId userId, Role role, ClientKind kind, Instant at) {
        String commId = commIds.get(room);
        if (commId == null) {
            return;
        }
        sink.accept(new RoomHistory.MemberEntered(commId, userId.toString(), at.toEpochMilli(), role.wireName(),
                kind.name().toLowerCase(Locale.ROOT), null));
        event(commId, userId, at, ENTER_ROOM, trtcRole(role), kind == ClientKind.RTMP ? 2 : 1, TYPE_NONE);
    }

    @Override
    public void onMemberLeft(RoomKey room, UserId userId, Role role, ClientKind kind, LeaveReason reason,
            Instant at) {
        String commId = commIds.get(room);
        if (commId == null) {
            return;
        }
        event(commId, userId, at, EXIT_ROOM, exitReason(reason), -1, TYPE_NONE);
        sink.accept(new RoomHistory.MemberLeft(commId, userId.toString(), at.toEpochMilli(), reason.wireName()));
    }

    @Override
    public void onMemberRoleSwitched(RoomKey room, UserId userId, Role role, Instant at) {
        String commId = commIds.get(room);
        if (commId != null) {
            event(commId, userId, at, ROLE_SWITCHED, trtcRole(role), -1, TYPE_NONE);
        }
    }

    @Override
    public void onTracksChanged(RoomKey room, UserId userId, StreamType type, Tracks before, Tracks after,
            Instant at) {
        String commId = commIds.get(room);
        if (commId == null) {
            return;
        }
        if (before.video() != after.video()) {
            event(commId, userId, at, VIDEO_UPSTREAM, after.video() ? 0 : 1, -1,
                    type == StreamType.AUX ? TYPE_AUX_VIDEO : TYPE_MAIN_VIDEO);
        }
        if (before.audio() != after.audio()) {
            event(commId, userId, at, MIC, after.audio() ? 0 : 2, -1, TYPE_NONE);
        }
    }

    private void event(String commId, UserId userId, Instant at, int eventId, long paramOne, long paramTwo,
            int type) {
        sink.accept(new RoomHistory.MemberEvent(commId, userId.toString(), at.toEpochMilli(), eventId, paramOne,
                paramTwo, type));
    }

    /** TRTC's MEMBER_TRTC_ANCHOR (20) and MEMBER_TRTC_VIEWER (21), as in the callbacks. */
    static int trtcRole(Role role) {
        return role == Role.ANCHOR ? 20 : 21;
    }

    /** The exit callback's reasons: 1 left normally, 2 timed out (or the server stopped), 3 removed. */
    static int exitReason(LeaveReason reason) {
        return switch (reason) {
            case LEAVE -> 1;
            case TIMEOUT, SERVER_SHUTDOWN -> 2;
            case REMOVED, ROOM_DISMISSED, DUPLICATE_LOGIN, APP_DISABLED -> 3;
        };
    }
}

package io.lianmai.server.api;

import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.UserId;
import io.lianmai.room.LeaveReason;
import io.lianmai.room.RoomKey;
import io.lianmai.room.RoomRegistry;
import io.lianmai.server.live.LiveService;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the server API's room actions do to a room: its members leave through the room, as every removal does —
 * signalling clients get {@code kicked} with TRTC's reason ({@code room-dismissed}, {@code removed}) and their
 * sockets close, WHIP and RTMP-bridged publishers' media sessions end, and with the publishers their WHEP players
 * and live output — and the RTMP connections of the room's (or the user's) streams are closed, a mini program's
 * live-pusher among them. A removed user is refused that room for {@code api.removedUserRejoinSeconds}.
 *
 * <p>Thread-safe; called on worker threads.
 */
public final class RoomModeration {
    private final RoomRegistry rooms;
    private final LiveService live;
    private final Duration rejoinBlock;
    private final Clock clock;

    public RoomModeration(RoomRegistry rooms, LiveService live, Duration rejoinBlock, Clock clock) {
        this.rooms = rooms;
        this.live = live;
        this.rejoinBlock = rejoinBlock;
        this.clock = clock;
    }

    /**
     * Removes every member of the room (reason {@code room-dismissed}); it may be entered again at once.
     *
     * @return how many members were removed; empty when the room does not exist
     */
    public OptionalInt dismiss(SdkAppId sdkAppId, RoomRef room) {
        OptionalInt removed = rooms.dismiss(new RoomKey(sdkAppId, room.key()), LeaveReason.ROOM_DISMISSED);
        if (removed.isPresent()) {
            live.closeRoomStreams(sdkAppId, room, Optional.empty(), "the room was dismissed");
        }
        return removed;
    }

    /**
     * Removes {@code userIds} from the room (reason {@code removed}) and refuses them the room for the rejoin block.
     *
     * @return the userIDs that were members; empty when the room does not exist
     */
    public Optional<List<UserId>> remove(SdkAppId sdkAppId, RoomRef room, List<UserId> userIds) {
        Optional<List<UserId>> removed = rooms.remove(new RoomKey(sdkAppId, room.key()), userIds,
                LeaveReason.REMOVED, clock.instant().plus(rejoinBlock));
        if (removed.isPresent()) {
            for (UserId userId : userIds) {
                live.closeRoomStreams(sdkAppId, room, Optional.of(userId), "removed from the room");
            }
        }
        return removed;
    }
}

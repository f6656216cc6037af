package io.lianmai.server.api;

import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.UserId;
import io.lianmai.room.LeaveReason;
import io.lianmai.room.Member;
import io.lianmai.room.RoomKey;
import io.lianmai.room.RoomRegistry;
import io.lianmai.server.live.LiveService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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

    /**
     * What a room action asks: {@code REPLACE} ends one user's login on the node asked (its login on another node
     * replaces it: reason {@code duplicate-login}, no rejoin block).
     */
    public enum Action { DISMISS, REMOVE, REPLACE }

    /** A room action for another node: {@code userIds} empty for {@link Action#DISMISS}. */
    public record Request(Action action, SdkAppId sdkAppId, RoomRef room, List<UserId> userIds) {
    }

    /** What the node serving the room did: whether the room existed there, and who was removed. */
    public record Result(boolean found, List<UserId> removed) {
    }

    /**
     * The rooms of other nodes (cluster mode, docs/cluster.md): runs a room action on every other node holding members
     * of the room (a room may span nodes). Called on a worker thread; may block.
     */
    @FunctionalInterface
    public interface Elsewhere {
        /** A single node: no room is elsewhere. */
        Elsewhere NONE = request -> Optional.empty();

        /** What the other nodes did (found: on any; removed: all they removed), or empty when none holds the room. */
        Optional<Result> run(Request request);

        /**
         * Refuses {@code userIds} entry to the room through any node until {@code until}, also nodes that do not
         * hold the room yet; called before the removal. Nothing on a single node.
         */
        default void refuse(SdkAppId sdkAppId, RoomRef room, List<UserId> userIds, Instant until, Instant now) {
        }
    }

    private volatile Elsewhere elsewhere = Elsewhere.NONE;

    public RoomModeration(RoomRegistry rooms, LiveService live, Duration rejoinBlock, Clock clock) {
        this.rooms = rooms;
        this.live = live;
        this.rejoinBlock = rejoinBlock;
        this.clock = clock;
    }

    /** In a cluster: where a room action goes when the room is not on this node. */
    public void actElsewhereThrough(Elsewhere elsewhere) {
        this.elsewhere = elsewhere;
    }

    /**
     * Removes every member of the room (reason {@code room-dismissed}); it may be entered again at once. In a cluster
     * every node dismisses its members of the room.
     *
     * @return how many members were removed on this node; empty when the room exists nowhere
     */
    public OptionalInt dismiss(SdkAppId sdkAppId, RoomRef room) {
        OptionalInt removed = dismissHere(sdkAppId, room);
        Optional<Result> others = elsewhere.run(new Request(Action.DISMISS, sdkAppId, room, List.of()));
        if (removed.isPresent() || others.isEmpty() || !others.get().found()) {
            return removed;
        }
        return OptionalInt.of(0);
    }

    /** {@link #dismiss} of a room on this node only (what another node forwards here). */
    public OptionalInt dismissHere(SdkAppId sdkAppId, RoomRef room) {
        OptionalInt removed = rooms.dismiss(new RoomKey(sdkAppId, room.key()), LeaveReason.ROOM_DISMISSED);
        if (removed.isPresent()) {
            live.closeRoomStreams(sdkAppId, room, Optional.empty(), "the room was dismissed");
        }
        return removed;
    }

    /**
     * Removes {@code userIds} from the room (reason {@code removed}) and refuses them the room for the rejoin block;
     * in a cluster, on every node holding members of it.
     *
     * @return the userIDs that were members; empty when the room exists nowhere
     */
    public Optional<List<UserId>> remove(SdkAppId sdkAppId, RoomRef room, List<UserId> userIds) {
        Instant now = clock.instant();
        elsewhere.refuse(sdkAppId, room, userIds, now.plus(rejoinBlock), now);
        Optional<List<UserId>> removed = removeHere(sdkAppId, room, userIds);
        Optional<Result> others = elsewhere.run(new Request(Action.REMOVE, sdkAppId, room, userIds))
                .filter(Result::found);
        if (others.isEmpty()) {
            return removed;
        }
        java.util.Set<UserId> all = new java.util.LinkedHashSet<>(removed.orElse(List.of()));
        all.addAll(others.get().removed());
        return Optional.of(List.copyOf(all));
    }

    /**
     * Ends {@code userId}'s own login in the room on this node (not a copy of a member of another node), as a second
     * login on one node does: reason {@code duplicate-login}. What another node asks when the user enters there.
     *
     * @return whether such a login was ended
     */
    public boolean replaceHere(SdkAppId sdkAppId, RoomRef room, UserId userId) {
        Optional<Member> login = rooms.find(new RoomKey(sdkAppId, room.key())).flatMap(here -> here.member(userId))
                .filter(member -> member.isPresent() && !member.isRemote());
        login.ifPresent(member -> member.room().remove(member, LeaveReason.DUPLICATE_LOGIN));
        return login.isPresent();
    }

    /** {@link #remove} in a room on this node only (what another node forwards here). */
    public Optional<List<UserId>> removeHere(SdkAppId sdkAppId, RoomRef room, List<UserId> userIds) {
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

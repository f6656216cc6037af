package io.lianmai.room;

import io.lianmai.common.SdkAppId;
import io.lianmai.common.UserId;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The rooms a node answers for, by app and room key: a room is created by its first {@link #enter} and destroyed
 * when its last member is gone; members are found again by session token for {@link #resume}. Chosen once at
 * start-up: {@link LocalRoomRegistry} keeps the rooms of one node in memory; a cluster (issue 18) keeps room state
 * where every node sees it (Redis) behind this same interface.
 *
 * <p>Per-message work (publish, subscribe, mute, messages) goes to the {@link Room} a member belongs to and takes only
 * that room's lock; a registry is involved when members enter, resume or are removed in bulk, and holds no lock that
 * a room's per-message path also takes.
 *
 * <p>Thread-safety: implementations are safe from any thread and have no threads of their own: the server calls
 * {@link #tick} periodically (every second is plenty) to end expired grace periods.
 */
public interface RoomRegistry {
    /** The limits and timings every room of this registry applies. */
    RoomConfig config();

    /**
     * Enters a room, creating it when it does not exist (which needs {@code create_room} when a privateMapKey was
     * given). The same userID already in the room is removed first (reason {@code duplicate-login}). Others get
     * {@code userJoin}.
     *
     * @throws RoomException a limit is reached ({@link RoomError#ROOM_FULL}), the room has another scene, or the
     *     privileges do not allow creating the room
     */
    Entered enter(EnterRequest request);

    /**
     * Resumes the member holding {@code sessionToken} on a new connection: it keeps its role, streams and
     * subscriptions, others are told nothing, {@code listener} replaces the old one (which gets
     * {@link MemberListener#onListenerReplaced}), and the member gets a new {@link Member#sessionToken} (the one
     * used stops working).
     *
     * @throws RoomException {@link RoomError#STATE} when the token is unknown, already used or the grace period is
     *     over; {@link RoomError#STILL_CONNECTED} while the member's connection is still alive
     */
    Entered resume(String sessionToken, MemberListener listener);

    /**
     * Withdraws whatever publication or subscription a media session that ended on its own carried, in whichever
     * room holds it.
     */
    void onMediaSessionEnded(String sessionId);

    /** The room, if it exists now. */
    Optional<Room> find(RoomKey key);

    /** How many rooms exist. */
    int roomCount();

    /**
     * How many members the rooms hold now, those waiting out their resume grace period included. Each room is
     * locked in turn, never two at once: for metrics, not for every request.
     */
    int memberCount();

    /**
     * Removes every member of every room of app {@code sdkAppId} for {@code reason} (its app was disabled); their
     * listeners get {@link MemberListener#onMemberRemoved} and so end their media sessions.
     *
     * @return how many members were removed
     */
    int removeAll(SdkAppId sdkAppId, LeaveReason reason);

    /**
     * Removes every member of every room of every app for {@code reason} (the server is shutting down), as
     * {@link #removeAll(SdkAppId, LeaveReason)} does for one app.
     *
     * @return how many members were removed
     */
    int removeEveryone(LeaveReason reason);

    /**
     * Removes every member of room {@code key} for {@code reason} (dismissed by the server API); their listeners get
     * {@link MemberListener#onMemberRemoved}. The room may be entered again at once (a new room).
     *
     * @return how many members were removed; empty when the room does not exist
     */
    OptionalInt dismiss(RoomKey key, LeaveReason reason);

    /**
     * Removes the members of room {@code key} with {@code userIds} for {@code reason} (a kick by the server API), and
     * refuses every one of {@code userIds} entering that room again before {@code refuseUntil}
     * ({@link RoomError#REMOVED}): whatever its client, as every entry passes through {@link #enter}.
     *
     * @return the userIDs that were members; empty when the room does not exist (nothing is refused then)
     */
    Optional<List<UserId>> remove(RoomKey key, Collection<UserId> userIds, LeaveReason reason, Instant refuseUntil);

    /**
     * Until when {@code userId} is refused room {@code key} now (removed by {@link #remove}); empty when it is not.
     * For entry paths that must refuse before they reach {@link #enter} (an RTMP push, which would otherwise still
     * be live output).
     */
    Optional<Instant> refusedUntil(RoomKey key, UserId userId);

    /**
     * Removes members whose resume grace period is over at {@code now} (reason {@code timeout}), and forgets
     * refusals of {@link #remove} that ended.
     */
    void tick(Instant now);

    /**
     * Tells {@code observer} of every room change from now on (see {@link RoomObserver} for its thread); call before
     * the first member enters so that no room is half seen.
     */
    void addObserver(RoomObserver observer);
}

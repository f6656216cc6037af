package io.lianmai.room;

import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link RoomObserver} that passes on only what concerns this node's own members: members of kind
 * {@link ClientKind#REMOTE} (shown here from another node, which reports them itself) and their changes are not
 * passed on, nor are the creation and end of a room a remote member created (an edge's copy of a room another node
 * serves). For the callback and history recorders, so that a cluster reports each member once.
 *
 * <p>Thread-safety: as {@link RoomObserver}: calls for one room arrive in order; different rooms at once.
 */
public final class LocalMembersOnly implements RoomObserver {
    private final RoomObserver delegate;
    private final Map<RoomKey, Set<UserId>> remote = new ConcurrentHashMap<>();
    private final Set<RoomKey> remoteCreated = ConcurrentHashMap.newKeySet();
    /** A room's creation, held until its creator's entry tells whether the creator is remote. */
    private final Map<RoomKey, Creation> pendingCreator = new ConcurrentHashMap<>();

    /** A room's creation as {@link #onRoomCreated} was told it. */
    private record Creation(UserId creator, Instant at) {
    }

    private LocalMembersOnly(RoomObserver delegate) {
        this.delegate = delegate;
    }

    /** {@code delegate}, told only of this node's own members. */
    public static RoomObserver of(RoomObserver delegate) {
        return new LocalMembersOnly(delegate);
    }

    private boolean isRemote(RoomKey room, UserId userId) {
        Set<UserId> users = remote.get(room);
        return users != null && users.contains(userId);
    }

    @Override
    public void onRoomCreated(RoomKey room, UserId creator, Instant at) {
        // The creator's onMemberEntered follows; a room created by a remote member is an edge's copy.
        pendingCreator.put(room, new Creation(creator, at));
    }

    @Override
    public void onRoomDismissed(RoomKey room, Instant at) {
        remote.remove(room);
        pendingCreator.remove(room);
        if (!remoteCreated.remove(room)) {
            delegate.onRoomDismissed(room, at);
        }
    }

    @Override
    public void onMemberEntered(RoomKey room, UserId userId, Role role, ClientKind kind, Instant at) {
        Creation creation = pendingCreator.remove(room);
        if (kind == ClientKind.REMOTE) {
            remote.computeIfAbsent(room, key -> ConcurrentHashMap.newKeySet()).add(userId);
            if (creation != null) {
                remoteCreated.add(room);
            }
            return;
        }
        if (creation != null) {
            delegate.onRoomCreated(room, creation.creator(), creation.at());
        }
        delegate.onMemberEntered(room, userId, role, kind, at);
    }

    @Override
    public void onMemberLeft(RoomKey room, UserId userId, Role role, ClientKind kind, LeaveReason reason,
            Instant at) {
        if (kind == ClientKind.REMOTE) {
            Set<UserId> users = remote.get(room);
            if (users != null) {
                users.remove(userId);
            }
            return;
        }
        delegate.onMemberLeft(room, userId, role, kind, reason, at);
    }

    @Override
    public void onMemberRoleSwitched(RoomKey room, UserId userId, Role role, Instant at) {
        if (!isRemote(room, userId)) {
            delegate.onMemberRoleSwitched(room, userId, role, at);
        }
    }

    @Override
    public void onTracksChanged(RoomKey room, UserId userId, StreamType type, Tracks before, Tracks after,
            Instant at) {
        if (!isRemote(room, userId)) {
            delegate.onTracksChanged(room, userId, type, before, after, at);
        }
    }

    @Override
    public void onMirrorChanged(RoomKey room, UserId userId, Instant at) {
        delegate.onMirrorChanged(room, userId, at);
    }
}

package io.lianmai.server.api;

import io.lianmai.common.UserId;
import io.lianmai.room.ClientKind;
import io.lianmai.room.LeaveReason;
import io.lianmai.room.Role;
import io.lianmai.room.RoomKey;
import io.lianmai.room.RoomObserver;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The rooms of this node and how each member reached its room (WebRTC, WHIP, RTMP), kept from the room registry's
 * events: the registry lists no rooms and a {@link io.lianmai.room.Member} does not say its kind, both of which
 * {@code DescribeLiveRooms} and {@code DescribeNodeStats} show.
 *
 * <p>Called by the rooms under their own locks (in order per room); read by API workers: concurrent maps only.
 */
final class RoomMemberKinds implements RoomObserver {
    private final ConcurrentMap<RoomKey, ConcurrentMap<UserId, ClientKind>> rooms = new ConcurrentHashMap<>();

    @Override
    public void onMemberEntered(RoomKey room, UserId userId, Role role, ClientKind kind, Instant at) {
        rooms.computeIfAbsent(room, key -> new ConcurrentHashMap<>()).put(userId, kind);
    }

    @Override
    public void onMemberLeft(RoomKey room, UserId userId, Role role, ClientKind kind, LeaveReason reason,
            Instant at) {
        Map<UserId, ClientKind> members = rooms.get(room);
        if (members != null) {
            members.remove(userId, kind);
        }
    }

    @Override
    public void onRoomDismissed(RoomKey room, Instant at) {
        rooms.remove(room);
    }

    /** The rooms that have (or just had) members, in no particular order. */
    List<RoomKey> rooms() {
        return List.copyOf(rooms.keySet());
    }

    /** How {@code userId} reached {@code room}; WebRTC (the signalling socket) when not known. */
    ClientKind kind(RoomKey room, UserId userId) {
        Map<UserId, ClientKind> members = rooms.get(room);
        ClientKind kind = members == null ? null : members.get(userId);
        return kind == null ? ClientKind.WEBRTC : kind;
    }

    /** Members of every room by kind. */
    Map<ClientKind, Integer> countByKind() {
        Map<ClientKind, Integer> counts = new java.util.EnumMap<>(ClientKind.class);
        for (ClientKind kind : ClientKind.values()) {
            counts.put(kind, 0);
        }
        for (Map<UserId, ClientKind> members : rooms.values()) {
            for (ClientKind kind : members.values()) {
                counts.merge(kind, 1, Integer::sum);
            }
        }
        return counts;
    }
}

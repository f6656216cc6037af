package io.lianmai.server.cluster;

import io.lianmai.common.UserId;
import io.lianmai.room.ClientKind;
import io.lianmai.room.Role;
import io.lianmai.room.Room;
import io.lianmai.room.RoomConfig;
import io.lianmai.room.RoomError;
import io.lianmai.room.RoomException;
import io.lianmai.room.RoomKey;
import io.lianmai.room.RoomRegistry;
import io.lianmai.room.Scene;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room limits across the cluster (docs/cluster.md#rooms-across-nodes): the seats this node's members hold in Redis
 * ({@code lianmai:seats:}, by kind: {@code n} an rtc member, {@code a} a live anchor, {@code u} live audience,
 * {@code p} a member publishing in an rtc room), taken before an entry, a role switch or a first stream and given back
 * when unused; where each user of a room is logged in ({@code lianmai:where:}), so that a login through another node
 * ends the first; and RemoveUser's rejoin block ({@code lianmai:removed:}).
 *
 * <p>Thread-safe: the maps are concurrent; Redis answers on the event loop.
 */
final class ClusterSeats {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterSeats.class);

    private final RedisCluster redis;
    private final RoomRegistry rooms;
    private final String selfId;
    /** Whether Redis answered the last heartbeat: while it does not, the rooms' own limits on this node hold. */
    private final BooleanSupplier reachable;
    /** The seat kind each member held here has (by {@link #seatOf}); the members of a room and their kinds. */
    private final Map<RoomKey, Map<UserId, Character>> seated = new ConcurrentHashMap<>();
    /** Seats taken in Redis for entries that have not entered yet (by {@link #seatOf}): count per entry. */
    private final Map<String, Integer> reserved = new ConcurrentHashMap<>();
    /** Members of this node publishing in rtc rooms ({@code p} seats, {@code room.rtcMaxPublishers}). */
    private final Map<RoomKey, Set<UserId>> publishing = new ConcurrentHashMap<>();
    /** Publishing places taken in Redis for publications not made yet: count per entry. */
    private final Map<String, Integer> publishReserved = new ConcurrentHashMap<>();
    private volatile ClusterService.LoginsElsewhere loginsElsewhere = ClusterService.LoginsElsewhere.NONE;

    ClusterSeats(RedisCluster redis, RoomRegistry rooms, String selfId, BooleanSupplier reachable) {
        this.redis = redis;
        this.rooms = rooms;
        this.selfId = selfId;
        this.reachable = reachable;
    }

    /** This node's own members of {@code room} and their seat kinds (a live view; empty when none). */
    Map<UserId, Character> own(RoomKey room) {
        return seated.getOrDefault(room, Map.of());
    }

    /** The rooms this node holds seats in. */
    Set<RoomKey> rooms() {
        return seated.keySet();
    }

    /** The seat a member of {@code scene} with {@code role} takes: an rtc member, a live anchor or live audience. */
    private static char seatOf(Scene scene, Role role) {
        return scene == Scene.RTC ? 'n' : role == Role.ANCHOR ? 'a' : 'u';
    }

    private static String entry(RoomKey room, UserId user) {
        return room + "|" + user.value();
    }

    /** See {@link RoomPlacement#takeSeat}. */
    Future<Void> takeSeat(RoomKey room, UserId user, Scene requested, Role role) {
        Scene scene = rooms.find(room).map(Room::scene).orElse(requested);
        char kind = seatOf(scene, role);
        RoomConfig limits = rooms.config();
        int limit = switch (kind) {
            case 'n' -> limits.rtcMaxMembers();
            case 'a' -> limits.liveMaxAnchors();
            default -> limits.liveMaxAudience();
        };
        if (!reachable.getAsBoolean()) {
            return Future.succeededFuture(); // Redis away: the room's limits on this node hold (docs/cluster.md)
        }
        Map<UserId, Character> here = seated.get(room);
        Character held = here == null ? null : here.get(user);
        boolean entry = held == null; // else a role switch, or a second login here
        // A second login here of a user seated here with the same kind replaces the first (its seat goes with it, see
        // entered): no limit, or a full room would refuse its own member coming back.
        int asked = held != null && held == kind ? 0 : limit;
        return redis.takeSeat(room, user, selfId, kind, asked, entry).transform(taken -> {
            if (taken.failed()) {
                // Redis away: the room's limits on this node are all that holds until it answers (docs/cluster.md).
                return Future.succeededFuture();
            }
            RedisCluster.Seat seat = taken.result();
            if (seat.status() == RedisCluster.Seat.Status.REMOVED) {
                return Future.failedFuture(removed(room, seat));
            }
            if (seat.status() == RedisCluster.Seat.Status.FULL) {
                return Future.failedFuture(new RoomException(RoomError.ROOM_FULL, "room full: at most " + limit
                        + switch (kind) {
                            case 'n' -> " members in an rtc room (room.rtcMaxMembers)";
                            case 'a' -> " anchors in a live room (room.liveMaxAnchors); enter as audience";
                            default -> " audience members in a live room (room.liveMaxAudience)";
                        } + ", counted across the cluster's nodes"));
            }
            reserved.merge(entry(room, user), 1, Integer::sum);
            if (seat.before().isEmpty()) {
                return Future.succeededFuture();
            }
            // The user is logged in on another node: that login ends (duplicate-login) before this one enters, as
            // on one node. Not reached in time: this one enters all the same, and that node ends it when it can.
            String node = seat.before().get();
            return loginsElsewhere.replace(node, room, user).recover(failure -> {
                LOG.warn("cluster: {} of room {} is also logged in on node {}, which did not end that login: {}",
                        user.value(), room, node, failure.getMessage());
                return Future.succeededFuture();
            });
        });
    }

    /** See {@link RoomPlacement#takePublishing}. */
    Future<Void> takePublishing(RoomKey room, UserId user) {
        Scene scene = rooms.find(room).map(Room::scene).orElse(Scene.RTC);
        if (!reachable.getAsBoolean() || scene != Scene.RTC
                || publishing.getOrDefault(room, Set.of()).contains(user)) {
            return Future.succeededFuture();
        }
        int limit = rooms.config().rtcMaxPublishers();
        return redis.takeSeat(room, user, selfId, 'p', limit, false).transform(taken -> {
            if (taken.failed()) {
                return Future.succeededFuture(); // Redis away: the room's own check holds (docs/cluster.md)
            }
            RedisCluster.Seat seat = taken.result();
            if (seat.status() == RedisCluster.Seat.Status.REMOVED) {
                return Future.failedFuture(removed(room, seat));
            }
            if (seat.status() == RedisCluster.Seat.Status.FULL) {
                return Future.failedFuture(new RoomException(RoomError.ROOM_FULL, "room full: at most " + limit
                        + " members may publish at once (room.rtcMaxPublishers), counted across the cluster's nodes"));
            }
            publishReserved.merge(entry(room, user), 1, Integer::sum);
            return Future.succeededFuture();
        });
    }

    /** The refusal of a user the server API removed from the room, with when it may enter again. */
    private static RoomException removed(RoomKey room, RedisCluster.Seat seat) {
        return new RoomException(RoomError.REMOVED, "removed from room " + room.roomKey() + " by the server API: it "
                + "may be entered again from " + Instant.ofEpochMilli(seat.value())
                + " (through any node of the cluster)");
    }

    /** See {@link RoomPlacement#releasePublishing}. */
    void releasePublishing(RoomKey room, UserId user) {
        if (consume(publishReserved, room, user)) {
            redis.adjustSeats(room, selfId, Map.of('p', -1));
        }
    }

    /** A member started or stopped publishing ({@link io.lianmai.room.RoomObserver#onPublishingChanged}). */
    void publishingChanged(RoomKey room, UserId userId, ClientKind kind, boolean publishes) {
        if (kind == ClientKind.REMOTE || rooms.find(room).map(Room::scene).orElse(Scene.RTC) != Scene.RTC) {
            return; // counted by its own node; a live room has no such limit
        }
        if (publishes) {
            boolean started = publishing.computeIfAbsent(room, k -> ConcurrentHashMap.newKeySet()).add(userId);
            if (started && !consume(publishReserved, room, userId)) {
                redis.adjustSeats(room, selfId, Map.of('p', 1)); // not taken first (Redis was away)
            }
        } else {
            Set<UserId> publishers = publishing.get(room);
            if (publishers != null && publishers.remove(userId)) {
                redis.adjustSeats(room, selfId, Map.of('p', -1));
            }
        }
    }

    /** Where a login of a user held by another node is ended ({@link ModerationRelay}). */
    void replaceLoginsThrough(ClusterService.LoginsElsewhere loginsElsewhere) {
        this.loginsElsewhere = loginsElsewhere;
    }

    /** See {@link RoomPlacement#releaseSeat}. */
    void releaseSeat(RoomKey room, UserId user, Scene scene, Role role) {
        if (consumeReservation(room, user)) {
            redis.adjustSeats(room, selfId, Map.of(seatOf(rooms.find(room).map(Room::scene).orElse(scene), role),
                    -1));
        }
    }

    /**
     * Refuses {@code users} entry to {@code room} through any node until {@code until} (the server API's RemoveUser
     * rejoin block): the nodes holding the room refuse them anyway; this covers the nodes the room spreads to later.
     */
    Future<Void> refuseEntries(RoomKey room, List<UserId> users, Instant until, Instant now) {
        return redis.refuse(room, users, until.toEpochMilli(), now.toEpochMilli());
    }

    /** Whether a seat was reserved for this entry (then no longer). */
    private boolean consumeReservation(RoomKey room, UserId user) {
        return consume(reserved, room, user);
    }

    /** Whether {@code reservations} held one for this entry (then one less). */
    private static boolean consume(Map<String, Integer> reservations, RoomKey room, UserId user) {
        boolean[] had = {false};
        reservations.computeIfPresent(entry(room, user), (key, count) -> {
            had[0] = true;
            return count > 1 ? count - 1 : null;
        });
        return had[0];
    }

    /** A member of this node entered: its seat was taken by {@link #takeSeat}, or is counted now (WHIP, RTMP). */
    void entered(RoomKey room, UserId user, Role role) {
        Scene scene = rooms.find(room).map(Room::scene).orElse(Scene.RTC);
        char kind = seatOf(scene, role);
        Character before = seated.computeIfAbsent(room, k -> new ConcurrentHashMap<>()).put(user, kind);
        Map<Character, Integer> delta = new LinkedHashMap<>();
        if (!consumeReservation(room, user)) {
            delta.merge(kind, 1, Integer::sum);
        }
        if (before != null) {
            delta.merge(before, -1, Integer::sum); // a second login of the same user replaced the first
        }
        delta.values().removeIf(change -> change == 0);
        if (!delta.isEmpty()) {
            redis.adjustSeats(room, selfId, delta);
        }
    }

    void left(RoomKey room, UserId user) {
        Map<UserId, Character> members = seated.get(room);
        Character kind = members == null ? null : members.remove(user);
        Set<UserId> publishers = publishing.get(room);
        boolean published = publishers != null && publishers.remove(user);
        if (kind != null || published) {
            Map<Character, Integer> delta = new LinkedHashMap<>();
            if (kind != null) {
                delta.put(kind, -1);
            }
            if (published) {
                delta.put('p', -1);
            }
            redis.adjustSeats(room, selfId, delta);
        }
        if (publishers != null && publishers.isEmpty()) {
            publishing.remove(room, publishers);
        }
        if (kind != null) {
            if (!reserved.containsKey(entry(room, user))) {
                redis.leftHere(room, user, selfId); // not when a second login here is replacing this one
            }
        }
        if (members != null && members.isEmpty()) {
            seated.remove(room, members);
        }
    }

    void switched(RoomKey room, UserId user, Role role) {
        char now = seatOf(Scene.LIVE, role);
        boolean takenFirst = consumeReservation(room, user); // by takeSeat, before the switch (signalling)
        Map<UserId, Character> members = seated.get(room);
        Character before = members == null ? null : members.get(user);
        Map<Character, Integer> delta = new LinkedHashMap<>();
        if (before != null && before != now && members.replace(user, before, now)) {
            delta.put(before, -1);
            if (!takenFirst) {
                delta.put(now, 1); // not taken first: switched by the server API, or Redis was away
            }
        } else if (takenFirst) {
            delta.put(now, -1); // a seat taken for a switch that changed nothing here
        }
        if (!delta.isEmpty()) {
            redis.adjustSeats(room, selfId, delta);
        }
    }

    /** Members this node holds of {@code room} itself (not those shown from other nodes). */
    int ownMembers(RoomKey room) {
        Map<UserId, Character> members = seated.get(room);
        return members == null ? 0 : members.size();
    }

    /** This node's seats per room, by kind: what it writes to Redis after an outage. */
    Map<RoomKey, Map<Character, Integer>> counts() {
        Map<RoomKey, Map<Character, Integer>> counts = new LinkedHashMap<>();
        seated.forEach((room, members) -> {
            Map<Character, Integer> byKind = new LinkedHashMap<>(Map.of('n', 0, 'a', 0, 'u', 0, 'p', 0));
            members.values().forEach(kind -> byKind.merge(kind, 1, Integer::sum));
            byKind.put('p', publishing.getOrDefault(room, Set.of()).size());
            counts.put(room, byKind);
        });
        return counts;
    }
}

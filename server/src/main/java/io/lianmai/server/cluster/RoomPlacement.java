package io.lianmai.server.cluster;

import io.lianmai.common.UserId;
import io.lianmai.room.Role;
import io.lianmai.room.RoomKey;
import io.lianmai.room.Scene;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * Which node serves a room. A room is served by one node at a time; the entry paths ({@code /ws}, WHIP, WHEP,
 * HTTP-FLV) ask here and send the client to that node when it is another (docs/cluster.md).
 *
 * <p>Futures complete on the caller's Vert.x context or on a Redis client thread: callers that touch their own state
 * afterwards bring the result back onto their context.
 */
public interface RoomPlacement {
    /** A single node: every room is served here. */
    RoomPlacement LOCAL = new RoomPlacement() {
        @Override
        public Future<Optional<ClusterNode>> placeForEntry(RoomKey room) {
            return Future.succeededFuture(Optional.empty());
        }

        @Override
        public Future<Optional<ClusterNode>> locate(RoomKey room) {
            return Future.succeededFuture(Optional.empty());
        }
    };

    /**
     * For a member entering {@code room}: empty when this node serves it (the room is now placed here if nobody
     * served it), else the node that does. Fails with
     * {@link ClusterUnavailableException} when the cluster state cannot be read and the room is not here.
     */
    Future<Optional<ClusterNode>> placeForEntry(RoomKey room);

    /**
     * For a player of {@code room}'s streams: the live node that serves it when that is another node;
     * empty when it is this one, nobody, or the cluster state cannot be read (then this node answers as it can).
     * Never places the room.
     */
    Future<Optional<ClusterNode>> locate(RoomKey room);

    /**
     * Whether a member entering {@code room} with {@code scene} and {@code role}, who reached this node while
     * {@code home} serves the room, may stay here: a live room's audience member (an edge showing the anchors through
     * relays from {@code home}, docs/cluster.md#live-audience-on-edge-nodes), or any member once {@code home} holds
     * {@code cluster.roomMembersPerNode} members of the room (the room then spans nodes, docs/cluster.md#rooms-across-
     * nodes). Completes once the room's members are shown here; false (the member goes to {@code home}) on a single
     * node, for a room not published yet, or when edges are off.
     */
    default Future<Boolean> serveMemberHere(RoomKey room, ClusterNode home, Scene scene, Role role) {
        return Future.succeededFuture(false);
    }

    /**
     * For a publisher that cannot be sent elsewhere (RTMP: encoders follow no redirect) entering {@code room}: empty
     * when it stays here — the room is placed here when no live node serves it, else this node becomes an edge of the
     * room and publishes the stream for the room's node (docs/cluster.md#rtmp-publishers-on-any-node) — or the node
     * that serves the room when this one cannot take it (edges off, draining). Fails as {@link #placeForEntry}.
     */
    default Future<Optional<ClusterNode>> placePublisher(RoomKey room) {
        return placeForEntry(room);
    }

    /**
     * Takes a seat for {@code user} entering {@code room} here, counted against the room's limits across the cluster
     * ({@code room.rtcMaxMembers}, {@code room.liveMaxAnchors}, {@code room.liveMaxAudience}); fails with a
     * {@link io.lianmai.room.RoomException} ({@code ROOM_FULL}) when live nodes hold them all. The entry then either
     * enters the room (the seat is its) or calls {@link #releaseSeat}. On a single node, or while Redis does not
     * answer, the room's own limits on this node are all there is.
     */
    default Future<Void> takeSeat(RoomKey room, UserId user, Scene scene, Role role) {
        return Future.succeededFuture();
    }

    /** Gives back a seat {@link #takeSeat} took for an entry that did not enter. */
    default void releaseSeat(RoomKey room, UserId user, Scene scene, Role role) {
    }

    /**
     * Takes a publishing place for {@code user}, a member of {@code room} about to publish its first stream, counted
     * against {@code room.rtcMaxPublishers} across the cluster in an rtc room (nothing to take in a live room, or for a
     * member publishing already); fails with a {@link io.lianmai.room.RoomException} ({@code ROOM_FULL}) when live
     * nodes hold them all. Once the publication is made (the place is its) or failed, {@link #releasePublishing} gives
     * back what no publication used. On a single node, or while Redis does not answer, the room's own check is all
     * there is.
     */
    default Future<Void> takePublishing(RoomKey room, UserId user) {
        return Future.succeededFuture();
    }

    /** Gives back a place {@link #takePublishing} took that no publication used (nothing when one did). */
    default void releasePublishing(RoomKey room, UserId user) {
    }

    /**
     * Whether a player (WHEP) of a stream of {@code room}, which {@code home} serves, may play it here: this node then
     * shows the room's publishers through relays from {@code home} (one leg per stream, whatever the number of
     * players here). Completes once they are shown; false (the player goes to {@code home}) on a single node or when
     * edges are off.
     */
    default Future<Boolean> servePlayersHere(RoomKey room, ClusterNode home) {
        return Future.succeededFuture(false);
    }
}

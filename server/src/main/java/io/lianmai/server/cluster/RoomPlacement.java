package io.lianmai.server.cluster;

import io.lianmai.room.RoomKey;
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
     * Whether a live room's audience member who reached this node may stay here while {@code home} serves the room:
     * this node then shows the room's anchors through relays from {@code home} (docs/cluster.md#live-audience-on-edge-
     * nodes). Completes once the anchors are shown; false (the member goes to {@code home}) on a single node, for an
     * rtc room, or when edges are off.
     */
    default Future<Boolean> serveAudienceHere(RoomKey room, ClusterNode home) {
        return Future.succeededFuture(false);
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

    /** Whether this node serves {@code room} only as an edge (its anchors are on another node). */
    default boolean isEdge(RoomKey room) {
        return false;
    }
}

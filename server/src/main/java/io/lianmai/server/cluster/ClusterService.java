package io.lianmai.server.cluster;

import io.lianmai.common.UserId;
import io.lianmai.room.RoomKey;
import io.lianmai.room.RoomObserver;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part in the cluster (docs/cluster.md): its heartbeat with its load, the placement of rooms on the least
 * loaded node, the drain an operator asks for, and giving up rooms another node took while this one was cut off.
 *
 * <p>A room is served by one node at a time; this node renews, every heartbeat, the rooms it holds members of (known
 * from {@link RoomObserver} calls). A room nobody holds any more expires from Redis within twice the node TTL.
 *
 * <p>Thread-safety: placement is called from any event loop; the heartbeat runs on one Vert.x timer and never
 * overlaps itself.
 */
public final class ClusterService implements RoomPlacement, RoomObserver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterService.class);

    /** Moves the members of rooms to other nodes: tells their clients where to go and takes them out here. */
    @FunctionalInterface
    public interface Mover {
        /** @param targets each room with the base URL of the node its members go to */
        void moveAway(Map<RoomKey, String> targets, String reason);
    }

    private final Vertx vertx;
    private final RedisCluster redis;
    private final String selfId;
    private final Supplier<ClusterNode> load;
    private final Mover mover;
    private final Set<RoomKey> localRooms = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean beating = new AtomicBoolean();
    private volatile List<ClusterNode> nodes = List.of();
    private volatile ClusterNode self;
    private volatile boolean draining;
    private volatile boolean reachable = true;
    private long timer = -1;

    /**
     * @param load this node's entry with its load now (called on a worker thread every heartbeat; may block briefly)
     */
    public ClusterService(Vertx vertx, RedisCluster redis, Supplier<ClusterNode> load, Mover mover) {
        this.vertx = vertx;
        this.redis = redis;
        this.selfId = redis.config().nodeId();
        this.load = load;
        this.mover = mover;
    }

    /**
     * Registers this node (withdrawing any drain order left for it: a node that starts serves) and starts the
     * heartbeat. A Redis that does not answer now is not fatal: the node serves its own rooms and joins when it does.
     */
    public Future<Void> start() {
        Future<Void> first = redis.undrain(selfId).<Void>mapEmpty().recover(ignored -> Future.succeededFuture())
                .compose(ignored -> beat());
        timer = vertx.setPeriodic(redis.config().heartbeat().toMillis(), id -> beat());
        return first.recover(failure -> {
            LOG.warn("cluster: Redis does not answer yet ({}); serving local rooms and retrying every {} ms",
                    failure.toString(), redis.config().heartbeat().toMillis());
            return Future.succeededFuture();
        });
    }

    /** The id of this node. */
    public String nodeId() {
        return selfId;
    }

    /** The live nodes as of the last heartbeat. */
    public List<ClusterNode> nodes() {
        return nodes;
    }

    /** Whether a drain of this node is under way. */
    public boolean draining() {
        return draining;
    }

    /**
     * Registers the cluster's series on {@code registry} (docs/operations.md#metrics): live nodes, whether Redis
     * answers, whether this node drains, and the rooms it holds. Read at scrape time from fields; no Redis call.
     */
    public void reportTo(MeterRegistry registry) {
        Gauge.builder("lianmai.cluster.nodes", this, service -> service.nodes.size())
                .description("Live nodes in the cluster as of this node's last heartbeat").register(registry);
        Gauge.builder("lianmai.cluster.redis.up", this, service -> service.reachable ? 1 : 0)
                .description("1 while the cluster's Redis answers this node's heartbeats, 0 while it does not")
                .register(registry);
        Gauge.builder("lianmai.cluster.draining", this, service -> service.draining ? 1 : 0)
                .description("1 while this node drains (lianmai node drain)").register(registry);
        Gauge.builder("lianmai.cluster.rooms.held", this, service -> service.localRooms.size())
                .description("Rooms this node serves and renews in Redis").register(registry);
    }

    // ---- placement ----

    @Override
    public Future<Optional<ClusterNode>> placeForEntry(RoomKey room) {
        if (!reachable && localRooms.contains(room)) {
            // Redis is away: a room already here goes on here; a new room waits for the cluster state.
            return Future.succeededFuture(Optional.empty());
        }
        return redis.place(room, candidate().id())
                .compose(this::nodeUnlessSelf)
                .recover(failure -> {
                    if (localRooms.contains(room)) {
                        return Future.succeededFuture(Optional.empty());
                    }
                    if (failure instanceof ClusterUnavailableException) {
                        return Future.failedFuture(failure);
                    }
                    return Future.failedFuture(new ClusterUnavailableException("the cluster state (Redis) cannot be "
                            + "read now, so the room cannot be placed: try again shortly (" + failure.getMessage()
                            + ")", failure));
                });
    }

    @Override
    public Future<Optional<ClusterNode>> locate(RoomKey room) {
        if (localRooms.contains(room)) {
            return Future.succeededFuture(Optional.empty());
        }
        return redis.locate(room)
                .compose(owner -> owner.isPresent() ? nodeUnlessSelf(owner.get()) : Future.succeededFuture(
                        Optional.<ClusterNode>empty()))
                .recover(failure -> Future.succeededFuture(Optional.empty()));
    }

    /** The node a new room goes to: the live, undrained node with the fewest members; this one on a tie. */
    ClusterNode candidate() {
        ClusterNode me = self;
        List<ClusterNode> choices = new ArrayList<>();
        for (ClusterNode node : nodes) {
            if (!node.draining() && !node.id().equals(selfId)) {
                choices.add(node);
            }
        }
        if (me != null && !draining) {
            choices.add(me);
        }
        if (choices.isEmpty()) {
            return me != null ? me : placeholderSelf();
        }
        return choices.stream().min(Comparator.comparingInt(ClusterNode::members)
                .thenComparing(node -> node.id().equals(selfId) ? 0 : 1)
                .thenComparing(ClusterNode::id)).orElseThrow();
    }

    private ClusterNode placeholderSelf() {
        return new ClusterNode(selfId, "", "", 0, -1, 0, 0, 0, 0, -1, draining, 0, "");
    }

    private Future<Optional<ClusterNode>> nodeUnlessSelf(String owner) {
        if (owner.equals(selfId)) {
            return Future.succeededFuture(Optional.empty());
        }
        Optional<ClusterNode> node = nodeOf(owner, nodes);
        if (node.isPresent()) {
            return Future.succeededFuture(node);
        }
        // A node that joined since the last heartbeat: read the registry now.
        return redis.nodes().compose(fresh -> {
            nodes = fresh;
            return nodeOf(owner, fresh).map(found -> Future.succeededFuture(Optional.of(found)))
                    .orElseGet(() -> Future.failedFuture(new ClusterUnavailableException("the room is served by node "
                            + owner + ", which is not in the registry: try again shortly", null)));
        });
    }

    private static Optional<ClusterNode> nodeOf(String id, List<ClusterNode> among) {
        return among.stream().filter(node -> node.id().equals(id)).findFirst();
    }

    private static Optional<String> urlOf(String id, List<ClusterNode> among) {
        return nodeOf(id, among).map(ClusterNode::url);
    }

    // ---- rooms held here ----

    @Override
    public void onRoomCreated(RoomKey room, UserId creator, Instant at) {
        localRooms.add(room);
    }

    @Override
    public void onRoomDismissed(RoomKey room, Instant at) {
        // Not released in Redis: the key expires unless a new member brings the room back here first.
        localRooms.remove(room);
    }

    // ---- heartbeat ----

    private Future<Void> beat() {
        if (!beating.compareAndSet(false, true)) {
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(load::get, false)
                .compose(snapshot -> {
                    ClusterNode entry = draining ? drainingCopy(snapshot) : snapshot;
                    self = entry;
                    return redis.heartbeat(entry);
                })
                .compose(drainAsked -> redis.renewRooms(selfId, List.copyOf(localRooms)).compose(lost ->
                        redis.nodes().map(fresh -> {
                            nodes = fresh;
                            if (!reachable) {
                                reachable = true;
                                LOG.info("cluster: Redis answers again; {} node(s) registered", fresh.size());
                            }
                            giveUp(lost, fresh);
                            if (!drainAsked && draining) {
                                draining = false;
                                LOG.info("cluster: drain withdrawn: taking new rooms again");
                            }
                            if (drainAsked && !draining) {
                                draining = true;
                                LOG.info("cluster: drain asked: no new rooms here; moving {} room(s) away",
                                        localRooms.size());
                            }
                            if (draining) {
                                moveRoomsAway(fresh);
                            }
                            return (Void) null;
                        })))
                .onFailure(failure -> {
                    if (reachable) {
                        reachable = false;
                        LOG.warn("cluster: Redis does not answer ({}): running calls go on; rooms not on this node "
                                + "cannot be entered here until it does", failure.toString());
                    }
                })
                .onComplete(ignored -> beating.set(false));
    }

    private ClusterNode drainingCopy(ClusterNode node) {
        return new ClusterNode(node.id(), node.url(), node.internalUrl(), node.mediaPort(), node.rtmpPort(), node.rooms(), node.members(),
                node.sessions(), node.bitrateOutBps(), node.cpu(), true, node.startedAt(), node.version());
    }

    /** Rooms another node serves now (this one was cut off long enough): their members here go there. */
    private void giveUp(List<String[]> lost, List<ClusterNode> fresh) {
        if (lost.isEmpty()) {
            return;
        }
        Map<RoomKey, String> targets = new LinkedHashMap<>();
        for (RoomKey room : localRooms) {
            String key = RedisCluster.roomKey(room);
            for (String[] pair : lost) {
                if (pair[0].equals(key)) {
                    urlOf(pair[1], fresh).ifPresent(url -> targets.put(room, url));
                }
            }
        }
        if (!targets.isEmpty()) {
            LOG.warn("cluster: {} room(s) held here are served by another node now; moving their members there",
                    targets.size());
            mover.moveAway(targets, "moved");
        }
    }

    /** While draining: each room held here goes to the least loaded other node, its members told to follow. */
    private void moveRoomsAway(List<ClusterNode> fresh) {
        List<ClusterNode> others = fresh.stream().filter(node -> !node.draining() && !node.id().equals(selfId))
                .sorted(Comparator.comparingInt(ClusterNode::members).thenComparing(ClusterNode::id)).toList();
        if (localRooms.isEmpty()) {
            return;
        }
        if (others.isEmpty()) {
            LOG.warn("cluster: draining, but no other node takes rooms: {} room(s) stay here", localRooms.size());
            return;
        }
        List<RoomKey> rooms = List.copyOf(localRooms);
        List<Future<Boolean>> moves = new ArrayList<>();
        Map<RoomKey, String> targets = new ConcurrentHashMap<>();
        for (int i = 0; i < rooms.size(); i++) {
            RoomKey room = rooms.get(i);
            ClusterNode target = others.get(i % others.size());
            moves.add(redis.move(room, selfId, target.id()).onSuccess(moved -> {
                if (moved) {
                    targets.put(room, target.url());
                }
            }));
        }
        Future.join(moves).onComplete(ignored -> {
            if (!targets.isEmpty()) {
                mover.moveAway(Map.copyOf(targets), "drain");
            }
        });
    }

    /** Leaves the registry (an orderly stop); rooms held here are taken over by whoever places them next. */
    @Override
    public void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        try {
            RedisCluster.await(redis.leave(selfId));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("cluster: could not leave the registry ({}); the entry expires by itself", e.toString());
        }
        redis.close();
    }
}

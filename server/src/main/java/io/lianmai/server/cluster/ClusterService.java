package io.lianmai.server.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.common.StreamType;
import io.lianmai.common.UserId;
import io.lianmai.room.ClientKind;
import io.lianmai.room.LeaveReason;
import io.lianmai.room.MemberInfo;
import io.lianmai.room.Role;
import io.lianmai.room.Room;
import io.lianmai.room.RoomKey;
import io.lianmai.room.RoomObserver;
import io.lianmai.room.RoomRegistry;
import io.lianmai.room.Scene;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
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
    /** How often live rooms' anchors are published, and edges read them: the delay of a change at an edge. */
    static final long EDGE_SYNC_MILLIS = 250;
    /** An edge room with no member of its own for this long stops showing the anchors. */
    private static final long EDGE_IDLE_MILLIS = 3000;
    private static final ObjectMapper JSON = new ObjectMapper();

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
    private final RoomRegistry rooms;
    private final Context edgeContext;
    private final Set<RoomKey> localRooms = ConcurrentHashMap.newKeySet();
    /** Live rooms served here whose anchors changed since they were last published for edges. */
    private final Set<RoomKey> liveChanged = ConcurrentHashMap.newKeySet();
    /** Rooms this node is an edge of (their anchors on another node); state touched on {@link #edgeContext} only. */
    private final Map<RoomKey, Edge> edges = new ConcurrentHashMap<>();
    private volatile RemoteMembers remote;
    private long edgeTimer = -1;
    private final AtomicBoolean beating = new AtomicBoolean();
    private volatile List<ClusterNode> nodes = List.of();
    private volatile ClusterNode self;
    private volatile boolean draining;
    private volatile boolean reachable = true;
    private long timer = -1;

    /**
     * @param load this node's entry with its load now (called on a worker thread every heartbeat; may block briefly)
     */
    public ClusterService(Vertx vertx, RedisCluster redis, RoomRegistry rooms, Supplier<ClusterNode> load,
            Mover mover) {
        this.vertx = vertx;
        this.redis = redis;
        this.rooms = rooms;
        this.edgeContext = vertx.getOrCreateContext();
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
        edgeTimer = vertx.setPeriodic(EDGE_SYNC_MILLIS, id -> edgeContext.runOnContext(v -> {
            publishLiveRooms();
            edges.values().forEach(this::refreshEdge);
        }));
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
                .compose(owner -> {
                    if (owner.equals(selfId) && edges.containsKey(room)) {
                        promote(room);
                    }
                    return nodeUnlessSelf(owner);
                })
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

    /** This node now serves a room it was an edge of (its node died or left): its anchors will enter here. */
    private void promote(RoomKey room) {
        edgeContext.runOnContext(v -> {
            Edge edge = edges.remove(room);
            if (edge != null) {
                edge.shown.keySet().forEach(user -> remote.hide(room, user, LeaveReason.LEAVE));
                edge.shown.clear();
                localRooms.add(room);
                liveChanged.add(room);
            }
        });
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
        if (!edges.containsKey(room)) {
            localRooms.add(room);
            liveChanged.add(room);
        }
    }

    @Override
    public void onRoomDismissed(RoomKey room, Instant at) {
        // Not released in Redis: the key expires unless a new member brings the room back here first.
        if (localRooms.remove(room)) {
            liveChanged.add(room);
        }
        edges.remove(room);
    }

    @Override
    public void onMemberEntered(RoomKey room, UserId userId, Role role, ClientKind kind, Instant at) {
        memberChanged(room, kind, +1);
    }

    @Override
    public void onMemberLeft(RoomKey room, UserId userId, Role role, ClientKind kind, LeaveReason reason,
            Instant at) {
        memberChanged(room, kind, -1);
    }

    @Override
    public void onMemberRoleSwitched(RoomKey room, UserId userId, Role role, Instant at) {
        liveChanged.add(room);
    }

    @Override
    public void onTracksChanged(RoomKey room, UserId userId, StreamType type, RoomObserver.Tracks before, RoomObserver.Tracks after,
            Instant at) {
        liveChanged.add(room);
    }

    private void memberChanged(RoomKey room, ClientKind kind, int delta) {
        Edge edge = edges.get(room);
        if (edge == null) {
            liveChanged.add(room);
        } else if (kind != ClientKind.REMOTE) {
            edgeContext.runOnContext(v -> {
                edge.ownMembers += delta;
                edge.lastOwnActivity = System.nanoTime();
            });
        }
    }

    // ---- live rooms: anchors published by the serving node, shown by edges ----

    /** Where edges get their relays: this node's {@link RemoteMembers} (wired once the server has one). */
    public void showRemoteMembersWith(RemoteMembers remote) {
        this.remote = remote;
    }

    @Override
    public boolean isEdge(RoomKey room) {
        return edges.containsKey(room);
    }

    @Override
    public Future<Boolean> serveAudienceHere(RoomKey room, ClusterNode home) {
        return serveHere(room, true);
    }

    @Override
    public Future<Boolean> servePlayersHere(RoomKey room, ClusterNode home) {
        return serveHere(room, false);
    }

    /** Becomes an edge of {@code room} (for a live room's audience member, or for players of any room). */
    private Future<Boolean> serveHere(RoomKey room, boolean member) {
        if (!redis.config().edgeAudience() || remote == null) {
            return Future.succeededFuture(false);
        }
        return redis.readLive(room).compose(json -> {
            if (json.isEmpty() || member && !isLive(json.get())) {
                return Future.succeededFuture(false); // not a live room, or not published yet: go to its node
            }
            Promise<Boolean> shown = Promise.promise();
            edgeContext.runOnContext(v -> {
                Edge edge = edges.computeIfAbsent(room, Edge::new);
                edge.lastOwnActivity = System.nanoTime();
                sync(edge, json).onComplete(result -> shown.complete(true));
            });
            return shown.future();
        }).recover(failure -> Future.succeededFuture(false));
    }

    /** Whether published anchors {@code json} are a live room's (whose audience may stay on edges). */
    private static boolean isLive(String json) {
        try {
            return "live".equals(JSON.readTree(json).path("scene").asText());
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** On the edge context: publishes the anchors of live rooms served here whose anchors changed. */
    private void publishLiveRooms() {
        if (liveChanged.isEmpty()) {
            return;
        }
        List<RoomKey> changed = List.copyOf(liveChanged);
        liveChanged.removeAll(changed);
        for (RoomKey key : changed) {
            if (edges.containsKey(key)) {
                continue;
            }
            Optional<Room> room = localRooms.contains(key) ? rooms.find(key) : Optional.empty();
            String json = room.map(this::liveJson).orElse(null);
            redis.publishLive(key, json).onFailure(failure -> liveChanged.add(key));
        }
    }

    /**
     * {@code {"node": id, "scene": "live"|"rtc", "anchors": [{"userId", "main": {"audio", "video"}, "aux":
     * {"video"}}]}}: what an edge shows of the room.
     */
    private String liveJson(Room room) {
        ObjectNode json = JSON.createObjectNode().put("node", selfId).put("scene", room.scene().wireName());
        ArrayNode anchors = json.putArray("anchors");
        for (MemberInfo member : room.members()) {
            if (member.role() != Role.ANCHOR) {
                continue;
            }
            ObjectNode anchor = anchors.addObject().put("userId", member.userId().value());
            member.main().ifPresent(main -> anchor.putObject("main").put("audio", main.audio())
                    .put("video", main.video()));
            member.aux().ifPresent(aux -> anchor.putObject("aux").put("video", aux.video()));
        }
        return json.toString();
    }

    /** On the edge context: reads the room's anchors again, or stops showing them once nobody here needs them. */
    private void refreshEdge(Edge edge) {
        if (edge.syncing) {
            return;
        }
        if (edge.ownMembers <= 0 && remote.players(edge.room) > 0) {
            edge.lastOwnActivity = System.nanoTime(); // players of its streams here (WHEP, live output) keep it
        }
        if (edge.ownMembers <= 0 && System.nanoTime() - edge.lastOwnActivity > EDGE_IDLE_MILLIS * 1_000_000) {
            edges.remove(edge.room);
            edge.shown.keySet().forEach(user -> remote.hide(edge.room, user, LeaveReason.LEAVE));
            edge.shown.clear();
            return;
        }
        edge.syncing = true;
        redis.readLive(edge.room).onComplete(read -> edgeContext.runOnContext(v -> {
            if (read.failed()) {
                edge.syncing = false; // Redis away: keep showing what we show
                return;
            }
            sync(edge, read.result()).onComplete(done -> edge.syncing = false);
        }));
    }

    /** On the edge context: shows the anchors {@code json} lists from its node, hides those it does not. */
    private Future<Void> sync(Edge edge, Optional<String> json) {
        Map<UserId, List<RemoteMembers.RemotePublication>> wanted = new LinkedHashMap<>();
        Optional<ClusterNode> home = Optional.empty();
        Scene scene = Scene.LIVE;
        if (json.isPresent()) {
            try {
                JsonNode tree = JSON.readTree(json.get());
                String node = tree.path("node").asText();
                scene = Scene.fromWire(tree.path("scene").asText("live")).orElse(Scene.LIVE);
                home = nodeOf(node, nodes).filter(each -> !each.id().equals(selfId));
                for (JsonNode anchor : tree.path("anchors")) {
                    List<RemoteMembers.RemotePublication> publications = new ArrayList<>();
                    if (anchor.has("main")) {
                        publications.add(new RemoteMembers.RemotePublication(StreamType.MAIN,
                                anchor.path("main").path("audio").asBoolean(),
                                anchor.path("main").path("video").asBoolean()));
                    }
                    if (anchor.has("aux")) {
                        publications.add(new RemoteMembers.RemotePublication(StreamType.AUX, false,
                                anchor.path("aux").path("video").asBoolean()));
                    }
                    wanted.put(UserId.parse(anchor.path("userId").asText()), publications);
                }
            } catch (JsonProcessingException | IllegalArgumentException e) {
                LOG.warn("cluster: ignoring malformed anchors of room {} in Redis: {}", edge.room, e.getMessage());
                return Future.succeededFuture();
            }
        }
        if (home.isEmpty()) {
            wanted.clear(); // its node is gone (or unknown yet): show nobody until a live node publishes again
        }
        List<Future<Void>> changes = new ArrayList<>();
        String source = home.map(ClusterNode::internalUrl).orElse("");
        boolean moved = !source.equals(edge.source);
        for (UserId user : List.copyOf(edge.shown.keySet())) {
            List<RemoteMembers.RemotePublication> now = wanted.get(user);
            if (moved || now == null || !now.containsAll(edge.shown.get(user))) {
                edge.shown.remove(user);
                changes.add(Future.fromCompletionStage(remote.hide(edge.room, user, LeaveReason.LEAVE)));
            }
        }
        Future<Void> hidden = Future.join(changes).mapEmpty();
        edge.source = source;
        Scene roomScene = scene;
        return hidden.transform(ignored -> {
            List<Future<Void>> shows = new ArrayList<>();
            for (Map.Entry<UserId, List<RemoteMembers.RemotePublication>> anchor : wanted.entrySet()) {
                List<RemoteMembers.RemotePublication> before = edge.shown.get(anchor.getKey());
                if (before == null || !before.containsAll(anchor.getValue())) {
                    edge.shown.put(anchor.getKey(), anchor.getValue());
                    shows.add(Future.fromCompletionStage(remote.show(edge.room, anchor.getKey(), Role.ANCHOR,
                            roomScene, URI.create(source), anchor.getValue())).recover(failure -> {
                                LOG.info("cluster: cannot show {} of room {} from {} yet: {}", anchor.getKey(),
                                        edge.room, source, failure.getMessage());
                                edge.shown.remove(anchor.getKey());
                                return Future.succeededFuture();
                            }));
                }
            }
            return Future.join(shows).mapEmpty();
        });
    }

    /** A room this node is an edge of: what it shows of the room's anchors, and its own members. */
    private static final class Edge {
        final RoomKey room;
        final Map<UserId, List<RemoteMembers.RemotePublication>> shown = new LinkedHashMap<>();
        String source = "";
        int ownMembers;
        long lastOwnActivity = System.nanoTime();
        boolean syncing;

        Edge(RoomKey room) {
            this.room = room;
        }
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
                            // Live rooms' anchors are published again each heartbeat: their key's TTL renewed.
                            liveChanged.addAll(localRooms);
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
        if (edgeTimer >= 0) {
            vertx.cancelTimer(edgeTimer);
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

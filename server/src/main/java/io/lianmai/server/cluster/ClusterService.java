package io.lianmai.server.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.common.SdkAppId;
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
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
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
    /** How long an edge waits for the RTMP publisher it was placed for to enter. */
    private static final long PUBLISHER_GRACE_MILLIS = 20_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The least time between two log lines about one repeating failure ({@link LogLimiter}). */
    static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
    private static final int MAX_LOGGED_CHARS = 200;

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
    /**
     * Rooms served here: the members other nodes hold of them (published under {@code lianmai:up:}), shown here
     * through relays. Touched on {@link #edgeContext} only.
     */
    private final Map<RoomKey, Map<UserId, Showing>> ups = new ConcurrentHashMap<>();
    /** Rooms whose members this node published under {@code lianmai:live:} (only it may delete them). */
    private final Set<RoomKey> livePublished = ConcurrentHashMap.newKeySet();
    /** Rooms this node is an edge of whose anchors it published under {@code lianmai:up:} (renewed every beat). */
    private final Set<RoomKey> upPublished = ConcurrentHashMap.newKeySet();
    /** Malformed custom messages from Redis (one key) and members that cannot be shown yet (room, user, source). */
    private final LogLimiter malformedMessages = new LogLimiter(Clock.systemUTC(), LOG_INTERVAL);
    private final LogLimiter showRetries = new LogLimiter(Clock.systemUTC(), LOG_INTERVAL);
    /** Rooms this node is an edge of whose own anchors changed since they were last published for the room's node. */
    private final Set<RoomKey> upChanged = ConcurrentHashMap.newKeySet();
    /** The room limits across the cluster: this node's seats in Redis. */
    private final ClusterSeats seats;
    private boolean upsReading;
    /**
     * "room|node" of fields of {@code lianmai:up:} dropped as malformed, with until when (nanoTime) the members shown
     * from that node stay while it has not published again. Touched on {@link #edgeContext} only.
     */
    private final Map<String, Long> upsDropped = new java.util.HashMap<>();
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
        this.seats = new ClusterSeats(redis, rooms, selfId, () -> reachable);
    }

    /**
     * Registers this node (withdrawing any drain order left for it: a node that starts serves) and starts the
     * heartbeat. A Redis that does not answer now is not fatal: the node serves its own rooms and joins when it does.
     */
    public Future<Void> start() {
        Future<Void> first = redis.undrain(selfId).<Void>mapEmpty().recover(ignored -> Future.succeededFuture())
                .compose(ignored -> beat());
        redis.subscribeMessages(vertx, redis.config().heartbeat().toMillis(), this::deliverMessage);
        timer = vertx.setPeriodic(redis.config().heartbeat().toMillis(), id -> beat());
        edgeTimer = vertx.setPeriodic(EDGE_SYNC_MILLIS, id -> edgeContext.runOnContext(v -> {
            publishChanges();
            edges.values().forEach(this::refreshEdge);
            refreshUps();
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

    @Override
    public Future<Optional<ClusterNode>> placePublisher(RoomKey room) {
        if (!reachable && (localRooms.contains(room) || edges.containsKey(room))) {
            return Future.succeededFuture(Optional.empty());
        }
        return redis.place(room, draining ? candidate().id() : selfId)
                .compose(owner -> {
                    if (owner.equals(selfId)) {
                        if (edges.containsKey(room)) {
                            promote(room);
                        }
                        return Future.succeededFuture(Optional.<ClusterNode>empty());
                    }
                    return nodeUnlessSelf(owner).compose(home -> home.isEmpty() || draining || remote == null
                            ? Future.succeededFuture(home)
                            : redis.takeOver(room, owner, selfId).compose(moved -> moved
                                    ? Future.succeededFuture(Optional.<ClusterNode>empty())
                                    : redis.readLive(room).compose(json -> showHere(room, json)).map(shown -> {
                                        if (!shown) {
                                            return home;
                                        }
                                        holdEdge(room, PUBLISHER_GRACE_MILLIS);
                                        return Optional.<ClusterNode>empty();
                                    })));
                })
                .recover(failure -> {
                    if (localRooms.contains(room) || edges.containsKey(room)) {
                        return Future.succeededFuture(Optional.empty());
                    }
                    return Future.failedFuture(failure instanceof ClusterUnavailableException ? failure
                            : new ClusterUnavailableException("the cluster state (Redis) cannot be read now, so the "
                                    + "room cannot be placed: try again shortly (" + failure.getMessage() + ")",
                                    failure));
                });
    }

    /**
     * Keeps this node an edge of {@code room} for {@code millis} even without a member: an RTMP publisher enters the
     * room only once its encoder sent the codecs' configuration, seconds after it was placed.
     */
    private void holdEdge(RoomKey room, long millis) {
        edgeContext.runOnContext(v -> {
            Edge edge = edges.get(room);
            if (edge != null) {
                edge.holdUntil = System.nanoTime() + millis * 1_000_000;
            }
        });
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
                upChanged.remove(room);
                upPublished.remove(room);
                redis.publishUp(room, selfId, null);
                redis.leaveTree(room, selfId);
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
        // An edge's copy emptied: the edge itself stays until idle (refreshEdge), so that a member shown next (the
        // room created here again) is not taken for a room of this node's own.
        if (edges.containsKey(room)) {
            upChanged.add(room);
        }
    }

    @Override
    public void onMemberEntered(RoomKey room, UserId userId, Role role, ClientKind kind, Instant at) {
        if (kind != ClientKind.REMOTE) {
            seats.entered(room, userId, role);
        }
        memberChanged(room, kind, +1);
    }

    @Override
    public void onMemberLeft(RoomKey room, UserId userId, Role role, ClientKind kind, LeaveReason reason,
            Instant at) {
        if (kind != ClientKind.REMOTE) {
            seats.left(room, userId);
        }
        memberChanged(room, kind, -1);
    }

    @Override
    public void onMemberRoleSwitched(RoomKey room, UserId userId, Role role, Instant at) {
        seats.switched(room, userId, role);
        liveChanged.add(room);
        upChanged.add(room);
    }

    @Override
    public void onTracksChanged(RoomKey room, UserId userId, StreamType type, RoomObserver.Tracks before, RoomObserver.Tracks after,
            Instant at) {
        liveChanged.add(room);
        upChanged.add(room);
    }

    // ---- custom messages across nodes ----

    /**
     * A member here sent a custom message: published for the other nodes (every node gets it, one PUBLISH; the nodes
     * holding members of the room deliver it). Rate and size were checked here ({@code room.messagesPerSecond},
     * {@code room.messageMaxBytes}).
     */
    @Override
    public void onCustomMessage(RoomKey room, UserId from, int cmdId, String data) {
        ObjectNode json = JSON.createObjectNode().put("node", selfId).put("sdkAppId", room.sdkAppId().value())
                .put("room", room.roomKey()).put("userId", from.value()).put("cmdId", cmdId).put("data", data);
        redis.publishMessage(json.toString());
    }

    /**
     * A custom message another node published: delivered to this node's members of the room, if it has any. Anything
     * else on the channel (not what {@link #onCustomMessage} publishes) is dropped with a WARN, the first one and then
     * at most one per {@link #LOG_INTERVAL} telling how many were dropped since, so that a flood cannot flood the log.
     */
    private void deliverMessage(String json) {
        String problem;
        try {
            problem = deliver(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            problem = "not JSON: " + e.getOriginalMessage();
        } catch (RuntimeException e) {
            problem = String.valueOf(e.getMessage());
        }
        if (problem != null) {
            long held = malformedMessages.failure(RedisCluster.MESSAGES);
            if (held >= 0) {
                LOG.warn("cluster: ignoring a malformed custom message from Redis ({}){}", shorten(problem),
                        held > 0 ? "; " + held + " more ignored in the last " + LOG_INTERVAL.toSeconds() + " s" : "");
            }
        }
    }

    /** Delivers {@code message} here; returns what is wrong with it, or null when it is a custom message. */
    private String deliver(JsonNode message) {
        JsonNode node = message.path("node");
        JsonNode app = message.path("sdkAppId");
        JsonNode room = message.path("room");
        JsonNode user = message.path("userId");
        JsonNode cmdId = message.path("cmdId");
        JsonNode data = message.path("data");
        if (!message.isObject() || !node.isTextual() || !app.canConvertToLong() || !app.isIntegralNumber()
                || !room.isTextual() || !user.isTextual() || !cmdId.isInt() || !data.isTextual()) {
            return "not {node, sdkAppId, room, userId, cmdId, data} with their types";
        }
        if (selfId.equals(node.asText())) {
            return null;
        }
        int maxBytes = rooms.config().messageMaxBytes();
        String text = data.asText();
        if (text.length() > maxBytes || text.length() * 3 > maxBytes
                && text.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            return "data over room.messageMaxBytes (" + maxBytes + " bytes)";
        }
        UserId from = UserId.parse(user.asText());
        rooms.find(new RoomKey(new SdkAppId(app.asLong()), room.asText())).ifPresent(here -> here.deliverFromElsewhere(
                from, cmdId.asInt(), text));
        return null;
    }

    /** {@code text} on one line (it may quote what came from Redis), cut at {@link #MAX_LOGGED_CHARS}. */
    private static String shorten(String text) {
        String line = text.length() <= MAX_LOGGED_CHARS ? text : text.substring(0, MAX_LOGGED_CHARS) + "…";
        return line.replaceAll("[\\p{Cntrl}\\s]+", " ");
    }

    private void memberChanged(RoomKey room, ClientKind kind, int delta) {
        Edge edge = edges.get(room);
        if (edge == null) {
            liveChanged.add(room);
        } else if (kind != ClientKind.REMOTE) {
            upChanged.add(room);
            edgeContext.runOnContext(v -> {
                edge.ownMembers += delta;
                edge.lastOwnActivity = System.nanoTime();
            });
        }
    }

    // ---- seats: the room limits across the cluster (ClusterSeats) ----

    @Override
    public Future<Void> takeSeat(RoomKey room, UserId user, Scene requested, Role role) {
        return seats.takeSeat(room, user, requested, role);
    }

    @Override
    public void releaseSeat(RoomKey room, UserId user, Scene scene, Role role) {
        seats.releaseSeat(room, user, scene, role);
    }

    @Override
    public Future<Void> takePublishing(RoomKey room, UserId user) {
        return seats.takePublishing(room, user);
    }

    @Override
    public void releasePublishing(RoomKey room, UserId user) {
        seats.releasePublishing(room, user);
    }

    @Override
    public void onPublishingChanged(RoomKey room, UserId userId, ClientKind kind, boolean publishes, Instant at) {
        seats.publishingChanged(room, userId, kind, publishes);
    }

    /** Ends a user's login in a room on another node (a login of the same user here replaces it). */
    @FunctionalInterface
    public interface LoginsElsewhere {
        LoginsElsewhere NONE = (node, room, user) -> Future.succeededFuture();

        Future<Void> replace(String node, RoomKey room, UserId user);
    }

    /** Where a login of a user held by another node is ended ({@link ModerationRelay}). */
    public void replaceLoginsThrough(LoginsElsewhere loginsElsewhere) {
        seats.replaceLoginsThrough(loginsElsewhere);
    }

    /** See {@link ClusterSeats#refuseEntries}. */
    public Future<Void> refuseEntries(RoomKey room, List<UserId> users, Instant until, Instant now) {
        return seats.refuseEntries(room, users, until, now);
    }

    // ---- members on other nodes: anchors published by the serving node for edges, edges' members for it ----

    /** Where edges get their relays: this node's {@link RemoteMembers} (wired once the server has one). */
    public void showRemoteMembersWith(RemoteMembers remote) {
        this.remote = remote;
    }

    @Override
    public Future<Boolean> serveMemberHere(RoomKey room, ClusterNode home, Scene scene, Role role) {
        if (remote == null) {
            return Future.succeededFuture(false);
        }
        boolean audience = scene == Scene.LIVE && role == Role.AUDIENCE && redis.config().edgeAudience();
        return redis.readLive(room).compose(json -> {
            if (json.isEmpty()) {
                LOG.info("cluster: an entrant of room {} goes to node {}, which has not published it", room,
                        home.id());
                return Future.succeededFuture(false); // not published yet: go to its node
            }
            Published published = Published.parse(json.get());
            boolean stay = published != null && (audience && published.scene == Scene.LIVE
                    || published.ownMembers >= redis.config().roomMembersPerNode());
            if (!stay) {
                LOG.info("cluster: an entrant of room {} goes to node {}, which holds {} of its members "
                        + "(cluster.roomMembersPerNode {})", room, home.id(), published == null ? "?"
                        : published.ownMembers, redis.config().roomMembersPerNode());
            }
            return stay ? showHere(room, json) : Future.succeededFuture(false);
        }).recover(failure -> Future.succeededFuture(false));
    }

    @Override
    public Future<Boolean> servePlayersHere(RoomKey room, ClusterNode home) {
        if (!redis.config().edgeAudience() || remote == null) {
            return Future.succeededFuture(false);
        }
        return redis.readLive(room).compose(json -> json.isEmpty() ? Future.succeededFuture(false)
                : showHere(room, json)).recover(failure -> Future.succeededFuture(false));
    }

    /** Becomes an edge of {@code room}, showing the members its node published ({@code json}). */
    private Future<Boolean> showHere(RoomKey room, Optional<String> json) {
        if (!edges.containsKey(room) && edges.size() >= redis.config().maxEdgeRooms()) {
            return Future.succeededFuture(false); // cluster.maxEdgeRooms: the room's node takes them
        }
        Promise<Boolean> shown = Promise.promise();
        edgeContext.runOnContext(v -> {
            Edge edge = edges.computeIfAbsent(room, Edge::new);
            edge.lastOwnActivity = System.nanoTime();
            sync(edge, json).onComplete(result -> shown.complete(true));
        });
        return shown.future();
    }

    /** What a room's node published of it: its scene, its own members, the anchors others may show. */
    private record Published(String node, Scene scene, int ownMembers, Map<UserId, Showing> anchors) {
        /** Null when {@code json} is not what a node publishes. */
        static Published parse(String json) {
            try {
                JsonNode tree = JSON.readTree(json);
                Map<UserId, Showing> anchors = new LinkedHashMap<>();
                for (JsonNode anchor : tree.path("anchors")) {
                    anchors.put(UserId.parse(anchor.path("userId").asText()), new Showing(anchor.path("via")
                            .asText(""), "", publications(anchor)));
                }
                return new Published(tree.path("node").asText(), Scene.fromWire(tree.path("scene").asText("live"))
                        .orElse(Scene.LIVE), tree.path("members").asInt(0), anchors);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                return null;
            }
        }
    }

    private static List<RemoteMembers.RemotePublication> publications(JsonNode anchor) {
        List<RemoteMembers.RemotePublication> publications = new ArrayList<>();
        if (anchor.has("main")) {
            publications.add(new RemoteMembers.RemotePublication(StreamType.MAIN,
                    anchor.path("main").path("audio").asBoolean(), anchor.path("main").path("video").asBoolean()));
        }
        if (anchor.has("aux")) {
            publications.add(new RemoteMembers.RemotePublication(StreamType.AUX, false,
                    anchor.path("aux").path("video").asBoolean()));
        }
        return publications;
    }

    /**
     * A member shown here from another node.
     *
     * @param node   the id of the node it is on (in {@link Published}: {@code via}, or empty for the node's own)
     * @param source the internal base URL of the node its streams are pulled from
     */
    private record Showing(String node, String source, List<RemoteMembers.RemotePublication> publications) {
    }

    /** On the edge context: publishes what changed of the rooms served here and of this node's members elsewhere. */
    private void publishChanges() {
        if (!liveChanged.isEmpty()) {
            List<RoomKey> changed = List.copyOf(liveChanged);
            liveChanged.removeAll(changed);
            for (RoomKey key : changed) {
                if (edges.containsKey(key)) {
                    continue;
                }
                Optional<Room> room = localRooms.contains(key) ? rooms.find(key) : Optional.empty();
                String json = room.map(this::liveJson).orElse(null);
                if (json == null && !livePublished.remove(key)) {
                    continue; // never published here (an edge's copy): the key is the room's node's
                }
                if (json != null) {
                    livePublished.add(key);
                }
                redis.publishLive(key, json).onFailure(failure -> liveChanged.add(key));
            }
        }
        if (!upChanged.isEmpty()) {
            List<RoomKey> changed = List.copyOf(upChanged);
            upChanged.removeAll(changed);
            for (RoomKey key : changed) {
                Edge edge = edges.get(key);
                String json = edge == null ? null : rooms.find(key).map(this::upJson).orElse(null);
                if (edge == null && localRooms.contains(key)) {
                    continue; // the room's node itself: it publishes under lianmai:live:
                }
                if (json != null) {
                    upPublished.add(key);
                } else {
                    upPublished.remove(key);
                }
                redis.publishUp(key, selfId, json).onFailure(failure -> upChanged.add(key));
            }
        }
    }

    /**
     * {@code {"node": id, "scene": "live"|"rtc", "members": own members, "anchors": [{"userId", "main": {"audio",
     * "video"}, "aux": {"video"}, "via": node}]}}: what other nodes show of the room ({@code via}: the node an
     * anchor shown here is on).
     */
    private String liveJson(Room room) {
        ObjectNode json = JSON.createObjectNode().put("node", selfId).put("scene", room.scene().wireName())
                .put("members", seats.ownMembers(room.key()));
        Map<UserId, Showing> fromOthers = ups.getOrDefault(room.key(), Map.of());
        ArrayNode anchors = json.putArray("anchors");
        for (MemberInfo member : room.members()) {
            if (member.role() == Role.ANCHOR) {
                ObjectNode anchor = anchorJson(anchors, member);
                Showing shown = fromOthers.get(member.userId());
                if (shown != null) {
                    anchor.put("via", shown.node());
                }
            }
        }
        return json.toString();
    }

    /** {@code {"node": id, "anchors": [...]}}: this edge's own anchors of {@code room}, or null when it has none. */
    private String upJson(Room room) {
        ObjectNode json = JSON.createObjectNode().put("node", selfId);
        ArrayNode anchors = json.putArray("anchors");
        Map<UserId, Character> own = seats.own(room.key());
        for (MemberInfo member : room.members()) {
            if (member.role() == Role.ANCHOR && own.containsKey(member.userId())) {
                anchorJson(anchors, member);
            }
        }
        return anchors.isEmpty() ? null : json.toString();
    }

    private static ObjectNode anchorJson(ArrayNode anchors, MemberInfo member) {
        ObjectNode anchor = anchors.addObject().put("userId", member.userId().value());
        member.main().ifPresent(main -> anchor.putObject("main").put("audio", main.audio())
                .put("video", main.video()));
        member.aux().ifPresent(aux -> anchor.putObject("aux").put("video", aux.video()));
        return anchor;
    }

    /** On the edge context: reads the room's anchors again, or stops showing them once nobody here needs them. */
    private void refreshEdge(Edge edge) {
        if (edge.syncing) {
            return;
        }
        if (edge.ownMembers <= 0 && remote.players(edge.room) > 0) {
            edge.lastOwnActivity = System.nanoTime(); // players of its streams here (WHEP, live output) keep it
        }
        long now = System.nanoTime();
        if (edge.ownMembers <= 0 && now - edge.lastOwnActivity > EDGE_IDLE_MILLIS * 1_000_000
                && now - edge.holdUntil > 0) {
            edges.remove(edge.room);
            edge.shown.keySet().forEach(user -> remote.hide(edge.room, user, LeaveReason.LEAVE));
            edge.shown.clear();
            upChanged.add(edge.room);
            if (edge.parent != null) {
                redis.leaveTree(edge.room, selfId);
            }
            return;
        }
        edge.syncing = true;
        redis.readLive(edge.room).onComplete(read -> edgeContext.runOnContext(v -> {
            if (read.failed()) {
                edge.syncing = false; // Redis away: keep showing what we show
                return;
            }
            if (edge.ownMembers > 0 && !draining && !homeAlive(read.result())) {
                // The room's node is gone and members of the room are here: the room comes here unless another
                // node placed it first (one script decides).
                redis.place(edge.room, selfId).onSuccess(owner -> {
                    if (owner.equals(selfId)) {
                        LOG.info("cluster: room {} had no live node; this node, an edge of it with members of its "
                                + "own, serves it now", edge.room);
                        promote(edge.room);
                    }
                });
            }
            sync(edge, read.result()).onComplete(done -> edge.syncing = false);
        }));
    }

    /** Whether the node that published {@code json} (a room's members) is a live node other than this one. */
    private boolean homeAlive(Optional<String> json) {
        Published published = json.map(Published::parse).orElse(null);
        return published != null && !published.node().equals(selfId) && nodeOf(published.node(), nodes).isPresent();
    }

    /**
     * On the edge context: shows the anchors {@code json} lists from the room's node (but not this node's own, which
     * the room's node shows from here), hides those it does not.
     */
    private Future<Void> sync(Edge edge, Optional<String> json) {
        Map<UserId, Showing> wanted = new LinkedHashMap<>();
        Scene scene = Scene.LIVE;
        if (json.isPresent()) {
            Published published = Published.parse(json.get());
            if (published == null) {
                LOG.warn("cluster: ignoring malformed members of room {} in Redis", edge.room);
                return Future.succeededFuture();
            }
            Scene roomScene = published.scene();
            Optional<ClusterNode> home = nodeOf(published.node(), nodes).filter(each -> !each.id().equals(selfId));
            if (home.isPresent()) {
                return parentOf(edge, home.get()).compose(parent -> {
                    Map<UserId, Character> own = seats.own(edge.room);
                    published.anchors().forEach((user, anchor) -> {
                        // Never this node's own members back (nor a namesake of one: that would replace it here).
                        if (!anchor.node().equals(selfId) && !own.containsKey(user)) {
                            wanted.put(user, new Showing(parent.id(), parent.internalUrl(), anchor.publications()));
                        }
                    });
                    return reconcile(edge.room, roomScene, edge.shown, wanted).map(all -> {
                        if (!all && !parent.id().equals(home.get().id())) {
                            edge.parent = null; // the parent edge does not show them (any more): pick again
                        }
                        return (Void) null;
                    });
                });
            }
            // Its node gone (or unknown yet): show nobody until a live node publishes again.
            scene = roomScene;
        }
        return reconcile(edge.room, scene, edge.shown, wanted).mapEmpty();
    }

    /**
     * The node this edge pulls the room's streams from: its node, or another edge of the room once its node feeds
     * {@code cluster.edgeFanout} edges (a tree, docs/cluster.md#a-tree-of-edges). Picked again when the room's node
     * changed or the parent is gone.
     */
    private Future<ClusterNode> parentOf(Edge edge, ClusterNode home) {
        int fanout = redis.config().edgeFanout();
        if (fanout <= 0) {
            return Future.succeededFuture(home);
        }
        if (home.id().equals(edge.home) && edge.parent != null) {
            Optional<ClusterNode> parent = nodeOf(edge.parent, nodes);
            if (parent.isPresent()) {
                return Future.succeededFuture(parent.get());
            }
        }
        return redis.pickParent(edge.room, selfId, home.id(), fanout).map(id -> {
            Optional<ClusterNode> parent = nodeOf(id, nodes).filter(node -> !node.id().equals(selfId));
            edge.home = home.id();
            edge.parent = parent.map(ClusterNode::id).orElse(home.id());
            if (!edge.parent.equals(home.id())) {
                LOG.info("cluster: edge of room {} pulls from edge {} (node {} feeds {} edges)", edge.room,
                        edge.parent, home.id(), fanout);
            }
            return parent.orElse(home);
        }).recover(failure -> Future.succeededFuture(home));
    }

    /**
     * On the edge context: hides the members of {@code shown} that {@code wanted} no longer lists (or lists from
     * another source, or with streams they lack) and shows the rest of {@code wanted}; {@code shown} follows.
     * Completes with whether every member wanted is shown.
     */
    private Future<Boolean> reconcile(RoomKey room, Scene scene, Map<UserId, Showing> shown,
            Map<UserId, Showing> wanted) {
        List<Future<Void>> changes = new ArrayList<>();
        for (UserId user : List.copyOf(shown.keySet())) {
            Showing now = wanted.get(user);
            Showing before = shown.get(user);
            if (now == null || !now.source().equals(before.source())
                    || !now.publications().containsAll(before.publications())) {
                shown.remove(user);
                changes.add(Future.fromCompletionStage(remote.hide(room, user, LeaveReason.LEAVE)));
            }
        }
        return Future.join(changes).transform(ignored -> {
            List<Future<Boolean>> shows = new ArrayList<>();
            for (Map.Entry<UserId, Showing> member : wanted.entrySet()) {
                Showing before = shown.get(member.getKey());
                Showing now = member.getValue();
                if (before == null || !before.publications().containsAll(now.publications())) {
                    shown.put(member.getKey(), now);
                    // Retried every EDGE_SYNC_MILLIS while it fails: logged first, then once per LOG_INTERVAL.
                    String retries = room + "|" + member.getKey().value() + "|" + now.source();
                    shows.add(Future.fromCompletionStage(remote.show(room, member.getKey(), Role.ANCHOR, scene,
                            URI.create(now.source()), now.publications())).map(true).onSuccess(ok -> {
                                long failed = showRetries.recovered(retries);
                                if (failed > 0) {
                                    LOG.info("cluster: {} of room {} shown from {} after {} failed tries",
                                            member.getKey(), room, now.source(), failed);
                                }
                            }).recover(failure -> {
                                long held = showRetries.failure(retries);
                                if (held >= 0) {
                                    LOG.info("cluster: cannot show {} of room {} from {} yet: {}{}", member.getKey(),
                                            room, now.source(), failure.getMessage(), held > 0 ? " (" + held
                                                    + " more tries failed in the last " + LOG_INTERVAL.toSeconds()
                                                    + " s)" : "");
                                }
                                // It may be in the room here already: kept (where it is from, for via), without
                                // streams, so that the next pass shows them again.
                                shown.replace(member.getKey(), now, new Showing(now.node(), now.source(), List.of()));
                                return Future.succeededFuture(false);
                            }));
                }
            }
            return Future.join(shows).map(all -> shows.stream().allMatch(show -> Boolean.TRUE.equals(show.result())));
        });
    }

    /** On the edge context: reads what other nodes hold of the rooms served here, and shows it. */
    private void refreshUps() {
        if (upsReading) {
            return;
        }
        List<RoomKey> served = localRooms.stream().filter(room -> !edges.containsKey(room)).toList();
        ups.keySet().removeIf(room -> {
            if (served.contains(room)) {
                return false;
            }
            ups.get(room).keySet().forEach(user -> remote.hide(room, user, LeaveReason.LEAVE));
            return true;
        });
        if (served.isEmpty()) {
            return;
        }
        upsReading = true;
        redis.readUps(served).onComplete(read -> edgeContext.runOnContext(v -> {
            if (read.failed()) {
                upsReading = false; // Redis away: keep showing what we show
                return;
            }
            List<Future<Void>> syncs = new ArrayList<>();
            long now = System.nanoTime();
            upsDropped.values().removeIf(until -> now - until > 0);
            try {
                for (int i = 0; i < served.size(); i++) {
                    RoomKey room = served.get(i);
                    Map<String, String> fields = read.result().get(i);
                    Map<UserId, Showing> shown = ups.computeIfAbsent(room, k -> new LinkedHashMap<>());
                    Map<UserId, Showing> wanted = new LinkedHashMap<>();
                    fields.forEach((node, json) -> {
                        // Fields of nodes that are not alive (dead, or garbage) were deleted as they were read.
                        if (node.equals(selfId)) {
                            redis.publishUp(room, node, null); // this node serves the room: not an edge of it
                            return;
                        }
                        Optional<ClusterNode> source = nodeOf(node, nodes);
                        if (source.isEmpty()) {
                            return; // registered since the last heartbeat: shown after the next one
                        }
                        Published published = Published.parse(json);
                        if (published == null) {
                            // Garbage where a live node's members should be: dropped; that node publishes them
                            // again within a heartbeat, and its members shown here stay meanwhile (below).
                            LOG.warn("cluster: dropping malformed members of node {} in room {} from Redis", node,
                                    room);
                            redis.publishUp(room, node, null);
                            upsDropped.put(room + "|" + node, now + redis.config().heartbeat().toNanos() * 3);
                            return;
                        }
                        upsDropped.remove(room + "|" + node);
                        published.anchors().forEach((user, anchor) -> wanted.put(user, new Showing(
                                source.get().id(), source.get().internalUrl(), anchor.publications())));
                    });
                    shown.forEach((user, showing) -> {
                        if (upsDropped.containsKey(room + "|" + showing.node())) {
                            wanted.putIfAbsent(user, showing);
                        }
                    });
                    if (wanted.isEmpty() && shown.isEmpty()) {
                        continue;
                    }
                    Scene scene = rooms.find(room).map(Room::scene).orElse(Scene.RTC);
                    wanted.keySet().removeIf(user -> seats.own(room).containsKey(user));
                    syncs.add(reconcile(room, scene, shown, wanted).mapEmpty());
                }
            } catch (RuntimeException e) {
                LOG.warn("cluster: cannot show the members other nodes hold of rooms served here: {}", e.toString());
            }
            Future.join(syncs).onComplete(done -> upsReading = false);
        }));
    }

    /** Each room this node is an edge of in a tree, with the node it pulls from. */
    private Map<RoomKey, String> parents() {
        Map<RoomKey, String> parents = new LinkedHashMap<>();
        edges.forEach((room, edge) -> {
            String parent = edge.parent;
            if (parent != null) {
                parents.put(room, parent);
            }
        });
        return parents;
    }

    /** A room this node is an edge of: what it shows of the room's members, and its own members. */
    private static final class Edge {
        final RoomKey room;
        final Map<UserId, Showing> shown = new LinkedHashMap<>();
        int ownMembers;
        long lastOwnActivity = System.nanoTime();
        /** The room's node and the node this edge pulls from ({@link #parentOf}); null until picked. */
        String home;
        String parent;
        /** Until when (nanoTime) the edge stays without a member of its own ({@link #holdEdge}). */
        long holdUntil = System.nanoTime();
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
                .compose(drainAsked -> redis.touchSeats(List.copyOf(seats.rooms()))
                        .compose(ignored -> redis.touchTree(selfId, parents()))
                        .compose(ignored -> redis.touchUps(selfId, List.copyOf(upPublished)))
                        .compose(missing -> {
                            upChanged.addAll(missing);
                            return redis.renewRooms(selfId, List.copyOf(localRooms));
                        }).compose(lost ->
                        redis.nodes().map(fresh -> {
                            nodes = fresh;
                            if (!reachable) {
                                reachable = true;
                                // Entries and leaves while Redis was away: this node's seats as it counts them.
                                redis.writeSeats(selfId, seats.counts());
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
                if (pair[0].equals(key) && pair[1].isEmpty()) {
                    liveChanged.add(room); // Redis lost what this node published of it (a restart): again
                } else if (pair[0].equals(key)) {
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

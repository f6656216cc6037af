package io.lianmai.server.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianmai.room.RoomKey;
import io.lianmai.server.config.ClusterConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's state in Redis (docs/cluster.md#redis-keys): the node registry and which node serves each room. All
 * of it is written with a time to live, so that nothing a dead node held outlives it.
 *
 * <ul>
 *   <li>{@code lianmai:node:{id}}: the node's {@link ClusterNode} as JSON, set every heartbeat with
 *       {@code PX cluster.nodeTtlMillis}; {@code lianmai:nodes}: the set of node ids (pruned of expired ones).</li>
 *   <li>{@code lianmai:drain:{id}}: present while an operator asks node {@code id} to drain.</li>
 *   <li>{@code lianmai:room:{sdkAppId}:{room}}: the id of the node serving the room, renewed by that node every
 *       heartbeat with {@code PX} twice the node TTL.</li>
 * </ul>
 *
 * <p>Every decision that reads and writes (placing a room, renewing a node's rooms) is one Lua script, so two nodes
 * placing the same room at once agree on one. Thread-safety: safe from any thread; futures complete on the Redis
 * client's context.
 */
public final class RedisCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisCluster.class);
    static final String PREFIX = "lianmai:";
    static final String NODES = PREFIX + "nodes";
    /** A node's request to Redis that has not answered within this long fails (a hung server must not hang entries). */
    public static final long REQUEST_TIMEOUT_MILLIS = 2000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Places a room: its current node when that node's entry was renewed recently enough (PTTL at least ARGV[3]) and
     * it is not draining, else the candidate ARGV[1], written with PX ARGV[2]. Returns the serving node's id.
     */
    private static final String PLACE = """
            local owner = redis.call('GET', KEYS[1])
            if owner then
              local pttl = redis.call('PTTL', 'lianmai:node:' .. owner)
              if pttl >= tonumber(ARGV[3]) and redis.call('EXISTS', 'lianmai:drain:' .. owner) == 0 then
                return owner
              end
            end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return ARGV[1]
            """;
    /** Who serves a room, when its node is alive (PTTL at least ARGV[1]); nil otherwise. Writes nothing. */
    private static final String LOCATE = """
            local owner = redis.call('GET', KEYS[1])
            if owner and redis.call('PTTL', 'lianmai:node:' .. owner) >= tonumber(ARGV[1]) then
              return owner
            end
            return false
            """;
    /**
     * Renews the rooms KEYS for node ARGV[1] (PX ARGV[2]), taking back those nobody serves (Redis lost them);
     * returns the keys with the id of the other node that serves each now, as pairs.
     */
    private static final String RENEW = """
            local lost = {}
            for _, key in ipairs(KEYS) do
              local owner = redis.call('GET', key)
              if owner == false or owner == ARGV[1] then
                redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
              else
                table.insert(lost, key)
                table.insert(lost, owner)
              end
            end
            return lost
            """;
    /** Moves room KEYS[1] from node ARGV[1] to node ARGV[2] (PX ARGV[3]) if ARGV[1] still serves it. */
    private static final String MOVE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
              return 1
            end
            return 0
            """;
    /** Releases room KEYS[1] if node ARGV[1] serves it. */
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;
    /**
     * Every node: its JSON, the PTTL of its entry and whether a drain is asked, as triples; ids whose entry expired
     * leave the set.
     */
    private static final String LIST = """
            local out = {}
            for _, id in ipairs(redis.call('SMEMBERS', 'lianmai:nodes')) do
              local value = redis.call('GET', 'lianmai:node:' .. id)
              if value then
                table.insert(out, value)
                table.insert(out, redis.call('PTTL', 'lianmai:node:' .. id))
                table.insert(out, redis.call('EXISTS', 'lianmai:drain:' .. id))
              else
                redis.call('SREM', 'lianmai:nodes', id)
              end
            end
            return out
            """;

    private final Redis redis;
    private final ClusterConfig config;
    private final long timeoutMillis;

    private RedisCluster(Redis redis, ClusterConfig config, long timeoutMillis) {
        this.redis = redis;
        this.config = config;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * A client of {@code config.redis()} (a small pool; connections are made on first use and again after Redis
     * comes back).
     */
    public static RedisCluster connect(Vertx vertx, ClusterConfig config) {
        return connect(vertx, config, REQUEST_TIMEOUT_MILLIS);
    }

    /** As {@link #connect(Vertx, ClusterConfig)}, each request (its connection included) given {@code timeoutMillis}. */
    public static RedisCluster connect(Vertx vertx, ClusterConfig config, long timeoutMillis) {
        String uri = config.redis().orElseThrow(() -> new IllegalArgumentException("cluster.redis is not set"))
                .toString();
        Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(uri).setMaxPoolSize(8)
                .setMaxPoolWaiting(256).setPoolRecycleTimeout(15_000)
                .setNetClientOptions(new NetClientOptions().setConnectTimeout((int) timeoutMillis)
                        .setTcpKeepAlive(true).setTcpNoDelay(true)));
        return new RedisCluster(redis, config, timeoutMillis);
    }

    public ClusterConfig config() {
        return config;
    }

    /** The Redis key of {@code room}. */
    static String roomKey(RoomKey room) {
        return PREFIX + "room:" + room.sdkAppId().value() + ":" + room.roomKey();
    }

    static String nodeKey(String nodeId) {
        return PREFIX + "node:" + nodeId;
    }

    static String drainKey(String nodeId) {
        return PREFIX + "drain:" + nodeId;
    }

    /** How long a room stays placed on a node that stopped renewing it. */
    long roomTtlMillis() {
        return config.nodeTtl().toMillis() * 2;
    }

    /**
     * The least remaining TTL of a live node's entry: a node that missed more than two and a half heartbeats counts
     * as gone for placement, before its entry expires.
     */
    long alivePttlMillis() {
        return Math.max(1, config.nodeTtl().toMillis() - config.heartbeat().toMillis() * 5 / 2);
    }

    /** Writes this node's entry, with the TTL; tells whether a drain of this node is asked. */
    Future<Boolean> heartbeat(ClusterNode self) {
        String json;
        try {
            json = JSON.writeValueAsString(self);
        } catch (JsonProcessingException e) {
            return Future.failedFuture(e);
        }
        return batch(List.of(
                Request.cmd(Command.SET).arg(nodeKey(self.id())).arg(json).arg("PX").arg(config.nodeTtl().toMillis()),
                Request.cmd(Command.SADD).arg(NODES).arg(self.id()),
                Request.cmd(Command.EXISTS).arg(drainKey(self.id()))))
                .map(responses -> responses.get(2).toInteger() == 1);
    }

    /** Renews the rooms this node serves; answers those another node serves now (key → that node's id). */
    Future<List<String[]>> renewRooms(String selfId, List<RoomKey> rooms) {
        if (rooms.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        Request script = Request.cmd(Command.EVAL).arg(RENEW).arg(rooms.size());
        for (RoomKey room : rooms) {
            script.arg(roomKey(room));
        }
        script.arg(selfId).arg(roomTtlMillis());
        return send(script).map(response -> {
            List<String[]> lost = new ArrayList<>();
            for (int i = 0; i + 1 < response.size(); i += 2) {
                lost.add(new String[] {response.get(i).toString(), response.get(i + 1).toString()});
            }
            return lost;
        });
    }

    /** The node serving {@code room}, placing it on {@code candidateId} when no live, undrained node does. */
    Future<String> place(RoomKey room, String candidateId) {
        return send(Request.cmd(Command.EVAL).arg(PLACE).arg(1).arg(roomKey(room)).arg(candidateId)
                .arg(roomTtlMillis()).arg(alivePttlMillis())).map(Response::toString);
    }

    /** The live node serving {@code room}, if any. */
    Future<Optional<String>> locate(RoomKey room) {
        return send(Request.cmd(Command.EVAL).arg(LOCATE).arg(1).arg(roomKey(room)).arg(alivePttlMillis()))
                .map(response -> Optional.ofNullable(response).map(Response::toString));
    }

    /** Moves {@code room} from {@code fromId} to {@code toId}; false when {@code fromId} no longer served it. */
    Future<Boolean> move(RoomKey room, String fromId, String toId) {
        return send(Request.cmd(Command.EVAL).arg(MOVE).arg(1).arg(roomKey(room)).arg(fromId).arg(toId)
                .arg(roomTtlMillis())).map(response -> response.toInteger() == 1);
    }

    /** The Redis key of a live room's anchors as its serving node publishes them for edges. */
    static String liveKey(RoomKey room) {
        return PREFIX + "live:" + room.sdkAppId().value() + ":" + room.roomKey();
    }

    /** Publishes {@code room}'s anchors (JSON) for edge nodes, or removes them ({@code json} null). */
    Future<Void> publishLive(RoomKey room, String json) {
        if (json == null) {
            return send(Request.cmd(Command.DEL).arg(liveKey(room))).mapEmpty();
        }
        return send(Request.cmd(Command.SET).arg(liveKey(room)).arg(json).arg("PX").arg(roomTtlMillis()))
                .mapEmpty();
    }

    /** What the node serving {@code room} published of its anchors, if anything. */
    Future<Optional<String>> readLive(RoomKey room) {
        return send(Request.cmd(Command.GET).arg(liveKey(room))).map(response -> Optional.ofNullable(response)
                .map(Response::toString));
    }

    /** Forgets that {@code selfId} serves {@code room} (its last member left). */
    Future<Void> release(RoomKey room, String selfId) {
        return send(Request.cmd(Command.EVAL).arg(RELEASE).arg(1).arg(roomKey(room)).arg(selfId)).mapEmpty();
    }

    /** Takes this node out of the registry (an orderly stop) and withdraws a drain order addressed to it. */
    Future<Void> leave(String selfId) {
        return batch(List.of(Request.cmd(Command.DEL).arg(nodeKey(selfId)).arg(drainKey(selfId)),
                Request.cmd(Command.SREM).arg(NODES).arg(selfId))).mapEmpty();
    }

    /** Withdraws a drain order addressed to {@code nodeId} (a node that starts again serves again). */
    public Future<Boolean> undrain(String nodeId) {
        return send(Request.cmd(Command.DEL).arg(drainKey(nodeId))).map(response -> response.toInteger() == 1);
    }

    /** Asks node {@code nodeId} to drain; fails when no such node is registered. */
    public Future<Void> drain(String nodeId) {
        return send(Request.cmd(Command.EXISTS).arg(nodeKey(nodeId))).compose(exists -> {
            if (exists.toInteger() != 1) {
                return Future.failedFuture(new IllegalArgumentException("no node '" + nodeId + "' in the cluster "
                        + "(lianmai node list shows them)"));
            }
            return send(Request.cmd(Command.SET).arg(drainKey(nodeId)).arg("1")).mapEmpty();
        });
    }

    /** The registered nodes, by id; each with whether a drain is asked of it (in {@link ClusterNode#draining}). */
    public Future<List<ClusterNode>> nodes() {
        return send(Request.cmd(Command.EVAL).arg(LIST).arg(0)).map(response -> {
            List<ClusterNode> nodes = new ArrayList<>();
            for (int i = 0; i + 2 < response.size(); i += 3) {
                try {
                    ClusterNode node = JSON.readValue(response.get(i).toString(), ClusterNode.class);
                    boolean drainAsked = response.get(i + 2).toInteger() == 1;
                    long pttl = response.get(i + 1).toLong();
                    if (pttl < alivePttlMillis()) {
                        continue; // silent for more than 2.5 heartbeats: gone for placement
                    }
                    nodes.add(drainAsked && !node.draining() ? withDraining(node) : node);
                } catch (JsonProcessingException e) {
                    LOG.warn("ignoring a malformed node entry in Redis: {}", e.getOriginalMessage());
                }
            }
            nodes.sort(Comparator.comparing(ClusterNode::id));
            return nodes;
        });
    }

    private static ClusterNode withDraining(ClusterNode node) {
        return new ClusterNode(node.id(), node.url(), node.internalUrl(), node.mediaPort(), node.rtmpPort(), node.rooms(), node.members(),
                node.sessions(), node.bitrateOutBps(), node.cpu(), true, node.startedAt(), node.version());
    }

    private Future<Response> send(Request request) {
        return timed(redis.send(request));
    }

    private Future<List<Response>> batch(List<Request> requests) {
        return timed(redis.batch(requests));
    }

    private <T> Future<T> timed(Future<T> request) {
        return request.timeout(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code future}'s result to completion on the caller, for the CLI (blocking). */
    static <T> T await(Future<T> future) throws Exception {
        Promise<T> promise = Promise.promise();
        future.onComplete(promise);
        return promise.future().toCompletionStage().toCompletableFuture().get(REQUEST_TIMEOUT_MILLIS * 2,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        redis.close();
    }
}

package io.lianmai.server.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianmai.common.UserId;
import io.lianmai.room.RoomKey;
import io.lianmai.server.config.ClusterConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
     * Renews the rooms KEYS for node ARGV[1] (PX ARGV[2]), taking back those nobody serves (Redis lost them), and
     * their published members ({@code lianmai:live:…}, the same suffix); returns, as pairs, the keys with the id of
     * the other node that serves each now, and the keys whose published members are missing with an empty id.
     */
    private static final String RENEW = """
            local lost = {}
            for _, key in ipairs(KEYS) do
              local owner = redis.call('GET', key)
              if owner == false or owner == ARGV[1] then
                redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
                if redis.call('PEXPIRE', 'lianmai:live:' .. string.sub(key, 14), ARGV[2]) == 0 then
                  table.insert(lost, key)
                  table.insert(lost, '')
                end
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
    /**
     * Moves room KEYS[1] from node ARGV[1] to node ARGV[2] (PX ARGV[3]) if ARGV[1] still serves it and holds no seat in
     * it (KEYS[2], the room's seats): a room its node holds nobody of. Returns 1 when moved.
     */
    private static final String TAKE_OVER = """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then
              return 0
            end
            for _, kind in ipairs({'n', 'a', 'u'}) do
              if (tonumber(redis.call('HGET', KEYS[2], ARGV[1] .. '|' .. kind)) or 0) > 0 then
                return 0
              end
            end
            redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
            return 1
            """;
    /**
     * The node edge ARGV[1] of a live room pulls its streams from, recorded in the room's tree KEYS[1] (field: edge,
     * value: its parent): the room's node ARGV[2] while it feeds fewer than ARGV[3] edges (0: no limit), else the
     * edge nearest the room's node feeding fewer than ARGV[3], never one below ARGV[1] itself. Edges whose node is
     * gone (PTTL below ARGV[4]) leave the tree. Written with PX ARGV[5]; returns the parent's id.
     */
    private static final String PICK_PARENT = """
            local parents = {}
            local children = {}
            local fields = redis.call('HGETALL', KEYS[1])
            for i = 1, #fields, 2 do
              local node = fields[i]
              if node ~= ARGV[1] then
                if redis.call('PTTL', 'lianmai:node:' .. node) >= tonumber(ARGV[4]) then
                  parents[node] = fields[i + 1]
                  children[fields[i + 1]] = (children[fields[i + 1]] or 0) + 1
                else
                  redis.call('HDEL', KEYS[1], node)
                end
              end
            end
            local fanout = tonumber(ARGV[3])
            local choice = ARGV[2]
            if fanout > 0 and (children[ARGV[2]] or 0) >= fanout then
              local best, bestDepth, bestChildren = nil, 1000000, 1000000
              for node, parent in pairs(parents) do
                local depth, above, steps = 1, parent, 0
                while above ~= ARGV[2] and above ~= ARGV[1] and parents[above] and steps < 32 do
                  above = parents[above]
                  depth = depth + 1
                  steps = steps + 1
                end
                local count = children[node] or 0
                if above == ARGV[2] and count < fanout
                    and (depth < bestDepth or (depth == bestDepth and count < bestChildren)) then
                  best, bestDepth, bestChildren = node, depth, count
                end
              end
              if best then
                choice = best
              end
            end
            redis.call('HSET', KEYS[1], ARGV[1], choice)
            redis.call('PEXPIRE', KEYS[1], ARGV[5])
            return choice
            """;
    /**
     * The fields of hash KEYS[1] whose node is alive (PTTL at least ARGV[1]), as a flat array (whichever protocol,
     * RESP2 or 3, the client speaks); the other fields are deleted, and the key itself when it is not a hash.
     */
    private static final String READ_UPS = """
            local kind = redis.call('TYPE', KEYS[1])['ok']
            if kind ~= 'hash' then
              if kind ~= 'none' then
                redis.call('DEL', KEYS[1])
              end
              return {}
            end
            local out = {}
            local fields = redis.call('HGETALL', KEYS[1])
            for i = 1, #fields, 2 do
              if redis.call('PTTL', 'lianmai:node:' .. fields[i]) >= tonumber(ARGV[1]) then
                table.insert(out, fields[i])
                table.insert(out, fields[i + 1])
              else
                redis.call('HDEL', KEYS[1], fields[i])
              end
            end
            return out
            """;
    /**
     * Renews hash KEYS[1] (PX ARGV[2]) if it holds field ARGV[1]; returns 1 then, 0 when the field is missing (or the
     * key is not a hash: the room's node deletes it).
     */
    private static final String TOUCH_UP = """
            if redis.call('TYPE', KEYS[1])['ok'] == 'hash' and redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
              return redis.call('PEXPIRE', KEYS[1], ARGV[2])
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

    /**
     * Takes a seat of kind ARGV[2] ({@code n} an rtc member, {@code a} a live anchor, {@code u} live audience) in
     * the room whose seat counts are KEYS[1] (field {@code node|kind}, a count) for user ARGV[6] on node ARGV[1],
     * unless the seats of that kind held by live nodes (PTTL at least ARGV[4]) already reach ARGV[3] (0: no limit).
     * Fields of dead nodes are deleted on the way. Refused first when KEYS[2] holds the epoch millisecond until which
     * the server API removed the user from the room. An entry (ARGV[7] = 1, not a role switch) records where the user
     * is in KEYS[3] (field user, value {@code node|kind}); a user held by another live node with a seat of the same
     * kind is not counted twice (that node is told to end the old login, and its seat goes with it).
     * Returns {status, value, node}: {1, seats held now, the live node that held the user before or ''},
     * {0, seats held, ''} when full, {2, epoch millisecond, ''} when the user was removed.
     */
    private static final String TAKE_SEAT = """
            local removed = tonumber(redis.call('GET', KEYS[2]) or '')
            if removed ~= nil and removed > 1 then
              return {2, removed, ''}
            end
            local before = ''
            local sameKindElsewhere = false
            if ARGV[7] == '1' then
              local where = redis.call('HGET', KEYS[3], ARGV[6])
              if where then
                local node, kind = string.match(where, '^(.+)|(%a)$')
                if node ~= nil and node ~= ARGV[1]
                    and redis.call('PTTL', 'lianmai:node:' .. node) >= tonumber(ARGV[4]) then
                  before = node
                  sameKindElsewhere = kind == ARGV[2]
                end
              end
            end
            local held = 0
            local fields = redis.call('HGETALL', KEYS[1])
            for i = 1, #fields, 2 do
              local node, kind = string.match(fields[i], '^(.+)|(%a)$')
              if node == nil or (node ~= ARGV[1]
                  and redis.call('PTTL', 'lianmai:node:' .. node) < tonumber(ARGV[4])) then
                redis.call('HDEL', KEYS[1], fields[i])
              elseif kind == ARGV[2] then
                held = held + (tonumber(fields[i + 1]) or 0)
              end
            end
            if not sameKindElsewhere and tonumber(ARGV[3]) > 0 and held >= tonumber(ARGV[3]) then
              return {0, held, ''}
            end
            redis.call('HINCRBY', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 1)
            redis.call('PEXPIRE', KEYS[1], ARGV[5])
            if ARGV[7] == '1' then
              redis.call('HSET', KEYS[3], ARGV[6], ARGV[1] .. '|' .. ARGV[2])
              redis.call('PEXPIRE', KEYS[3], ARGV[5])
            end
            return {1, held + 1, before}
            """;
    /** Deletes field ARGV[1] (a user) of KEYS[1] (where a room's users are) if this node (ARGV[2]) holds it. */
    private static final String LEFT_HERE = """
            local where = redis.call('HGET', KEYS[1], ARGV[1])
            if where and string.sub(where, 1, string.len(ARGV[2]) + 1) == ARGV[2] .. '|' then
              redis.call('HDEL', KEYS[1], ARGV[1])
            end
            return 0
            """;
    /**
     * Renews the seat counts and the users' nodes KEYS (PX ARGV[2]), deleting the fields of nodes no longer alive
     * (PTTL below ARGV[1]): a dead node's members hold no seats.
     */
    private static final String TOUCH_SEATS = """
            for _, key in ipairs(KEYS) do
              local fields = redis.call('HGETALL', key)
              local users = string.sub(key, 1, 14) == 'lianmai:where:'
              for i = 1, #fields, 2 do
                local node = string.match(users and fields[i + 1] or fields[i], '^(.+)|%a$')
                if node == nil or redis.call('PTTL', 'lianmai:node:' .. node) < tonumber(ARGV[1]) then
                  redis.call('HDEL', key, fields[i])
                end
              end
              if redis.call('EXISTS', key) == 1 then
                redis.call('PEXPIRE', key, ARGV[2])
              end
            end
            return 0
            """;
    /** Adds ARGV[2k] to field ARGV[2k-1] of KEYS[1] for each pair (PX ARGV[1] is the first argument); a field at
     * zero or below is deleted. */
    private static final String ADJUST_SEATS = """
            for i = 2, #ARGV, 2 do
              local value = redis.call('HINCRBY', KEYS[1], ARGV[i], tonumber(ARGV[i + 1]))
              if value <= 0 then
                redis.call('HDEL', KEYS[1], ARGV[i])
              end
            end
            if redis.call('EXISTS', KEYS[1]) == 1 then
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
            end
            return 0
            """;

    private final Redis redis;
    private final ClusterConfig config;
    private final long timeoutMillis;
    private volatile RedisConnection subscription;
    private volatile boolean closed;

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

    /**
     * Renews the rooms this node serves and what it published of them; answers those another node serves now (key →
     * that node's id) and those whose published members Redis lost (key → empty).
     */
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

    /** Moves {@code room} from {@code fromId} to {@code toId} if {@code fromId} serves it but holds no member of it. */
    Future<Boolean> takeOver(RoomKey room, String fromId, String toId) {
        return send(Request.cmd(Command.EVAL).arg(TAKE_OVER).arg(2).arg(roomKey(room)).arg(seatsKey(room)).arg(fromId)
                .arg(toId).arg(roomTtlMillis())).map(response -> response.toInteger() == 1);
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

    /** The Redis key of {@code room}'s seat counts (field {@code node|kind}). */
    static String seatsKey(RoomKey room) {
        return PREFIX + "seats:" + room.sdkAppId().value() + ":" + room.roomKey();
    }

    static String removedKey(RoomKey room, UserId user) {
        return PREFIX + "removed:" + room.sdkAppId().value() + ":" + room.roomKey() + ":" + user.value();
    }

    /**
     * Takes a seat of {@code kind} in {@code room} for {@code user} on {@code selfId} unless live nodes hold
     * {@code limit} of them already ({@code limit} 0: none) or the server API removed the user from the room for a
     * while ({@link #refuse}); an {@code entry} (not a role switch or a publication) records the user's node.
     * Completes with what the script found ({@link Seat}).
     */
    Future<Seat> takeSeat(RoomKey room, UserId user, String selfId, char kind, int limit, boolean entry) {
        return send(Request.cmd(Command.EVAL).arg(TAKE_SEAT).arg(3).arg(seatsKey(room)).arg(removedKey(room, user))
                .arg(whereKey(room)).arg(selfId).arg(String.valueOf(kind)).arg(limit).arg(alivePttlMillis())
                .arg(roomTtlMillis()).arg(user.value()).arg(entry ? "1" : "0"))
                .map(response -> {
                    String before = response.get(2).toString();
                    return new Seat(switch (response.get(0).toInteger()) {
                        case 1 -> Seat.Status.TAKEN;
                        case 2 -> Seat.Status.REMOVED;
                        default -> Seat.Status.FULL;
                    }, response.get(1).toLong(), before.isEmpty() ? Optional.empty() : Optional.of(before));
                });
    }

    /**
     * What {@link #takeSeat} found: {@code value} the seats of the kind held now (taken, full) or the epoch millisecond
     * from which a removed user may enter again; {@code before} the other live node that held the user.
     */
    record Seat(Status status, long value, Optional<String> before) {
        enum Status { TAKEN, FULL, REMOVED }
    }

    /** The user left this node's copy of the room: it is no longer held here (unless held elsewhere since). */
    Future<Void> leftHere(RoomKey room, UserId user, String selfId) {
        return send(Request.cmd(Command.EVAL).arg(LEFT_HERE).arg(1).arg(whereKey(room)).arg(user.value())
                .arg(selfId)).mapEmpty();
    }

    static String whereKey(RoomKey room) {
        return PREFIX + "where:" + room.sdkAppId().value() + ":" + room.roomKey();
    }

    /** Refuses {@code users} seats in {@code room} (so entries through any node) until {@code untilMillis}. */
    Future<Void> refuse(RoomKey room, List<UserId> users, long untilMillis, long nowMillis) {
        long ttl = untilMillis - nowMillis;
        if (ttl <= 0 || users.isEmpty()) {
            return Future.succeededFuture();
        }
        List<Request> sets = users.stream().map(user -> Request.cmd(Command.SET).arg(removedKey(room, user))
                .arg(untilMillis).arg("PX").arg(ttl)).toList();
        return batch(sets).mapEmpty();
    }

    /** Adds {@code deltas} (kind → change) to {@code selfId}'s seats of {@code room}. */
    Future<Void> adjustSeats(RoomKey room, String selfId, Map<Character, Integer> deltas) {
        Request script = Request.cmd(Command.EVAL).arg(ADJUST_SEATS).arg(1).arg(seatsKey(room)).arg(roomTtlMillis());
        deltas.forEach((kind, delta) -> script.arg(selfId + "|" + kind).arg(delta));
        return send(script).mapEmpty();
    }

    /**
     * Writes {@code selfId}'s seats of each room as this node counts them (after Redis was away, its counts may be
     * behind) and renews their time to live.
     */
    Future<Void> writeSeats(String selfId, Map<RoomKey, Map<Character, Integer>> seats) {
        if (seats.isEmpty()) {
            return Future.succeededFuture();
        }
        List<Request> requests = new ArrayList<>();
        seats.forEach((room, counts) -> {
            Request set = Request.cmd(Command.HSET).arg(seatsKey(room));
            counts.forEach((kind, count) -> set.arg(selfId + "|" + kind).arg(count));
            requests.add(set);
            requests.add(Request.cmd(Command.PEXPIRE).arg(seatsKey(room)).arg(roomTtlMillis()));
        });
        return batch(requests).mapEmpty();
    }

    /** Renews the time to live of the seat counts of {@code rooms}, dropping dead nodes' seats. */
    Future<Void> touchSeats(List<RoomKey> rooms) {
        if (rooms.isEmpty()) {
            return Future.succeededFuture();
        }
        Request script = Request.cmd(Command.EVAL).arg(TOUCH_SEATS).arg(2 * rooms.size());
        for (RoomKey room : rooms) {
            script.arg(seatsKey(room));
        }
        for (RoomKey room : rooms) {
            script.arg(whereKey(room));
        }
        return send(script.arg(alivePttlMillis()).arg(roomTtlMillis())).mapEmpty();
    }

    /**
     * Renews what node {@code selfId} published of the rooms it is an edge of; answers those whose field Redis lost
     * (the key expired or was flushed, or the room's node dropped the field as malformed).
     */
    Future<List<RoomKey>> touchUps(String selfId, List<RoomKey> rooms) {
        if (rooms.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        List<Request> requests = new ArrayList<>();
        for (RoomKey room : rooms) {
            requests.add(Request.cmd(Command.EVAL).arg(TOUCH_UP).arg(1).arg(upKey(room)).arg(selfId)
                    .arg(roomTtlMillis()));
        }
        return batch(requests).map(responses -> {
            List<RoomKey> missing = new ArrayList<>();
            for (int i = 0; i < responses.size(); i++) {
                if (responses.get(i) == null || responses.get(i).toInteger() == 0) {
                    missing.add(rooms.get(i));
                }
            }
            return missing;
        });
    }

    /** The Redis key of a live room's tree of edges (field: edge node id, value: the node it pulls from). */
    static String treeKey(RoomKey room) {
        return PREFIX + "tree:" + room.sdkAppId().value() + ":" + room.roomKey();
    }

    /** Which node edge {@code selfId} of {@code room} pulls from ({@code cluster.edgeFanout}); recorded in the tree. */
    Future<String> pickParent(RoomKey room, String selfId, String homeId, int fanout) {
        return send(Request.cmd(Command.EVAL).arg(PICK_PARENT).arg(1).arg(treeKey(room)).arg(selfId).arg(homeId)
                .arg(fanout).arg(alivePttlMillis()).arg(roomTtlMillis())).map(Response::toString);
    }

    /** Renews edge {@code selfId}'s place in each room's tree (room → parent). */
    Future<Void> touchTree(String selfId, Map<RoomKey, String> parents) {
        if (parents.isEmpty()) {
            return Future.succeededFuture();
        }
        List<Request> requests = new ArrayList<>();
        parents.forEach((room, parent) -> {
            requests.add(Request.cmd(Command.HSET).arg(treeKey(room)).arg(selfId).arg(parent));
            requests.add(Request.cmd(Command.PEXPIRE).arg(treeKey(room)).arg(roomTtlMillis()));
        });
        return batch(requests).mapEmpty();
    }

    /** Takes edge {@code selfId} out of {@code room}'s tree. */
    Future<Void> leaveTree(RoomKey room, String selfId) {
        return send(Request.cmd(Command.HDEL).arg(treeKey(room)).arg(selfId)).mapEmpty();
    }

    /** The Redis key of the members other nodes hold of {@code room} (field: node id, value: JSON). */
    static String upKey(RoomKey room) {
        return PREFIX + "up:" + room.sdkAppId().value() + ":" + room.roomKey();
    }

    /**
     * Publishes the anchors node {@code selfId} holds of a room served elsewhere ({@code json}), or withdraws them
     * (null; also how the room's node removes what a dead node left).
     */
    Future<Void> publishUp(RoomKey room, String selfId, String json) {
        if (json == null) {
            return send(Request.cmd(Command.HDEL).arg(upKey(room)).arg(selfId)).mapEmpty();
        }
        return batch(List.of(Request.cmd(Command.HSET).arg(upKey(room)).arg(selfId).arg(json),
                Request.cmd(Command.PEXPIRE).arg(upKey(room)).arg(roomTtlMillis()))).mapEmpty();
    }

    /**
     * For each of {@code rooms} (in order), what live nodes published of their members there (node → JSON). Fields
     * of nodes not alive (dead, or not a node id at all) are deleted as they are read, and so is a key that is not a
     * hash: garbage in one room's key costs nothing to the others.
     */
    Future<List<Map<String, String>>> readUps(List<RoomKey> rooms) {
        if (rooms.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        List<Request> requests = new ArrayList<>();
        for (RoomKey room : rooms) {
            requests.add(Request.cmd(Command.EVAL).arg(READ_UPS).arg(1).arg(upKey(room)).arg(alivePttlMillis()));
        }
        return batch(requests).map(responses -> {
            List<Map<String, String>> out = new ArrayList<>();
            for (Response response : responses) {
                Map<String, String> fields = new java.util.LinkedHashMap<>();
                for (int i = 0; response != null && i + 1 < response.size(); i += 2) {
                    fields.put(response.get(i).toString(), response.get(i + 1).toString());
                }
                out.add(fields);
            }
            return out;
        });
    }

    /** The channel nodes tell each other their members' custom messages on. */
    static final String MESSAGES = PREFIX + "messages";

    /** Publishes {@code json} on {@link #MESSAGES} (to every node subscribed). */
    Future<Void> publishMessage(String json) {
        return send(Request.cmd(Command.PUBLISH).arg(MESSAGES).arg(json)).mapEmpty();
    }

    /**
     * Subscribes {@code handler} to {@link #MESSAGES} on a connection of its own, connecting again
     * {@code retryMillis} after it is lost (Redis away or restarted) until {@link #close}. Messages published while
     * the connection is down are lost (pub/sub keeps nothing).
     */
    void subscribeMessages(Vertx vertx, long retryMillis, java.util.function.Consumer<String> handler) {
        if (closed) {
            return;
        }
        redis.connect().onSuccess(connection -> {
            subscription = connection;
            Runnable again = () -> {
                if (!closed && subscription == connection) {
                    subscription = null;
                    vertx.setTimer(retryMillis, id -> subscribeMessages(vertx, retryMillis, handler));
                }
            };
            connection.handler(message -> {
                // ["message", channel, payload]: a push (RESP3) or a multi-bulk reply (RESP2).
                if (message != null && message.size() == 3 && "message".equals(message.get(0).toString())) {
                    handler.accept(message.get(2).toString());
                }
            });
            connection.exceptionHandler(failure -> {
                connection.close();
                again.run();
            });
            connection.endHandler(ended -> again.run());
            connection.send(Request.cmd(Command.SUBSCRIBE).arg(MESSAGES)).onFailure(failure -> {
                connection.close();
                again.run();
            });
        }).onFailure(failure -> vertx.setTimer(retryMillis, id -> subscribeMessages(vertx, retryMillis, handler)));
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
        closed = true;
        RedisConnection connection = subscription;
        if (connection != null) {
            connection.close();
        }
        redis.close();
    }
}

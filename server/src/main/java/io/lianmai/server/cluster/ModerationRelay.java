package io.lianmai.server.cluster;

import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.UserId;
import io.lianmai.room.RoomKey;
import io.lianmai.server.api.RoomModeration;
import io.lianmai.server.http.RequestBodies;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server API's room actions ({@code DismissRoom}, {@code RemoveUser} and their string-room twins) across a
 * cluster (docs/cluster.md): the node asked sends the action to every other live node (a room may span nodes), signed
 * with the node secret ({@link NodeRequestSigner}), as {@code POST /internal/v1/moderate}; each runs it on its own
 * members of the room.
 * The caller was authenticated by the first node (its API credential or administrator UserSig); the second trusts
 * the node signature only.
 */
public final class ModerationRelay implements RoomModeration.Elsewhere {
    static final String PATH = "/internal/v1/moderate";
    private static final Logger LOG = LoggerFactory.getLogger(ModerationRelay.class);
    private static final int MAX_BODY_BYTES = 16 * 1024;
    private static final long TIMEOUT_MILLIS = 5_000;
    /** {@code RemoveUser}'s limit of users per call (TRTC's). */
    static final int MAX_USERS = 10;
    private static final int MAX_ERROR_CHARS = 200;

    private final Vertx vertx;
    /** The other live nodes of the cluster, as of the last heartbeat. */
    private final Supplier<List<ClusterNode>> otherNodes;
    private final NodeRequestSigner signer;
    private final RoomModeration moderation;
    private final HttpClient http;
    /** Where requests to other nodes are sent from (see {@link #run}). */
    private final Context loop;
    /** Where RemoveUser's rejoin block is written for every node (null in tests of the relay alone). */
    private final ClusterService cluster;

    public ModerationRelay(Vertx vertx, ClusterService cluster, NodeRequestSigner signer, RoomModeration moderation) {
        this(vertx, () -> cluster.nodes().stream().filter(node -> !node.id().equals(cluster.nodeId())).toList(),
                signer, moderation, cluster);
    }

    /** With {@code otherNodes} the nodes to send room actions to (the cluster's others; a test's stand-ins). */
    ModerationRelay(Vertx vertx, Supplier<List<ClusterNode>> otherNodes, NodeRequestSigner signer,
            RoomModeration moderation) {
        this(vertx, otherNodes, signer, moderation, null);
    }

    private ModerationRelay(Vertx vertx, Supplier<List<ClusterNode>> otherNodes, NodeRequestSigner signer,
            RoomModeration moderation, ClusterService cluster) {
        this.cluster = cluster;
        this.vertx = vertx;
        this.otherNodes = otherNodes;
        this.signer = signer;
        this.moderation = moderation;
        this.http = vertx.createHttpClient();
        // Built on a thread of no context (server start-up), this is an event-loop context.
        this.loop = vertx.getOrCreateContext();
    }

    /** Adds {@code POST /internal/v1/moderate} to {@code router}. */
    public void mount(Router router) {
        RequestBodies.read(router.post(PATH), MAX_BODY_BYTES);
        router.post(PATH).handler(this::receive)
                .failureHandler(context -> RelayRoutes.refuseTooLarge(context, MAX_BODY_BYTES));
    }

    // ---- the node that asks ----

    @Override
    public void refuse(SdkAppId sdkAppId, RoomRef room, List<UserId> userIds, Instant until, Instant now) {
        if (cluster == null) {
            return;
        }
        try {
            await(cluster.refuseEntries(new RoomKey(sdkAppId, room.key()), userIds, until, now),
                    "Redis to refuse " + userIds + " the room");
        } catch (IllegalStateException e) {
            // The nodes holding the room refuse them all the same; a node the room reaches later would not.
            LOG.warn("RemoveUser: the rejoin block of {} in room {} is not in Redis: {}", userIds, room.key(),
                    e.getMessage());
        }
    }

    @Override
    public Optional<RoomModeration.Result> run(RoomModeration.Request request) {
        // A room may span nodes (docs/cluster.md#rooms-across-nodes): every other live node acts on its members.
        List<ClusterNode> others = otherNodes.get();
        if (others.isEmpty()) {
            return Optional.empty();
        }
        JsonObject body = new JsonObject().put("action", request.action().name())
                .put("sdkAppId", request.sdkAppId().value()).put("roomKey", request.room().key())
                .put("userIds", new JsonArray(request.userIds().stream().map(UserId::value).toList()));
        byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
        List<Future<JsonObject>> answers = new ArrayList<>();
        for (ClusterNode node : others) {
            answers.add(ask(node, bytes));
        }
        await(Future.join(answers).otherwiseEmpty(), request.action() + " on " + others.size() + " other node(s)");
        boolean found = false;
        Set<UserId> removed = new LinkedHashSet<>();
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            Future<JsonObject> answer = answers.get(i);
            if (answer.failed()) {
                failed.add(others.get(i).id() + " (" + answer.cause().getMessage() + ")");
                continue;
            }
            found |= answer.result().getBoolean("found", false);
            for (Object each : answer.result().getJsonArray("removed", new JsonArray())) {
                removed.add(UserId.parse(String.valueOf(each)));
            }
        }
        if (!failed.isEmpty()) {
            // The action is repeatable: the caller tries again once every node answers.
            throw new IllegalStateException(request.action() + " did not reach every node holding the room: "
                    + String.join(", ", failed));
        }
        return Optional.of(new RoomModeration.Result(found, List.copyOf(removed)));
    }

    /**
     * Ends {@code user}'s login in {@code room} on node {@code nodeId}: its login on this node replaces it
     * ({@link ClusterService.LoginsElsewhere}). Nothing to do when that node is gone (its members went with it).
     */
    public Future<Void> replace(String nodeId, RoomKey room, UserId user) {
        Optional<ClusterNode> node = otherNodes.get().stream().filter(each -> each.id().equals(nodeId)).findFirst();
        if (node.isEmpty()) {
            return Future.succeededFuture();
        }
        JsonObject body = new JsonObject().put("action", RoomModeration.Action.REPLACE.name())
                .put("sdkAppId", room.sdkAppId().value()).put("roomKey", room.roomKey())
                .put("userIds", new JsonArray(List.of(user.value())));
        return ask(node.get(), body.encode().getBytes(StandardCharsets.UTF_8)).mapEmpty();
    }

    /** Sends a signed room action to {@code node}; its answer, completed on {@link #loop}. */
    private Future<JsonObject> ask(ClusterNode node, byte[] bytes) {
        // Sent from the client's event-loop context, not from a worker thread: a response that arrives while a
        // worker-context callback is still on its way can lose its body, and the call then waits out its timeout
        // (about 1 in 100 calls from a worker in a loopback probe; none from an event-loop context).
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .setAbsoluteURI(URI.create(node.internalUrl()).resolve(PATH).toString())
                .setTimeout(TIMEOUT_MILLIS).putHeader("content-type", "application/json");
        signer.sign("POST", PATH, bytes).forEach(options::putHeader);
        Promise<JsonObject> asked = Promise.promise();
        loop.runOnContext(ignored -> http.request(options).compose(sent -> sent.send(Buffer.buffer(bytes)))
                .compose(response -> response.body().map(content -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("node " + node.id() + " answered "
                                + response.statusCode() + ": " + content);
                    }
                    return new JsonObject(content);
                })).onComplete(asked));
        return asked.future();
    }

    private static <T> T await(Future<T> future, String what) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_MILLIS + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted asking " + what, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot ask " + what + ": " + e.getMessage(), e);
        }
    }

    // ---- the node that serves the room ----

    private void receive(RoutingContext context) {
        byte[] body = context.body().buffer() == null ? new byte[0] : context.body().buffer().getBytes();
        NodeRequestSigner.Verdict verdict = signer.verify("POST", context.request().uri(),
                context.request().getHeader(NodeRequestSigner.NODE_HEADER),
                context.request().getHeader(NodeRequestSigner.TIMESTAMP_HEADER),
                context.request().getHeader(NodeRequestSigner.SIGNATURE_HEADER), body);
        if (!verdict.accepted()) {
            LOG.warn("refused a room action from {}: {}", context.request().remoteAddress(), verdict.reason());
            reply(context, 401, new JsonObject().put("error", verdict.reason()));
            return;
        }
        RoomModeration.Request request;
        try {
            request = parse(body);
        } catch (IllegalArgumentException e) {
            reply(context, 400, new JsonObject().put("error", "a room action is {action: DISMISS|REMOVE|REPLACE, "
                    + "sdkAppId, roomKey, userIds}: " + shorten(e.getMessage())));
            return;
        }
        vertx.executeBlocking(() -> runHere(request), false).onComplete(result -> {
            if (result.failed()) {
                LOG.warn("room action {} forwarded by node {} failed", request.action(),
                        verdict.node().orElse("?"), result.cause());
                reply(context, 500, new JsonObject().put("error", "the room action failed on this node"));
                return;
            }
            reply(context, 200, result.result());
        });
    }

    /**
     * Reads a room action as {@link #run} sends it. Strict, because the body comes from a node that has the secret
     * but may run another version: every field has its type, userIds are TRTC's (1..10 for REMOVE, none for
     * DISMISS); unknown fields are ignored.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static RoomModeration.Request parse(byte[] body) {
        Object value;
        try {
            value = Json.decodeValue(Buffer.buffer(body));
        } catch (DecodeException e) {
            throw new IllegalArgumentException("the body is not JSON");
        }
        if (!(value instanceof JsonObject json)) {
            throw new IllegalArgumentException("the body is not a JSON object");
        }
        RoomModeration.Action action = switch (json.getValue("action") instanceof String name ? name : "") {
            case "DISMISS" -> RoomModeration.Action.DISMISS;
            case "REMOVE" -> RoomModeration.Action.REMOVE;
            case "REPLACE" -> RoomModeration.Action.REPLACE;
            default -> throw new IllegalArgumentException("action must be \"DISMISS\", \"REMOVE\" or \"REPLACE\"");
        };
        Object app = json.getValue("sdkAppId");
        if (!(app instanceof Integer || app instanceof Long)) {
            throw new IllegalArgumentException("sdkAppId must be an integer");
        }
        SdkAppId sdkAppId = new SdkAppId(((Number) app).longValue());
        if (!(json.getValue("roomKey") instanceof String roomKey)) {
            throw new IllegalArgumentException("roomKey must be a string (r1234 or s:name)");
        }
        RoomRef room = RoomRef.parseKey(roomKey);
        if (!(json.getValue("userIds") instanceof JsonArray ids)) {
            throw new IllegalArgumentException("userIds must be an array of userIDs");
        }
        int most = switch (action) {
            case DISMISS -> 0;
            case REMOVE -> MAX_USERS;
            case REPLACE -> 1;
        };
        int least = action == RoomModeration.Action.DISMISS ? 0 : 1;
        if (ids.size() < least || ids.size() > most) {
            throw new IllegalArgumentException("userIds must hold " + least + ".." + most + " userIDs for " + action
                    + ", got " + ids.size());
        }
        List<UserId> users = new ArrayList<>(ids.size());
        for (Object each : ids) {
            if (!(each instanceof String id)) {
                throw new IllegalArgumentException("userIds must be an array of strings");
            }
            users.add(UserId.parse(id));
        }
        return new RoomModeration.Request(action, sdkAppId, room, users);
    }

    private static String shorten(String message) {
        String text = String.valueOf(message);
        return text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS) + "…";
    }

    private JsonObject runHere(RoomModeration.Request request) {
        if (request.action() == RoomModeration.Action.REPLACE) {
            boolean ended = moderation.replaceHere(request.sdkAppId(), request.room(), request.userIds().get(0));
            return new JsonObject().put("found", ended).put("removed", new JsonArray(ended
                    ? List.of(request.userIds().get(0).value()) : List.of()));
        }
        if (request.action() == RoomModeration.Action.DISMISS) {
            OptionalInt removed = moderation.dismissHere(request.sdkAppId(), request.room());
            return new JsonObject().put("found", removed.isPresent()).put("removed", new JsonArray());
        }
        Optional<List<UserId>> removed = moderation.removeHere(request.sdkAppId(), request.room(),
                request.userIds());
        return new JsonObject().put("found", removed.isPresent()).put("removed",
                new JsonArray(removed.orElse(List.of()).stream().map(UserId::value).toList()));
    }

    private static void reply(RoutingContext context, int status, JsonObject body) {
        context.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }
}

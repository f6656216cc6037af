package io.lianmai.server.signal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.auth.Privilege;
import io.lianmai.auth.Privileges;
import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.StreamId;
import io.lianmai.common.StreamType;
import io.lianmai.common.TrtcErrorCode;
import io.lianmai.common.UserId;
import io.lianmai.media.MediaException;
import io.lianmai.media.MediaPlane;
import io.lianmai.room.CrossRoomLinks;
import io.lianmai.room.EnterRequest;
import io.lianmai.room.Entered;
import io.lianmai.room.LeaveReason;
import io.lianmai.room.Member;
import io.lianmai.room.MemberListener;
import io.lianmai.room.Role;
import io.lianmai.room.Room;
import io.lianmai.room.RoomError;
import io.lianmai.room.RoomEvent;
import io.lianmai.room.RoomException;
import io.lianmai.room.RoomKey;
import io.lianmai.room.RoomRegistry;
import io.lianmai.room.Scene;
import io.lianmai.server.cluster.ClusterUnavailableException;
import io.lianmai.server.cluster.RoomPlacement;
import io.lianmai.server.config.HttpConfig;
import io.lianmai.server.config.SignalConfig;
import io.lianmai.server.http.ApiError;
import io.lianmai.server.http.ApiException;
import io.lianmai.server.room.OfferedKinds;
import io.lianmai.server.http.RequestAuthenticator;
import io.lianmai.server.ice.IceServers;
import io.lianmai.server.http.ServerErrors;
import io.lianmai.server.limits.Admission;
import io.lianmai.server.limits.AdmissionRefusedException;
import io.lianmai.server.limits.TokenBucket;
import io.lianmai.server.live.LiveEndpoints;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import java.time.Clock;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.function.Function;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's signalling socket: validates its frames, answers its requests, and relays its room's events.
 *
 * <p>Thread: everything runs on the socket's Vert.x context (an event loop). Room callbacks arrive on other
 * threads and are handed over with {@link Context#runOnContext}; authentication reads apps from memory on the
 * context; media results are brought back onto the context. Lifetime: from the upgrade until the
 * socket closes; a member that was in a room then waits out the resume grace period in the registry.
 */
final class SignallingConnection {
    private static final Logger LOG = LoggerFactory.getLogger(SignallingConnection.class);
    /** Malformed frames in a row after which the socket is closed with 1008 (policy violation). */
    static final int MAX_MALFORMED_IN_A_ROW = 20;
    private static final short POLICY_VIOLATION = 1008;
    private static final short NORMAL = 1000;
    private static final short GOING_AWAY = 1001;
    /** The event that tells a client the server is going away, so that it reconnects instead of giving up. */
    static final String SERVER_SHUTDOWN_EVENT = "serverShutdown";
    /** The event that tells a simulcast publisher which of its layers to send (the others nobody watches). */
    static final String LAYERS_EVENT = "layers";

    private final Vertx vertx;
    private final Context context;
    private final ServerWebSocket socket;
    private final ProtocolCodec codec;
    private final RequestAuthenticator authenticator;
    private final RoomRegistry rooms;
    private final MediaPlane media;
    private final SignalConfig config;
    private final Clock clock;
    private final LiveEndpoints.Bases live;
    private final TokenBucket commands;
    private final Admission admission;
    private final IceServers iceServers;
    private final CrossRoomLinks crossRoom;
    private final RoomPlacement placement;
    private final String address;
    /** Admission tickets of members resuming on another connection, handed from the old to the new one. */
    private final Map<Member, Admission.Ticket> handOffs;

    private final Set<Long> pending = new HashSet<>();
    private int malformedInARow;
    private int limitedInARow;
    /** Read by {@link Membership#isConnectionAlive} on other threads, hence volatile. */
    private volatile long lastHeard;
    private long silenceTimer;
    private long enterTimer = -1;
    private Runnable hardClose = () -> { };
    private volatile boolean closed;
    private boolean released;
    /** Bytes handed to the socket whose write has not completed: what a peer that does not read makes us hold. */
    private long queuedBytes;
    /** The membership this socket holds, if any, with the listener bound to it. */
    private Member member;
    private volatile Membership membership;
    /** Told once when the socket closed, on the socket's context. */
    private Runnable onGone = () -> { };

    SignallingConnection(SignallingServices services, ServerWebSocket socket, ProtocolCodec codec,
            LiveEndpoints.Bases live, Map<Member, Admission.Ticket> handOffs) {
        this.vertx = services.vertx();
        this.context = vertx.getOrCreateContext();
        this.socket = socket;
        this.codec = codec;
        this.authenticator = services.authenticator();
        this.rooms = services.rooms();
        this.media = services.media();
        this.config = services.config();
        this.clock = services.clock();
        this.live = live;
        this.commands = new TokenBucket(config.commandsPerSecond(), config.commandBurst(), clock.millis());
        this.admission = services.admission();
        this.iceServers = services.iceServers();
        this.crossRoom = services.crossRoom();
        this.placement = services.placement();
        this.address = socket.remoteAddress().hostAddress();
        this.handOffs = handOffs;
    }

    /** Runs {@code action} once when the socket closes; call before {@link #start}. */
    /**
     * How to cut the connection under this socket when the WebSocket close handshake cannot finish (the client
     * stopped reading): the upgraded HTTP connection's close. Call before {@link #start}.
     */
    void closeConnectionWith(Runnable hardClose) {
        this.hardClose = hardClose;
    }

    void whenClosed(Runnable action) {
        onGone = action;
    }

    /**
     * Tells the client that the server is shutting down ({@code serverShutdown}) and closes the socket with 1001
     * (going away); its member stays in the room for the caller to remove. Completes when the socket is closed.
     */
    Future<Void> shutdown() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(ignored -> goingAway().onComplete(result -> done.tryComplete()));
        return done.future();
    }

    /**
     * When this socket's member is in a room {@code targets} names: the {@code serverShutdown} event with
     * {@code moveTo} (the other node's WebSocket URL), then a 1001 close. Completes when done (at once otherwise).
     */
    Future<Void> moveAway(Function<RoomKey, Optional<String>> targets, String reason) {
        Promise<Void> done = Promise.promise();
        context.runOnContext(ignored -> {
            Member current = member;
            Optional<String> target = current == null || closed ? Optional.empty()
                    : targets.apply(current.room().key());
            if (target.isEmpty()) {
                done.tryComplete();
                return;
            }
            send(codec.event(SERVER_SHUTDOWN_EVENT, codec.object().put("reason", reason)
                    .put("moveTo", target.get())
                    .put("message", "this room moved to another node: reconnect there and enter again")));
            closed = true;
            socket.close(GOING_AWAY, "room moved to another node").onComplete(result -> done.tryComplete());
        });
        return done.future();
    }

    /** On the context: the {@code serverShutdown} event, then a 1001 close. */
    private Future<Void> goingAway() {
        if (closed) {
            return Future.succeededFuture();
        }
        send(codec.event(SERVER_SHUTDOWN_EVENT, codec.object().put("reason", LeaveReason.SERVER_SHUTDOWN.wireName())
                .put("message", "the server is shutting down: reconnect and enter again")));
        closed = true;
        return socket.close(GOING_AWAY, "server shutting down");
    }

    /** Installs the socket's handlers; call on the socket's context. */
    void start() {
        lastHeard = clock.millis();
        socket.textMessageHandler(this::onText);
        socket.binaryMessageHandler(buffer -> {
            lastHeard = clock.millis();
            malformed(new ProtocolException(0, "binary frames are not part of the protocol: send JSON text"));
        });
        socket.closeHandler(ignored -> onClosed());
        socket.exceptionHandler(failure -> LOG.debug("signalling socket {}: {}", socket.remoteAddress(),
                failure.toString()));
        long interval = Math.max(50, config.heartbeatInterval().toMillis() / 2);
        silenceTimer = vertx.setPeriodic(interval, id -> {
            if (clock.millis() - lastHeard > config.silenceTimeout().toMillis()) {
                close(GOING_AWAY, "silent for " + config.silenceTimeout().toMillis() + " ms");
            }
        });
        armEnterTimer();
    }

    /** Closes the socket unless it is in a room {@code signal.enterTimeoutSeconds} from now. */
    private void armEnterTimer() {
        if (enterTimer >= 0) {
            vertx.cancelTimer(enterTimer);
        }
        enterTimer = vertx.setTimer(config.enterTimeout().toMillis(), id -> {
            enterTimer = -1;
            if (member != null || closed) {
                return;
            }
            LOG.debug("signalling socket {} closed: not in a room within {} ms", socket.remoteAddress(),
                    config.enterTimeout().toMillis());
            close(POLICY_VIOLATION, "not in a room within " + config.enterTimeout().toSeconds() + " s");
        });
    }

    private void onText(String text) {
        lastHeard = clock.millis();
        if (closed) {
            return;
        }
        if (!commands.tryTake(clock.millis())) {
            rateLimited(text);
            return;
        }
        limitedInARow = 0;
        SignalRequest request;
        try {
            request = codec.decode(text);
            if (!pending.add(request.id())) {
                throw new ProtocolException(request.id(), "request id " + request.id() + " is still in use");
            }
        } catch (ProtocolException e) {
            malformed(e);
            return;
        }
        malformedInARow = 0;
        Future<ObjectNode> result;
        try {
            result = dispatch(request);
        } catch (ProtocolException e) {
            pending.remove(request.id());
            malformed(e);
            return;
        } catch (RuntimeException e) {
            result = Future.failedFuture(e);
        }
        result.onComplete(outcome -> {
            pending.remove(request.id());
            if (outcome.succeeded()) {
                send(codec.success(request.id(), outcome.result()));
            } else {
                Error error = errorFor(outcome.cause(), socket.remoteAddress());
                send(codec.failure(request.id(), error.code(), error.message()));
            }
        });
    }

    /** Refuses a request over the socket's budget; a socket that keeps sending while refused is closed. */
    private void rateLimited(String text) {
        if (++limitedInARow > config.commandBurst()) {
            LOG.info("signalling socket {} closed: kept sending over {} requests per second",
                    socket.remoteAddress(), config.commandsPerSecond());
            close(POLICY_VIOLATION, "too many requests");
            return;
        }
        String message = "too many requests: at most " + config.commandsPerSecond() + " per second (bursts of "
                + config.commandBurst() + ")";
        long id = 0;
        try {
            id = codec.decode(text).id();
        } catch (ProtocolException e) {
            id = e.requestId();
        }
        send(id > 0 ? codec.failure(id, TrtcErrorCode.COMMAND_RATE_LIMITED, message)
                : codec.errorEvent(TrtcErrorCode.COMMAND_RATE_LIMITED, message));
    }

    private void malformed(ProtocolException e) {
        send(e.requestId() > 0 ? codec.failure(e.requestId(), TrtcErrorCode.INVALID_PARAMETER, e.getMessage())
                : codec.errorEvent(TrtcErrorCode.INVALID_PARAMETER, e.getMessage()));
        if (++malformedInARow >= MAX_MALFORMED_IN_A_ROW) {
            close(POLICY_VIOLATION, MAX_MALFORMED_IN_A_ROW + " malformed frames in a row");
        }
    }

    private Future<ObjectNode> dispatch(SignalRequest request) throws ProtocolException {
        return switch (request.action()) {
            case ENTER -> enter(request);
            case RESUME -> resume(request);
            case HEARTBEAT -> Future.succeededFuture(codec.object().put("serverTime", clock.millis()));
            case LEAVE -> leave();
            case SWITCH_ROLE -> switchRole(request);
            case PUBLISH -> publish(request);
            case MUTE -> mute(request);
            case UNPUBLISH -> unpublish(request);
            case SUBSCRIBE -> subscribe(request);
            case UNSUBSCRIBE -> unsubscribe(request);
            case SET_STREAM_TYPE -> setStreamType(request);
            case MESSAGE -> message(request);
            case NET_QUALITY -> netQuality(request);
            case CONNECT_OTHER_ROOM -> connectOtherRoom(request);
            case DISCONNECT_OTHER_ROOM -> disconnectOtherRoom();
        };
    }

    // ---- actions ----

    private Future<ObjectNode> enter(SignalRequest request) throws ProtocolException {
        admission.checkAddressRate(address);
        long sdkAppIdValue = request.integer("sdkAppID", Long.MIN_VALUE, Long.MAX_VALUE);
        String userId = request.string("userID");
        String userSig = request.string("userSig");
        Optional<Long> roomId = request.optionalInteger("roomID", Long.MIN_VALUE, Long.MAX_VALUE);
        Optional<String> strRoomId = request.optionalString("strRoomID");
        String sceneName = request.optionalString("scene").orElse("rtc");
        Optional<String> roleName = request.optionalString("role");
        Optional<String> privateMapKey = request.optionalString("privateMapKey").filter(key -> !key.isBlank());
        Scene scene = Scene.fromWire(sceneName).orElseThrow(() -> new ProtocolException(request.id(),
                "enter: data.scene must be \"rtc\" or \"live\""));
        Role role = roleName.isEmpty() ? Role.ANCHOR : Role.fromWire(roleName.get()).orElseThrow(
                () -> new ProtocolException(request.id(), "enter: data.role must be \"anchor\" or \"audience\""));
        if (sdkAppIdValue < 1 || sdkAppIdValue > SdkAppId.MAX) {
            return fail(TrtcErrorCode.SDK_APP_ID_INVALID, "sdkAppID must be 1.." + SdkAppId.MAX);
        }
        SdkAppId sdkAppId = new SdkAppId(sdkAppIdValue);
        RoomRef room;
        try {
            room = RoomRef.parse(roomId.map(String::valueOf).orElse(null), strRoomId.orElse(null));
        } catch (IllegalArgumentException e) {
            return fail(TrtcErrorCode.ROOM_ID_INVALID, e.getMessage());
        }
        Future<ObjectNode> busy = requireNotJoined();
        if (busy != null) {
            return busy;
        }
        // The one userID rule, refused with TRTC's -3319 as authenticate would (it checks the userID first).
        UserId user = RequestAuthenticator.requireValidUserId(userId);
        // On the event loop: apps are in memory, so authenticating costs one HMAC and never waits on a worker.
        Privileges privileges = authenticator.authenticate(sdkAppId, userId, userSig, privateMapKey, room,
                EnumSet.of(Privilege.ENTER_ROOM));
        RoomKey key = new RoomKey(sdkAppId, room.key());
        // In a cluster the room may be served by another node: the client is sent there (docs/cluster.md).
        return onContext(placement.placeForEntry(key)).compose(elsewhere -> {
            if (elsewhere.isEmpty()) {
                return admit(key, scene, user, role, privileges, sdkAppId, userId);
            }
            ObjectNode moveTo = codec.object().put("moveTo", elsewhere.get().webSocketUrl());
            // A live room's audience, or anyone once the room's node is full of it, may stay here: this node then
            // shows the room's other members through relays (docs/cluster.md).
            return onContext(placement.serveMemberHere(key, elsewhere.get(), scene, role)).compose(stay -> stay
                    ? admit(key, scene, user, role, privileges, sdkAppId, userId) : Future.succeededFuture(moveTo));
        });
    }

    /** Enters the room on this node: its seat in the cluster, the admission ticket, then the registry. */
    private Future<ObjectNode> admit(RoomKey key, Scene scene, UserId user, Role role, Privileges privileges,
            SdkAppId sdkAppId, String userId) {
        return onContext(placement.takeSeat(key, user, scene, role)).compose(seated -> {
            Future<ObjectNode> stillFree = requireNotJoined();
            if (stillFree != null) {
                placement.releaseSeat(key, user, scene, role);
                return stillFree;
            }
            Admission.Ticket ticket;
            try {
                ticket = admission.admit(sdkAppId, userId, address);
            } catch (RuntimeException e) {
                placement.releaseSeat(key, user, scene, role);
                throw e;
            }
            Membership candidate = new Membership();
            candidate.adopt(ticket);
            try {
                Entered entered = rooms.enter(new EnterRequest(key, scene, user, role, privileges, candidate));
                return Future.succeededFuture(joined(entered, candidate));
            } catch (RuntimeException e) {
                ticket.release();
                placement.releaseSeat(key, user, scene, role);
                throw e;
            }
        });
    }

    /** {@code future} completed on this socket's context (at once when it already is complete). */
    private <T> Future<T> onContext(Future<T> future) {
        if (future.isComplete()) {
            return future;
        }
        Promise<T> promise = Promise.promise();
        future.onComplete(result -> context.runOnContext(ignored -> promise.handle(result)));
        return promise.future();
    }

    private Future<ObjectNode> resume(SignalRequest request) throws ProtocolException {
        String token = request.string("sessionToken");
        Future<ObjectNode> busy = requireNotJoined();
        if (busy != null) {
            return busy;
        }
        Membership candidate = new Membership();
        Entered entered = rooms.resume(token, candidate);
        // The admission ticket moves with the member from the connection it resumed from.
        candidate.adopt(handOffs.remove(entered.member()));
        return Future.succeededFuture(joined(entered, candidate));
    }

    private Future<ObjectNode> requireNotJoined() {
        if (member != null) {
            return fail(TrtcErrorCode.FAILED, "already in room " + member.room().key().roomKey() + " as "
                    + member.userId() + ": leave first");
        }
        return null;
    }

    private ObjectNode joined(Entered entered, Membership candidate) {
        member = entered.member();
        membership = candidate;
        ObjectNode data = codec.object()
                .put("sessionToken", member.sessionToken())
                .put("heartbeatIntervalMs", config.heartbeatInterval().toMillis())
                .put("userID", member.userId().value())
                .put("role", member.role().wireName());
        data.set("members", codec.members(entered.others(), playQueries(member.room().key())));
        data.set("live", codec.live(live));
        data.set("iceServers", codec.iceServers(iceServers.forUser(member.userId())));
        return data;
    }

    /** Signs each stream's playback query for this member (docs/protocol.md, {@code play}). */
    private ProtocolCodec.PlayQueries playQueries(RoomKey room) {
        return (userId, streamType) -> live.playbackUrls().query(room, StreamId.of(userId, streamType));
    }

    private Future<ObjectNode> leave() {
        Member current = member;
        if (current == null) {
            return fail(TrtcErrorCode.FAILED, "not in a room");
        }
        detach();
        current.room().leave(current);
        return Future.succeededFuture(codec.object());
    }

    private Future<ObjectNode> switchRole(SignalRequest request) throws ProtocolException {
        String name = request.string("role");
        Role role = Role.fromWire(name).orElseThrow(() -> new ProtocolException(request.id(),
                "switchRole: data.role must be \"anchor\" or \"audience\""));
        Member current = requireMember();
        Room room = current.room();
        if (current.role() == role || room.scene() != Scene.LIVE) {
            room.switchRole(current, role).forEach(media::end); // nothing to do, or the room's error
            return Future.succeededFuture(codec.object());
        }
        // The seat of the new role first, counted across the cluster's nodes (docs/cluster.md#how-a-member-reaches-its-room).
        UserId user = current.userId();
        return onContext(placement.takeSeat(room.key(), user, Scene.LIVE, role)).compose(seat -> {
            try {
                if (member != current) {
                    throw new RoomException(RoomError.STATE, "switchRole: the member left the room meanwhile");
                }
                room.switchRole(current, role).forEach(media::end);
            } catch (RuntimeException e) {
                placement.releaseSeat(room.key(), user, Scene.LIVE, role);
                return Future.failedFuture(e);
            }
            return Future.succeededFuture(codec.object());
        });
    }

    private Future<ObjectNode> publish(SignalRequest request) throws ProtocolException {
        StreamType type = streamType(request);
        String offer = request.string("offer");
        Member current = requireMember();
        // Privileges are decided from the parsed offer; one that does not parse is checked as if it asked for
        // everything, and the media plane refuses it.
        Optional<OfferedKinds> parsed = OfferedKinds.tryOf(offer);
        OfferedKinds offered = parsed.orElse(OfferedKinds.EVERYTHING);
        if (type == StreamType.AUX && parsed.isPresent() && offered.audio()) {
            // A screen share is video only, as in TRTC: its audio would reach players holding only recv_aux_video.
            throw new RoomException(RoomError.INVALID_PARAMETER, "publish: the aux stream (screen share) carries "
                    + "video only: offer no audio section with streamType \"aux\"");
        }
        boolean audio = request.optionalBoolean("audio").orElse(true) && offered.audio();
        boolean video = request.optionalBoolean("video").orElse(true) && offered.video();
        current.room().checkMayPublish(current, type, offered.audio(), offered.video());
        RoomKey key = current.room().key();
        String streamKey = key.streamKey(StreamId.of(current.userId(), type)).toString();
        // A first stream in an rtc room takes its place among the publishers counted across the cluster's nodes.
        return onContext(placement.takePublishing(key, current.userId())).compose(place -> Future.fromCompletionStage(
                media.publish(streamKey, offer), context)).map(session -> {
                    try {
                        if (member != current) {
                            throw new RoomException(RoomError.STATE, "left the room while publishing");
                        }
                        current.room().publish(current, type, session.sessionId(), audio, video)
                                .ifPresent(media::end);
                    } catch (RuntimeException e) {
                        media.end(session.sessionId());
                        throw e;
                    }
                    return codec.object().put("answer", session.answerSdp()).put("sessionId", session.sessionId());
                }).onComplete(done -> placement.releasePublishing(key, current.userId())); // what was not used
    }

    private Future<ObjectNode> mute(SignalRequest request) throws ProtocolException {
        StreamType type = streamType(request);
        Optional<Boolean> audio = request.optionalBoolean("audio");
        Optional<Boolean> video = request.optionalBoolean("video");
        Member current = requireMember();
        current.room().mute(current, type, audio.orElse(null), video.orElse(null));
        return Future.succeededFuture(codec.object());
    }

    private Future<ObjectNode> unpublish(SignalRequest request) throws ProtocolException {
        StreamType type = streamType(request);
        Member current = requireMember();
        current.room().unpublish(current, type).ifPresent(media::end);
        return Future.succeededFuture(codec.object());
    }

    private Future<ObjectNode> subscribe(SignalRequest request) throws ProtocolException {
        String streamIdText = request.string("streamID");
        String offer = request.string("offer");
        Member current = requireMember();
        StreamId streamId = parseStreamId(streamIdText);
        OfferedKinds offered = OfferedKinds.tryOf(offer).orElse(OfferedKinds.EVERYTHING);
        current.room().checkMaySubscribe(current, streamId, offered.audio(), offered.video());
        // The other room's anchor of a cross-room PK plays from its own room.
        String streamKey = current.room().streamSource(streamId).streamKey(streamId).toString();
        return Future.fromCompletionStage(media.play(streamKey, offer), context).map(session -> {
            try {
                if (member != current) {
                    throw new RoomException(RoomError.STATE, "left the room while subscribing");
                }
                current.room().subscribe(current, streamId, session.sessionId()).ifPresent(media::end);
            } catch (RuntimeException e) {
                media.end(session.sessionId());
                throw e;
            }
            return codec.object().put("answer", session.answerSdp()).put("sessionId", session.sessionId());
        });
    }

    private Future<ObjectNode> unsubscribe(SignalRequest request) throws ProtocolException {
        String streamId = request.string("streamID");
        Member current = requireMember();
        // A malformed streamID names no subscription: there is nothing to end, as for any unknown stream.
        tryParseStreamId(streamId).flatMap(parsed -> current.room().unsubscribe(current, parsed))
                .ifPresent(media::end);
        return Future.succeededFuture(codec.object());
    }

    /** TRTC's switchStreamType: the big (highest-bitrate) or small (lowest) simulcast layer of a subscription. */
    private Future<ObjectNode> setStreamType(SignalRequest request) throws ProtocolException {
        String streamId = request.string("streamID");
        String type = request.string("streamType");
        if (!type.equals("big") && !type.equals("small")) {
            throw new ProtocolException(request.id(), "setStreamType: data.streamType must be \"big\" or \"small\"");
        }
        Member current = requireMember();
        String session = tryParseStreamId(streamId).map(current.subscriptionSessions()::get).orElse(null);
        if (session == null || !media.preferSmallStream(session, type.equals("small"))) {
            throw new RoomException(RoomError.STATE, "not subscribed to " + streamId);
        }
        return Future.succeededFuture(codec.object());
    }

    private Future<ObjectNode> message(SignalRequest request) throws ProtocolException {
        int cmdId = (int) request.integer("cmdID", 1, 10);
        String data = request.string("data");
        Member current = requireMember();
        current.room().message(current, cmdId, data);
        return Future.succeededFuture(codec.object());
    }

    /** A member's own uplink quality (TRTC's 0..6 levels, docs/networks.md), relayed to the others. */
    private Future<ObjectNode> netQuality(SignalRequest request) throws ProtocolException {
        int uplink = (int) request.integer("uplink", Room.QUALITY_UNKNOWN, Room.QUALITY_DOWN);
        Member current = requireMember();
        current.room().reportUplinkQuality(current, uplink);
        return Future.succeededFuture(codec.object());
    }

    /**
     * TRTC's connectOtherRoom: this anchor and anchor {@code userID} of room {@code roomID}/{@code strRoomID} of the
     * same app appear in each other's room (docs/protocol.md). Values that are not a room or a userID are TRTC's
     * -3328; the refusals of the link itself come from {@link CrossRoomLinks}.
     */
    private Future<ObjectNode> connectOtherRoom(SignalRequest request) throws ProtocolException {
        Optional<Long> roomId = request.optionalInteger("roomID", Long.MIN_VALUE, Long.MAX_VALUE);
        Optional<String> strRoomId = request.optionalString("strRoomID");
        String userId = request.string("userID");
        Member current = requireMember();
        if (roomId.isEmpty() && strRoomId.isEmpty()) {
            return fail(TrtcErrorCode.CONNECT_OTHER_ROOM_INVALID_PARAMETER,
                    "connectOtherRoom: data.roomID or data.strRoomID is required");
        }
        RoomRef room;
        UserId user;
        try {
            room = RoomRef.parse(roomId.map(String::valueOf).orElse(null), strRoomId.orElse(null));
            user = UserId.parse(userId);
        } catch (IllegalArgumentException e) {
            return fail(TrtcErrorCode.CONNECT_OTHER_ROOM_INVALID_PARAMETER, "connectOtherRoom: " + e.getMessage());
        }
        // The other room is looked up in this member's app: another app's rooms cannot be named.
        RoomKey other = new RoomKey(current.room().key().sdkAppId(), room.key());
        return Future.fromCompletionStage(crossRoom.connect(current, other, user), context)
                .map(ignored -> codec.object().put("userID", user.toString()));
    }

    /** TRTC's disconnectOtherRoom: ends the cross-room PK this anchor started. */
    private Future<ObjectNode> disconnectOtherRoom() {
        Member current = requireMember();
        return Future.fromCompletionStage(crossRoom.disconnect(current), context).map(ignored -> codec.object());
    }

    private static StreamType streamType(SignalRequest request) throws ProtocolException {
        String name = request.optionalString("streamType").orElse("main");
        return StreamType.fromWire(name).orElseThrow(() -> new ProtocolException(request.id(),
                request.action().wireName() + ": data.streamType must be \"main\" or \"aux\""));
    }

    /**
     * Reads a {@code streamID} with the one parser ({@link StreamId#parse}); a malformed one is refused with TRTC's
     * invalid-parameter code and the parser's message.
     */
    private static StreamId parseStreamId(String text) {
        try {
            return StreamId.parse(text);
        } catch (IllegalArgumentException e) {
            throw new RoomException(RoomError.INVALID_PARAMETER, e.getMessage());
        }
    }

    /** The stream {@code text} names, or empty when it is malformed (and so names nothing this member holds). */
    private static Optional<StreamId> tryParseStreamId(String text) {
        try {
            return Optional.of(StreamId.parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Member requireMember() {
        if (member == null) {
            throw new RoomException(RoomError.STATE, "not in a room: enter first");
        }
        return member;
    }

    // ---- membership and socket lifetime ----

    /** Forgets the membership on this socket (it left, was kicked, or resumed elsewhere). */
    private void detach() {
        member = null;
        membership = null;
        if (!closed) {
            armEnterTimer();
        }
    }

    private void onClosed() {
        closed = true;
        release();
    }

    /** Once per socket: stops its timers and starts its member's resume grace period. */
    private void release() {
        if (released) {
            return;
        }
        released = true;
        vertx.cancelTimer(silenceTimer);
        if (enterTimer >= 0) {
            vertx.cancelTimer(enterTimer);
        }
        onGone.run();
        Member current = member;
        if (current != null) {
            // The client may come back with resume within the grace period; others see nothing yet.
            current.room().disconnect(current, membership);
        }
    }

    private void close(short code, String reason) {
        if (!closed) {
            closed = true;
            socket.close(code, reason);
        }
    }

    /**
     * Queues a frame, counting its bytes until the write completes. A peer that does not read lets the count grow;
     * past {@code signal.maxQueuedBytes} it is dropped (its member may resume on a new socket) rather than buffered.
     */
    private void send(String frame) {
        if (closed) {
            return;
        }
        long size = frame.length();
        if (queuedBytes + size > config.maxQueuedBytes()) {
            LOG.info("signalling socket {} dropped: {} bytes queued that it does not read (signal.maxQueuedBytes)",
                    socket.remoteAddress(), queuedBytes);
            closed = true;
            // Its close frame waits behind what it does not read: start the grace period now, not at the close.
            release();
            socket.close(GOING_AWAY, "too slow: not reading");
            // Nor would the connection close (and free what is queued) until it reads: cut it after the closing
            // timeout a client that reads gets to answer the close frame.
            vertx.setTimer(HttpConfig.WEBSOCKET_CLOSING_TIMEOUT_SECONDS * 1000L, id -> abort());
            return;
        }
        queuedBytes += size;
        socket.writeTextMessage(frame).onComplete(written -> queuedBytes -= size);
    }

    /** Closes the TCP connection under the socket at once, dropping whatever is still queued for it. */
    private void abort() {
        hardClose.run();
    }

    private static <T> Future<T> fail(int code, String message) {
        return Future.failedFuture(new SignalFailure(code, message));
    }

    /**
     * What the client is told about a failed request: the code and message of a refusal meant for it, or for
     * anything else a generic message naming an error id under which the detail is logged ({@code peer} too).
     */
    static Error errorFor(Throwable failure, Object peer) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof SignalFailure signal) {
            return new Error(signal.code, signal.getMessage());
        }
        if (cause instanceof RoomException room) {
            return new Error(room.code(), room.getMessage());
        }
        if (cause instanceof ApiException api) {
            return new Error(api.error().code(), api.error().message());
        }
        if (cause instanceof MediaException mediaFailure) {
            return switch (mediaFailure.reason()) {
                case BAD_OFFER -> new Error(TrtcErrorCode.INVALID_PARAMETER, mediaFailure.getMessage());
                case STREAM_NOT_FOUND -> new Error(RoomError.STREAM_NOT_FOUND.code(),
                        mediaFailure.getMessage());
                case UNAVAILABLE -> new Error(TrtcErrorCode.SERVER_FAILED, mediaFailure.getMessage());
            };
        }
        if (cause instanceof ClusterUnavailableException unavailable) {
            return new Error(TrtcErrorCode.SERVER_FAILED, unavailable.getMessage());
        }
        if (cause instanceof AdmissionRefusedException refused) {
            ApiError error = ServerErrors.refused(refused);
            return new Error(error.code(), error.message() + "; retry after " + refused.retryAfterSeconds() + " s");
        }
        return new Error(TrtcErrorCode.SERVER_FAILED,
                ServerErrors.internal("signalling request from " + peer, cause));
    }

    record Error(int code, String message) {
    }

    /** A request refused by this layer with a protocol error code. */
    private static final class SignalFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int code;

        SignalFailure(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    /**
     * The room's view of this socket for one membership. Called under the room's lock on any thread (see
     * {@link MemberListener}); hands everything to the socket's context, and ignores calls once this membership is
     * no longer the socket's current one.
     */
    private final class Membership implements MemberListener {
        /** This membership's hold on the admission counts; released when the member is out of the room. */
        private Admission.Ticket ticket;
        private boolean removed;

        synchronized void adopt(Admission.Ticket adopted) {
            if (adopted == null) {
                return;
            }
            if (removed) {
                adopted.release();
            } else {
                ticket = adopted;
            }
        }

        private synchronized void releaseTicket() {
            removed = true;
            if (ticket != null) {
                ticket.release();
                ticket = null;
            }
        }

        private synchronized Admission.Ticket handOff() {
            Admission.Ticket held = ticket;
            ticket = null;
            return held;
        }

        @Override
        public void onRoomEvent(RoomEvent event) {
            context.runOnContext(ignored -> {
                if (membership == this) {
                    // Encoded here, where the member (and so its room, for the signed play queries) is known.
                    send(codec.event(event, playQueries(member.room().key())));
                }
            });
        }

        /** The {@code layers} event: to this member only, about its own publication (docs/protocol.md). */
        @Override
        public void onPublishedLayers(StreamType streamType, String mid, List<String> activeRids) {
            context.runOnContext(ignored -> {
                if (membership == this) {
                    send(codec.event(LAYERS_EVENT, codec.layers(streamType, mid, activeRids)));
                }
            });
        }

        @Override
        public void onMemberRemoved(Member removed, LeaveReason reason) {
            releaseTicket();
            context.runOnContext(ignored -> {
                removed.publicationSessions().values().forEach(media::end);
                removed.subscriptionSessions().values().forEach(media::end);
                if (membership != this) {
                    return;
                }
                detach();
                if (reason.isKick()) {
                    send(codec.event("kicked", codec.object().put("reason", reason.wireName())
                            .put("message", kickMessage(reason))));
                    close(NORMAL, "kicked: " + reason.wireName());
                } else if (reason == LeaveReason.SERVER_SHUTDOWN) {
                    goingAway();
                }
            });
        }

        @Override
        public boolean isConnectionAlive() {
            // Clients heartbeat every interval: one not heard for two is treated as gone (the server itself closes
            // it after three). A resume of it may then take over.
            return membership == this && !closed
                    && clock.millis() - lastHeard < 2 * config.heartbeatInterval().toMillis();
        }

        @Override
        public void onListenerReplaced(Member resumed) {
            Admission.Ticket held = handOff();
            if (held != null) {
                handOffs.put(resumed, held);
            }
            context.runOnContext(ignored -> {
                if (membership == this) {
                    detach();
                    close(NORMAL, "resumed on another connection");
                }
            });
        }
    }

    private static String kickMessage(LeaveReason reason) {
        return switch (reason) {
            case DUPLICATE_LOGIN -> "the same userID entered the room on another connection";
            case ROOM_DISMISSED -> "the room was dismissed";
            case APP_DISABLED -> "the app was disabled by the server's operator";
            default -> "removed from the room";
        };
    }
}

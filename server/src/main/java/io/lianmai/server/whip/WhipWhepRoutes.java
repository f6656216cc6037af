package io.lianmai.server.whip;

import io.lianmai.auth.Privilege;
import io.lianmai.auth.Privileges;
import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.StreamId;
import io.lianmai.common.StreamKey;
import io.lianmai.common.StreamType;
import io.lianmai.common.TrtcErrorCode;
import io.lianmai.common.UserId;
import io.lianmai.media.MediaException;
import io.lianmai.media.MediaPlane;
import io.lianmai.room.ClientKind;
import io.lianmai.room.Room;
import io.lianmai.room.RoomError;
import io.lianmai.room.RoomException;
import io.lianmai.room.Role;
import io.lianmai.room.RoomKey;
import io.lianmai.room.Scene;
import io.lianmai.room.RoomRegistry;
import io.lianmai.server.cluster.ClusterNode;
import io.lianmai.server.cluster.RoomPlacement;
import io.lianmai.server.http.ApiError;
import io.lianmai.server.http.ApiException;
import io.lianmai.server.http.RequestAuthenticator;
import io.lianmai.server.ice.IceServers;
import io.lianmai.server.http.RequestBodies;
import io.lianmai.server.http.ServerErrors;
import io.lianmai.server.limits.Admission;
import io.lianmai.server.limits.AdmissionRefusedException;
import io.lianmai.server.room.MediaOnlyMembers;
import io.lianmai.server.room.OfferedKinds;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * WHIP (RFC 9725) ingest at {@code POST /whip} and WHEP playback at {@code POST /whep}: an SDP offer in,
 * {@code 201 Created} with the SDP answer and a {@code Location} out; {@code DELETE} on the location ends the
 * session. Requests carry {@code Authorization: Bearer <UserSig>} and name the app, room and user as query
 * parameters; errors are HTTP statuses with a JSON body (see {@link ApiError}).
 *
 * <p>Trickle ICE and ICE restarts over {@code PATCH} are not supported (405): the server is ICE-lite with known
 * host candidates, so clients send complete offers.
 */
public final class WhipWhepRoutes {
    /** Largest SDP offer accepted; real offers are a few KiB. */
    static final int MAX_OFFER_BYTES = 64 * 1024;
    private static final String SDP = "application/sdp";

    private final RequestAuthenticator authenticator;
    private final MediaPlane media;
    private final RoomRegistry rooms;
    private final MediaOnlyMembers roomMembers;
    private final Admission admission;
    private final IceServers iceServers;
    private final RoomPlacement placement;
    /** The admission ticket of each WHIP/WHEP session, released when the session ends. */
    private final Map<String, Admission.Ticket> tickets = new ConcurrentHashMap<>();

    public WhipWhepRoutes(RequestAuthenticator authenticator, MediaPlane media, RoomRegistry rooms,
            Admission admission, IceServers iceServers, RoomPlacement placement) {
        this.authenticator = authenticator;
        this.placement = placement;
        this.media = media;
        this.rooms = rooms;
        this.roomMembers = new MediaOnlyMembers(rooms, media, ClientKind.WHIP);
        this.admission = admission;
        this.iceServers = iceServers;
        media.onSessionEnded(this::onSessionEnded);
    }

    /** WHIP publishers in their rooms now. */
    public int publishers() {
        return roomMembers.size();
    }

    /** WHIP and WHEP sessions admitted and not ended. */
    public int sessions() {
        return tickets.size();
    }

    /** Adds the routes to {@code router}. */
    public void mount(Router router) {
        for (String endpoint : new String[] {"/whip", "/whep"}) {
            router.route(endpoint).method(HttpMethod.OPTIONS).handler(this::preflight);
            router.route(endpoint + "/:session").method(HttpMethod.OPTIONS).handler(this::preflight);
            RequestBodies.read(router.post(endpoint), MAX_OFFER_BYTES);
            router.delete(endpoint + "/:session").handler(this::end);
            router.patch(endpoint + "/:session").handler(context -> {
                cors(context);
                context.response().putHeader("allow", "DELETE, OPTIONS");
                new ApiError(405, TrtcErrorCode.INVALID_PARAMETER,
                        "trickle ICE and ICE restart are not supported: send a complete offer").send(context);
            });
        }
        router.post("/whip").handler(context -> negotiate(context, true));
        router.post("/whep").handler(context -> negotiate(context, false));
    }

    private void negotiate(RoutingContext context, boolean publish) {
        cors(context);
        String contentType = Optional.ofNullable(context.request().getHeader("content-type")).orElse("");
        if (!contentType.toLowerCase(Locale.ROOT).startsWith(SDP)) {
            new ApiError(415, TrtcErrorCode.INVALID_PARAMETER, "the body must be an SDP offer with Content-Type: "
                    + SDP).send(context);
            return;
        }
        String offer = context.body().asString();
        String address = context.request().remoteAddress().hostAddress();
        Request request;
        Privileges granted;
        try {
            // Cheap checks first, all on the event loop: the address's join rate, the parameters, the offer, then
            // the UserSig and PrivateMapKey (apps are in memory), then the session caps.
            admission.checkAddressRate(address);
            request = Request.from(context, publish, offer);
            granted = authenticator.authenticate(request.sdkAppId, request.userId.value(), request.userSig,
                    request.privateMapKey, request.room, request.privileges);
        } catch (IllegalArgumentException e) {
            ApiError.badRequest(e.getMessage()).send(context);
            return;
        } catch (ApiException e) {
            e.error().send(context);
            return;
        } catch (AdmissionRefusedException e) {
            ServerErrors.sendRefused(context, e);
            return;
        }
        // In a cluster the room may be served by another node: 307 there, as RFC 9725 §4.5 allows (docs/cluster.md).
        RoomKey room = new RoomKey(request.sdkAppId, request.room.key());
        Future<Optional<ClusterNode>> where = publish ? placement.placeForEntry(room) : placement.locate(room);
        io.vertx.core.Context here = context.vertx().getOrCreateContext();
        where.onComplete(result -> here.runOnContext(ignored -> {
            if (result.failed()) {
                context.response().putHeader("retry-after", "2");
                new ApiError(503, TrtcErrorCode.SERVER_FAILED, result.cause().getMessage()).send(context);
            } else if (result.result().isPresent() && !publish) {
                // A player may stay here, an edge relaying the room's streams from its node (docs/cluster.md).
                ClusterNode home = result.result().get();
                placement.servePlayersHere(room, home).onComplete(edge -> here.runOnContext(v -> {
                    // Not shown here yet (the room's node has not published the stream for edges): play there.
                    if (edge.succeeded() && edge.result() && media.isPublished(request.streamKey())) {
                        admitAndNegotiate(context, publish, offer, address, request, granted);
                    } else {
                        redirect(context, home);
                    }
                }));
            } else if (result.result().isPresent()) {
                // A publisher stays here once the room's node is full of the room, as a member entering over /ws
                // would (docs/cluster.md#rooms-across-nodes).
                ClusterNode home = result.result().get();
                placement.serveMemberHere(room, home, Scene.RTC, Role.ANCHOR).onComplete(stay -> here.runOnContext(
                        v -> {
                            if (stay.succeeded() && stay.result()) {
                                admitAndNegotiate(context, publish, offer, address, request, granted);
                            } else {
                                redirect(context, home);
                            }
                        }));
            } else {
                admitAndNegotiate(context, publish, offer, address, request, granted);
            }
        }));
    }

    /** {@code 307} to the same path and query on {@code node}, as RFC 9725 §4.5 allows. */
    private static void redirect(RoutingContext context, ClusterNode node) {
        context.response().setStatusCode(307).putHeader("location", node.urlFor(context.request().uri())).end();
    }

    private void admitAndNegotiate(RoutingContext context, boolean publish, String offer, String address,
            Request request, Privileges granted) {
        if (!publish) {
            negotiate(context, false, offer, address, request, granted, () -> { }, () -> { });
            return;
        }
        // The publisher's seat in its room, counted across the cluster's nodes, before anything is made for it: no
        // race with entries on other nodes lets one member too many in (docs/cluster.md#how-a-member-reaches-its-room).
        RoomKey room = new RoomKey(request.sdkAppId, request.room.key());
        Scene scene = rooms.find(room).map(Room::scene).orElse(Scene.RTC);
        io.vertx.core.Context here = context.vertx().getOrCreateContext();
        Runnable releaseSeat = () -> placement.releaseSeat(room, request.userId, scene, Role.ANCHOR);
        placement.takeSeat(room, request.userId, scene, Role.ANCHOR)
                .compose(seat -> placement.takePublishing(room, request.userId).onFailure(full -> releaseSeat.run()))
                .onComplete(seat -> here.runOnContext(v -> {
                    if (seat.failed()) {
                        sendFailure(context, seat.cause());
                    } else {
                        negotiate(context, true, offer, address, request, granted, releaseSeat,
                                () -> placement.releasePublishing(room, request.userId));
                    }
                }));
    }

    /**
     * Admits, negotiates and (a publisher) enters the room; {@code releaseSeat} on every way that does not enter,
     * {@code done} once it entered or failed.
     */
    private void negotiate(RoutingContext context, boolean publish, String offer, String address, Request request,
            Privileges granted, Runnable releaseSeat, Runnable done) {
        Admission.Ticket ticket;
        try {
            ticket = admission.admit(request.sdkAppId, request.userId.value(), address);
        } catch (AdmissionRefusedException e) {
            releaseSeat.run();
            done.run();
            ServerErrors.sendRefused(context, e);
            return;
        }
        if (!publish && !media.isPublished(request.streamKey())) {
            ticket.release();
            errorFor(new MediaException(MediaException.Reason.STREAM_NOT_FOUND,
                    "stream " + request.streamId + " is not published in this room")).send(context);
            return;
        }
        // The ticket is bound to the session on the media thread as the session is made, before anything can end it.
        CompletionStage<MediaPlane.MediaSession> started = (publish
                ? media.publish(request.streamKey(), offer)
                : media.play(request.streamKey(), offer)).thenApply(session -> {
                    tickets.put(session.sessionId(), ticket);
                    return session;
                });
        Future<MediaPlane.MediaSession> negotiated = Future.fromCompletionStage(started,
                context.vertx().getOrCreateContext());
        if (publish) {
            // The publisher becomes a member of its room, so SDK members see it and can subscribe.
            negotiated = negotiated.map(session -> {
                roomMembers.join(request.sdkAppId, request.room, request.userId, granted,
                        request.streamType, session.sessionId(), request.kinds.audio(), request.kinds.video());
                return session;
            });
        }
        negotiated.onSuccess(session -> context.response()
                .setStatusCode(201)
                .putHeader("content-type", SDP)
                .putHeader("location", (publish ? "/whip/" : "/whep/") + session.sessionId())
                // The TURN servers for a client that must relay (RFC 9725 §4.6): used on an ICE restart.
                .putHeader("link", iceServers.linkHeaders(request.userId))
                .end(session.answerSdp()))
                .onFailure(failure -> {
                    ticket.release();
                    releaseSeat.run(); // nothing when the member entered: its seat is then counted as it leaves
                    sendFailure(context, failure);
                })
                .onComplete(ended -> done.run());
    }

    private void onSessionEnded(String sessionId) {
        Admission.Ticket ticket = tickets.remove(sessionId);
        if (ticket != null) {
            ticket.release();
        }
    }

    private void end(RoutingContext context) {
        cors(context);
        String session = context.pathParam("session");
        if (media.end(session)) {
            // The place is free when the client hears so (the end listener may run later on the media thread).
            onSessionEnded(session);
            context.response().setStatusCode(200).end();
        } else {
            new ApiError(404, TrtcErrorCode.INVALID_PARAMETER, "no session " + session + " (already ended?)")
                    .send(context);
        }
    }

    private void preflight(RoutingContext context) {
        cors(context);
        context.response()
                .putHeader("access-control-allow-methods", "POST, DELETE, PATCH, OPTIONS")
                .putHeader("access-control-allow-headers", "authorization, content-type, if-match")
                .putHeader("accept-post", SDP)
                .setStatusCode(204)
                .end();
    }

    /** Browsers on other origins (an app's own page) must be able to call WHIP/WHEP and read the Location. */
    private static void cors(RoutingContext context) {
        context.response()
                .putHeader("access-control-allow-origin", "*")
                .putHeader("access-control-expose-headers", "location, link");
    }

    /**
     * Answers a failed negotiation; a media plane that is full says when to try again ({@code Retry-After}, from
     * {@link MediaException#retryAfterSeconds()}).
     */
    static void sendFailure(RoutingContext context, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof MediaException media && media.reason() == MediaException.Reason.UNAVAILABLE
                && media.retryAfterSeconds() > 0 && !context.response().ended()) {
            context.response().putHeader("retry-after", Integer.toString(media.retryAfterSeconds()));
        }
        errorFor(failure).send(context);
    }

    public static ApiError errorFor(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof ApiException api) {
            return api.error();
        }
        if (cause instanceof RoomException room) {
            int status = room.error() == RoomError.PRIVILEGE ? 403 : 409;
            return new ApiError(status, room.error().code(), room.getMessage());
        }
        if (cause instanceof MediaException media) {
            return switch (media.reason()) {
                case BAD_OFFER -> new ApiError(400, TrtcErrorCode.INVALID_PARAMETER, media.getMessage());
                case STREAM_NOT_FOUND -> new ApiError(404, TrtcErrorCode.STREAM_NOT_FOUND, media.getMessage());
                // A full media plane says which limit and when to retry; anything else unavailable says nothing.
                case UNAVAILABLE -> new ApiError(503, TrtcErrorCode.SERVER_FAILED, media.retryAfterSeconds() > 0
                        ? ServerErrors.refusalMessage(media.getMessage()) : media.getMessage());
            };
        }
        return ServerErrors.internalError("WHIP/WHEP negotiation", cause);
    }

    /** The parameters of one WHIP or WHEP request, validated. */
    private static final class Request {
        SdkAppId sdkAppId;
        UserId userId;
        String userSig;
        Optional<String> privateMapKey;
        RoomRef room;
        StreamId streamId;
        StreamType streamType = StreamType.MAIN;
        OfferedKinds kinds;
        Set<Privilege> privileges;

        static Request from(RoutingContext context, boolean publish, String offer) {
            Request request = new Request();
            request.sdkAppId = SdkAppId.parse(required(context, "sdkAppID"));
            request.userId = RequestAuthenticator.requireValidUserId(required(context, "userID"));
            request.room = RoomRef.parse(context.queryParams().get("roomID"), context.queryParams().get("strRoomID"));
            request.userSig = bearer(context);
            request.privateMapKey = Optional.ofNullable(context.queryParams().get("privateMapKey"))
                    .filter(key -> !key.isBlank());
            request.kinds = OfferedKinds.of(offer);
            boolean audio = request.kinds.audio();
            boolean video = request.kinds.video();
            request.privileges = EnumSet.of(Privilege.ENTER_ROOM);
            if (publish) {
                String streamType = Optional.ofNullable(context.queryParams().get("streamType")).orElse("main");
                request.streamType = StreamType.fromWire(streamType)
                        .orElseThrow(() -> new IllegalArgumentException("streamType must be main or aux"));
                request.streamId = StreamId.of(request.userId, request.streamType);
                if (request.streamType == StreamType.AUX) {
                    // The aux stream is a screen share: video only, as in TRTC. Audio in it would reach players
                    // who hold only recv_aux_video, so it is refused rather than forwarded.
                    if (audio) {
                        throw new IllegalArgumentException("the aux stream (screen share) carries video only: "
                                + "offer no audio section with streamType=aux");
                    }
                    addIf(request.privileges, video, Privilege.SEND_AUX_VIDEO);
                } else {
                    addIf(request.privileges, audio, Privilege.SEND_AUDIO);
                    addIf(request.privileges, video, Privilege.SEND_VIDEO);
                }
            } else {
                // {userID}_main or {userID}_aux with a valid userID, so that it can never carry a '/' into the
                // stream key and name another room's stream.
                request.streamId = StreamId.parse(required(context, "streamID"));
                boolean aux = request.streamId.type() == StreamType.AUX;
                addIf(request.privileges, audio && !aux, Privilege.RECV_AUDIO);
                addIf(request.privileges, video && !aux, Privilege.RECV_VIDEO);
                // An aux stream has no audio to play; asking for it (or for its video) needs recv_aux_video.
                addIf(request.privileges, aux, Privilege.RECV_AUX_VIDEO);
            }
            return request;
        }

        /** The media plane's key: unambiguous, as neither the room key nor the stream id can hold a '/'. */
        String streamKey() {
            return new StreamKey(sdkAppId, room, streamId).toString();
        }

        private static void addIf(Set<Privilege> privileges, boolean condition, Privilege privilege) {
            if (condition) {
                privileges.add(privilege);
            }
        }

        private static String required(RoutingContext context, String name) {
            String value = context.queryParams().get(name);
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("query parameter " + name + " is required");
            }
            return value;
        }

        private static String bearer(RoutingContext context) {
            String header = context.request().getHeader("authorization");
            if (header == null) {
                return null;
            }
            return header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        }
    }
}

package io.lianmai.server.http;

import io.lianmai.auth.Privilege;
import io.lianmai.common.SdkAppId;
import io.lianmai.media.MediaException;
import io.lianmai.media.MediaPlane;
import io.lianmai.room.RoomError;
import io.lianmai.room.RoomException;
import io.lianmai.room.RoomRegistry;
import io.lianmai.room.StreamType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;

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

    private final Vertx vertx;
    private final RequestAuthenticator authenticator;
    private final MediaPlane media;
    private final MediaOnlyMembers roomMembers;

    public WhipWhepRoutes(Vertx vertx, RequestAuthenticator authenticator, MediaPlane media, RoomRegistry rooms) {
        this.vertx = vertx;
        this.authenticator = authenticator;
        this.media = media;
        this.roomMembers = new MediaOnlyMembers(rooms, media);
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
                new ApiError(405, ApiError.INVALID_PARAMETER,
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
            new ApiError(415, ApiError.INVALID_PARAMETER, "the body must be an SDP offer with Content-Type: "
                    + SDP).send(context);
            return;
        }
        String offer = context.body().asString();
        Request request;
        try {
            request = Request.from(context, publish, offer);
        } catch (IllegalArgumentException e) {
            ApiError.badRequest(e.getMessage()).send(context);
            return;
        } catch (ApiException e) {
            e.error().send(context);
            return;
        }
        vertx.executeBlocking(() -> authenticator.authenticate(request.sdkAppId, request.userId, request.userSig,
                request.privateMapKey, request.room, request.privileges), false).compose(granted -> {
            if (!publish && !media.isPublished(request.streamKey())) {
                return Future.failedFuture(new MediaException(MediaException.Reason.STREAM_NOT_FOUND,
                        "stream " + request.streamId + " is not published in this room"));
            }
            Future<MediaPlane.MediaSession> negotiated = Future.fromCompletionStage(publish
                    ? media.publish(request.streamKey(), offer)
                    : media.play(request.streamKey(), offer), context.vertx().getOrCreateContext());
            if (!publish) {
                return negotiated;
            }
            // The publisher becomes a member of its room, so SDK members see it and can subscribe.
            return negotiated.map(session -> {
                roomMembers.join(request.sdkAppId, request.room, request.userId, granted, request.streamType,
                        session.sessionId(), offer.contains("\nm=audio"), offer.contains("\nm=video"));
                return session;
            });
        }).onSuccess(session -> context.response()
                .setStatusCode(201)
                .putHeader("content-type", SDP)
                .putHeader("location", (publish ? "/whip/" : "/whep/") + session.sessionId())
                .end(session.answerSdp()))
                .onFailure(failure -> errorFor(failure).send(context));
    }

    private void end(RoutingContext context) {
        cors(context);
        String session = context.pathParam("session");
        if (media.end(session)) {
            context.response().setStatusCode(200).end();
        } else {
            new ApiError(404, ApiError.INVALID_PARAMETER, "no session " + session + " (already ended?)").send(context);
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

    static ApiError errorFor(Throwable failure) {
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
                case BAD_OFFER -> new ApiError(400, ApiError.INVALID_PARAMETER, media.getMessage());
                case STREAM_NOT_FOUND -> new ApiError(404, ApiError.STREAM_NOT_FOUND, media.getMessage());
                case UNAVAILABLE -> new ApiError(503, ApiError.SERVER_FAILED, media.getMessage());
            };
        }
        return new ApiError(500, ApiError.SERVER_FAILED, "internal error: " + cause);
    }

    /** The parameters of one WHIP or WHEP request, validated. */
    private static final class Request {
        long sdkAppId;
        String userId;
        String userSig;
        Optional<String> privateMapKey;
        RoomRef room;
        String streamId;
        StreamType streamType = StreamType.MAIN;
        Set<Privilege> privileges;

        static Request from(RoutingContext context, boolean publish, String offer) {
            Request request = new Request();
            request.sdkAppId = SdkAppId.parse(required(context, "sdkAppID")).value();
            request.userId = required(context, "userID");
            RequestAuthenticator.requireValidUserId(request.userId);
            request.room = RoomRef.parse(context.queryParams().get("roomID"), context.queryParams().get("strRoomID"));
            request.userSig = bearer(context);
            request.privateMapKey = Optional.ofNullable(context.queryParams().get("privateMapKey"))
                    .filter(key -> !key.isBlank());
            boolean audio = offer.contains("\nm=audio");
            boolean video = offer.contains("\nm=video");
            request.privileges = EnumSet.of(Privilege.ENTER_ROOM);
            if (publish) {
                String streamType = Optional.ofNullable(context.queryParams().get("streamType")).orElse("main");
                if (!streamType.equals("main") && !streamType.equals("aux")) {
                    throw new IllegalArgumentException("streamType must be main or aux");
                }
                request.streamId = request.userId + "_" + streamType;
                request.streamType = streamType.equals("aux") ? StreamType.AUX : StreamType.MAIN;
                if (streamType.equals("aux")) {
                    request.privileges.add(Privilege.SEND_AUX_VIDEO);
                } else {
                    addIf(request.privileges, audio, Privilege.SEND_AUDIO);
                    addIf(request.privileges, video, Privilege.SEND_VIDEO);
                }
            } else {
                request.streamId = required(context, "streamID");
                boolean aux = request.streamId.endsWith("_aux");
                if (!aux && !request.streamId.endsWith("_main")) {
                    throw new IllegalArgumentException("streamID must be {userID}_main or {userID}_aux");
                }
                addIf(request.privileges, audio && !aux, Privilege.RECV_AUDIO);
                addIf(request.privileges, video && !aux, Privilege.RECV_VIDEO);
                addIf(request.privileges, aux, Privilege.RECV_AUX_VIDEO);
            }
            return request;
        }

        String streamKey() {
            return sdkAppId + "/" + room.key() + "/" + streamId;
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

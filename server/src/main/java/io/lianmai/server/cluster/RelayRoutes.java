package io.lianmai.server.cluster;

import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.StreamId;
import io.lianmai.common.StreamKey;
import io.lianmai.media.MediaException;
import io.lianmai.media.MediaPlane;
import io.lianmai.server.http.RequestBodies;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source side of a relay (docs/relay.md): another node of the cluster, signed with {@code cluster.secret}
 * ({@link NodeRequestSigner}), plays a stream of this node as a WebRTC player — {@code POST /internal/v1/relay} with
 * the stream and an SDP offer, answered by an ordinary player session (DTLS-SRTP, NACK/RTX, PLI) — and ends it with
 * {@code DELETE /internal/v1/relay/{session}}. Unsigned, forged or stale requests get 401 with the reason.
 *
 * <p>Handlers run on Vert.x event loops; the session set is concurrent.
 */
public final class RelayRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(RelayRoutes.class);
    public static final String PATH = "/internal/v1/relay";
    /** An offer of two sections is ~2 KiB; this leaves room and no more. */
    static final int MAX_BODY_BYTES = 32 * 1024;

    private final MediaPlane media;
    private final NodeRequestSigner signer;
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();

    public RelayRoutes(MediaPlane media, NodeRequestSigner signer) {
        this.media = media;
        this.signer = signer;
        media.onSessionEnded(sessions::remove);
    }

    /** Adds the two routes to {@code router}. */
    public void mount(Router router) {
        RequestBodies.read(router.post(PATH), MAX_BODY_BYTES);
        router.post(PATH).handler(this::play).failureHandler(context -> refuseTooLarge(context, MAX_BODY_BYTES));
        router.delete(PATH + "/:session").handler(this::end);
    }

    /** Relay sessions other nodes hold on this node now. */
    public int sessionCount() {
        return sessions.size();
    }

    private boolean refusedUnsigned(RoutingContext context, byte[] body) {
        NodeRequestSigner.Verdict verdict = signer.verify(context.request().method().name(), context.request().uri(),
                context.request().getHeader(NodeRequestSigner.NODE_HEADER),
                context.request().getHeader(NodeRequestSigner.TIMESTAMP_HEADER),
                context.request().getHeader(NodeRequestSigner.SIGNATURE_HEADER), body);
        if (verdict.accepted()) {
            return false;
        }
        LOG.warn("refused a relay request from {}: {}", context.request().remoteAddress(), verdict.reason());
        error(context, 401, verdict.reason());
        return true;
    }

    private void play(RoutingContext context) {
        byte[] body = context.body().buffer() == null ? new byte[0] : context.body().buffer().getBytes();
        if (refusedUnsigned(context, body)) {
            return;
        }
        StreamKey key;
        String offer;
        try {
            JsonObject request = new JsonObject(new String(body, java.nio.charset.StandardCharsets.UTF_8));
            key = new StreamKey(SdkAppId.parse(String.valueOf(request.getValue("sdkAppId"))),
                    RoomRef.parseKey(request.getString("roomKey")), StreamId.parse(request.getString("streamId")));
            offer = request.getString("offer");
            if (offer == null || offer.isBlank()) {
                throw new IllegalArgumentException("offer is required");
            }
        } catch (DecodeException | ClassCastException | IllegalArgumentException | NullPointerException e) {
            error(context, 400, "a relay request is {sdkAppId, roomKey, streamId, offer}: " + e.getMessage());
            return;
        }
        String node = context.request().getHeader(NodeRequestSigner.NODE_HEADER);
        media.play(key.toString(), offer).whenComplete((session, failure) -> context.vertx().runOnContext(v -> {
            if (failure != null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause()
                        : failure;
                boolean missing = cause instanceof MediaException m
                        && m.reason() == MediaException.Reason.STREAM_NOT_FOUND;
                error(context, missing ? 404 : 400, cause.getMessage());
                return;
            }
            sessions.add(session.sessionId());
            LOG.info("relay of {} to node {}: session {}", key, node, session.sessionId());
            context.response().setStatusCode(201).putHeader("content-type", "application/json")
                    .end(new JsonObject().put("sessionId", session.sessionId()).put("answer", session.answerSdp())
                            .encode());
        }));
    }

    private void end(RoutingContext context) {
        if (refusedUnsigned(context, new byte[0])) {
            return;
        }
        String session = context.pathParam("session");
        if (sessions.remove(session) && media.end(session)) {
            context.response().setStatusCode(204).end();
        } else {
            error(context, 404, "no relay session " + session);
        }
    }

    /**
     * A node-to-node route's failure handler: a body over {@code maxBytes} (the body handler fails the request with
     * 413 before the route's handler, so before the signature is checked) is answered here, in the route's own
     * format; a route mounted on a router with no failure handler of its own would otherwise log "Unhandled
     * exception in router" at ERROR for each such request. Other failures go on to the router's handlers.
     */
    static void refuseTooLarge(RoutingContext context, long maxBytes) {
        if (context.statusCode() != 413 || context.response().ended()) {
            context.next();
            return;
        }
        // The client is told not to send more on this connection; closing it at once could reset it before the
        // client, still sending, has read the answer.
        context.response().putHeader("connection", "close");
        error(context, 413, "the body is larger than " + maxBytes + " bytes");
    }

    private static void error(RoutingContext context, int status, String message) {
        context.response().setStatusCode(status).putHeader("content-type", "application/json")
                .end(new JsonObject().put("error", message).encode());
    }
}

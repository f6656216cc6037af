package io.lianmai.server.http;

import io.lianmai.common.TrtcErrorCode;
import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.util.Locale;

/**
 * How every POST route of the server reads its body: in memory, up to a limit, and never as a form or upload.
 *
 * <p>Vert.x's {@link BodyHandler} by default parses multipart and urlencoded bodies and streams file parts into
 * {@code ./file-uploads/}, where they stay (issue 12, finding 3). No endpoint here takes a form: SDP and JSON only.
 * So a form body is refused with 415 before anything reads it, and the body handler is told not to handle uploads
 * (it then never creates the directory) as a second line.
 */
public final class RequestBodies {
    private RequestBodies() {
    }

    /** Adds, to {@code route}, the form refusal and a body handler keeping at most {@code maxBytes} in memory. */
    public static void read(Route route, long maxBytes) {
        route.handler(refuseForms()).handler(BodyHandler.create(false).setHandleFileUploads(false)
                .setBodyLimit(maxBytes));
    }

    /** A handler that answers 415 to {@code multipart/*} and {@code application/x-www-form-urlencoded} bodies. */
    static Handler<RoutingContext> refuseForms() {
        return new RefuseForms();
    }

    /**
     * A security-policy handler, so that Vert.x Web lets it run before the body handler (handlers of a route must
     * come in the order platform, security policy, body, user).
     */
    private static final class RefuseForms implements SecurityPolicyHandler {
        @Override
        public void handle(RoutingContext context) {
            String type = context.request().getHeader("content-type");
            String lower = type == null ? "" : type.trim().toLowerCase(Locale.ROOT);
            if (lower.startsWith("multipart/") || lower.startsWith("application/x-www-form-urlencoded")) {
                // Close after answering: the unread body is dropped with the connection instead of being parsed.
                context.response().putHeader("connection", "close");
                new ApiError(415, TrtcErrorCode.INVALID_PARAMETER, "form and multipart bodies are not accepted: send "
                        + "application/sdp (WHIP/WHEP) or application/json (REST API)").send(context);
                return;
            }
            context.next();
        }
    }
}

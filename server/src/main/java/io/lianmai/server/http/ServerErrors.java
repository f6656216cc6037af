package io.lianmai.server.http;

import io.lianmai.common.TrtcErrorCode;
import io.lianmai.server.limits.AdmissionRefusedException;
import io.vertx.ext.web.RoutingContext;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What clients are told when the server fails: a generic message with a short request id, while the details (the
 * exception, its stack) go to the log under that id, so an operator can find them and a client learns nothing of the
 * server's insides. Used by every HTTP route (through {@link ApiError#send}) and by the signalling socket.
 */
public final class ServerErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ServerErrors.class);
    /** Marks a message that already carries its request id. */
    static final String ID_MARK = "(request id ";

    private ServerErrors() {
    }

    /** A fresh 8-hex-digit id; unique enough to find one line in a day's log, not a secret. */
    public static String newRequestId() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    /**
     * Logs an unexpected failure (with its stack) under a new request id.
     *
     * @param what the action that failed, for the log
     * @return the message to give the client: {@code internal error (request id 1a2b3c4d)}
     */
    public static String internal(String what, Throwable cause) {
        String id = newRequestId();
        LOG.error("request {}: {} failed", id, what, cause);
        return "internal error " + ID_MARK + id + ")";
    }

    /** A 500 for an unexpected failure of {@code what}: logged with its stack, generic for the client. */
    public static ApiError internalError(String what, Throwable cause) {
        return new ApiError(500, TrtcErrorCode.SERVER_FAILED, internal(what, cause));
    }

    /**
     * The message a 5xx response may carry: {@code message} itself when it already has a request id, else a
     * generic text with a new id, the original message logged under it.
     */
    static String publicServerMessage(int status, String message) {
        if (message != null && message.contains(ID_MARK)) {
            return message;
        }
        String id = newRequestId();
        LOG.warn("request {}: answered {}: {}", id, status, message);
        return (status == 503 ? "service unavailable, try again later " : "internal error ") + ID_MARK + id + ")";
    }

    /**
     * A refusal's own message (a limit was reached: safe and useful to tell) with a request id, so that
     * {@link ApiError#send} passes it through a 5xx unchanged.
     */
    public static String refusalMessage(String message) {
        String id = newRequestId();
        LOG.debug("request {}: refused: {}", id, message);
        return message + " " + ID_MARK + id + ")";
    }

    /** The error for a refused admission: 503 or 429, the limit named; the caller adds {@code Retry-After}. */
    public static ApiError refused(AdmissionRefusedException refusal) {
        int status = refusal.httpStatus();
        int code = status == 503 ? TrtcErrorCode.SERVICE_UNAVAILABLE : TrtcErrorCode.RATE_LIMITED;
        String message = refusal.getMessage();
        if (status >= 500) {
            message = refusalMessage(message);
        }
        return new ApiError(status, code, message);
    }

    /** Sends a refused admission with {@code Retry-After}. */
    public static void sendRefused(RoutingContext context, AdmissionRefusedException refusal) {
        if (!context.response().ended()) {
            context.response().putHeader("retry-after", Long.toString(refusal.retryAfterSeconds()));
        }
        refused(refusal).send(context);
    }
}

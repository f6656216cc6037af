package io.lianmai.server.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * An error answered to an HTTP client: a status code and a JSON body {@code {"code": <TRTC code>, "message": …}}.
 *
 * @param status HTTP status
 * @param code TRTC error code where one exists (e.g. -100018), else a negative Lianmai code
 * @param message what went wrong, for the developer (replaced by a generic text for 5xx, see {@link #send})
 */
public record ApiError(int status, int code, String message) {
    /** Generic invalid-parameter code (TRTC's {@code ERR_INVALID_PARAMETER}). */
    public static final int INVALID_PARAMETER = -2;
    /** Stream not found: TRTC web SDK's REMOTE_STREAM_NOT_EXIST (0x4010). */
    public static final int STREAM_NOT_FOUND = 16400;
    /** Server could not process the request (TRTC's {@code ERR_SERVER_PROCESS_FAILED}). */
    public static final int SERVER_FAILED = -7;

    /**
     * Sends this error as the response. A server error (5xx) never carries its own text to the client: unless its
     * message already has a request id ({@link ServerErrors}), the client gets a generic message with a new id and
     * the original message is logged under it.
     */
    public void send(RoutingContext context) {
        if (context.response().ended()) {
            return;
        }
        String text = status >= 500 ? ServerErrors.publicServerMessage(status, message) : message;
        context.response()
                .setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(new JsonObject().put("code", code).put("message", text).encode());
    }

    /** 400 with an invalid-parameter code. */
    public static ApiError badRequest(String message) {
        return new ApiError(400, INVALID_PARAMETER, message);
    }
}

package io.lianmai.server.http;

import io.lianmai.common.TrtcErrorCode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * An error answered to an HTTP client: a status code and a JSON body {@code {"code": <TRTC code>, "message": …}}.
 *
 * @param status HTTP status
 * @param code a {@link TrtcErrorCode}
 * @param message what went wrong, for the developer (replaced by a generic text for 5xx, see {@link #send})
 */
public record ApiError(int status, int code, String message) {
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
        return new ApiError(400, TrtcErrorCode.INVALID_PARAMETER, message);
    }
}

package io.lianmai.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianmai.common.SdkAppId;
import io.lianmai.media.MediaPlane;
import io.lianmai.server.http.ApiException;
import io.lianmai.server.http.RequestAuthenticator;
import io.lianmai.server.http.RequestBodies;
import io.lianmai.server.live.LiveService;
import io.vertx.core.AsyncResult;
import io.lianmai.store.CallbackOutbox;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/{Action}}: TRTC's server API, one {@link RestAction} per action.
 *
 * <pre>
 * POST /api/v1/StartPublishCdnStream
 * Authorization: Bearer &lt;UserSig of "administrator"&gt;
 * {"SdkAppId": 1400000000, …}
 *
 * 200 {"Response": {"TaskId": "…", "RequestId": "…"}}
 * 200 {"Response": {"Error": {"Code": "AuthFailure", "Message": "…"}, "RequestId": "…"}}
 * </pre>
 *
 * Every answered request is HTTP 200 with the outcome in {@code Response}, as Tencent Cloud API 3.0 answers, so TRTC
 * server SDKs and scripts read it unchanged. The order of checks: the action exists, the body is a JSON object with
 * {@code SdkAppId}, the Bearer UserSig is the administrator's of that app, then the action's own parameters.
 *
 * <p>Handlers run on the event loop; authentication and the action run on a worker thread.
 */
public final class RestApiRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(RestApiRoutes.class);
    /** Request bodies are small JSON objects; TRTC's largest (mix layouts) stay well under this. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    private static final String PATH = "/api/v1/:action";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);

    private final Vertx vertx;
    private final RequestAuthenticator authenticator;
    private final Map<String, RestAction<?>> actions = new LinkedHashMap<>();
    private final AddressRateLimit addressRate;

    RestApiRoutes(Vertx vertx, RequestAuthenticator authenticator, AddressRateLimit addressRate,
            List<RestAction<?>> actions) {
        this.vertx = vertx;
        this.authenticator = authenticator;
        this.addressRate = addressRate;
        for (RestAction<?> action : actions) {
            this.actions.put(action.name(), action);
        }
    }

    /** The routes with every action this server implements. */
    static RestApiRoutes standard(Vertx vertx, RequestAuthenticator authenticator, AddressRateLimit addressRate,
            LiveService live, MediaPlane media, RoomModeration rooms, CallbackOutbox callbacks,
            List<RestAction<?>> consoleActions) {
        PublishCdnMix mix = new PublishCdnMix(live.mixes(), authenticator);
        return new RestApiRoutes(vertx, authenticator, addressRate, java.util.stream.Stream.concat(
                java.util.stream.Stream.of(
                new StartPublishCdnStream(live.cdnTasks(), mix),
                new StopPublishCdnStream(live.cdnTasks(), mix),
                new UpdatePublishCdnStream(live.cdnTasks(), mix),
                new StartMCUMixTranscode(false, live.mixes(), live.mixImages()::fetch),
                new StartMCUMixTranscode(true, live.mixes(), live.mixImages()::fetch),
                new StopMCUMixTranscode(false, live.mixes()),
                new StopMCUMixTranscode(true, live.mixes()),
                new DescribeMediaStats(media),
                new DismissRoom(false, rooms),
                new DismissRoom(true, rooms),
                new RemoveUser(false, rooms),
                new RemoveUser(true, rooms),
                new DescribeCallbackEvents(callbacks)), consoleActions.stream()).toList());
    }

    /** Adds {@code POST /api/v1/{Action}} to {@code router}. */
    public void mount(Router router) {
        RequestBodies.read(router.post(PATH), MAX_BODY_BYTES);
        router.post(PATH).handler(this::handle);
        router.post(PATH).failureHandler(this::failure);
    }

    private void handle(RoutingContext context) {
        String requestId = UUID.randomUUID().toString();
        if (!addressRate.admit(context, requestId)) {
            return;
        }
        String name = context.pathParam("action");
        RestAction<?> action = actions.get(name);
        if (action == null) {
            error(context, requestId, unknownAction(name));
            return;
        }
        JsonNode body;
        SdkAppId sdkAppId;
        String userSig;
        try {
            body = parse(context);
            sdkAppId = sdkAppId(body);
            userSig = bearer(context.request().getHeader("authorization"));
        } catch (RestApiException e) {
            error(context, requestId, e);
            return;
        }
        vertx.executeBlocking(() -> run(action, sdkAppId, userSig, body), false)
                .onComplete(result -> answer(context, name + " of app " + sdkAppId, requestId, result));
    }

    /**
     * Answers with what an action returned: its fields and the RequestId, or the error it threw; any other failure
     * is an {@code InternalError} whose details go to the log only.
     */
    static void answer(RoutingContext context, String name, String requestId, AsyncResult<? extends Record> result) {
        if (result.succeeded()) {
            ObjectNode response = JSON.valueToTree(result.result());
            response.put("RequestId", requestId);
            LOG.info("{}: ok ({})", name, requestId);
            send(context, response);
        } else if (result.cause() instanceof RestApiException e) {
            LOG.info("{}: {} {} ({})", name, e.code(), e.getMessage(), requestId);
            error(context, requestId, e);
        } else {
            LOG.warn("{} failed ({})", name, requestId, result.cause());
            error(context, requestId, new RestApiException(RestApiException.INTERNAL_ERROR,
                    "internal error; the server log has request " + requestId));
        }
    }

    /** The action named {@code name}, or null. */
    RestAction<?> action(String name) {
        return actions.get(name);
    }

    /** The InvalidAction refusal of {@code name}, listing what this server implements. */
    RestApiException unknownAction(String name) {
        return new RestApiException(RestApiException.INVALID_ACTION, "unknown action '" + shorten(name)
                + "'; this server implements " + String.join(", ", actions.keySet()));
    }

    /** On a worker thread: the caller must be the app's administrator before the body is even bound. */
    private <Q> Record run(RestAction<Q> action, SdkAppId sdkAppId, String userSig, JsonNode body) {
        try {
            authenticator.authenticateAdministrator(sdkAppId, userSig);
        } catch (ApiException e) {
            throw new RestApiException(RestApiException.AUTH_FAILURE, e.error().code() + " " + e.getMessage());
        }
        return bindAndHandle(action, sdkAppId, body);
    }

    /** Binds {@code body} to the action's request type and runs it, for a caller already authorised. */
    static <Q> Record bindAndHandle(RestAction<Q> action, SdkAppId sdkAppId, JsonNode body) {
        return action.handle(sdkAppId, bind(action, body));
    }

    /** Binds {@code body} to the action's request type and runs it with the caller's scope of apps. */
    static <Q> Record bindAndHandle(ScopedAction<Q> action, ApiScope scope, JsonNode body) {
        return action.handle(scope, bind(action, body));
    }

    /** {@code body} as the action's request, or InvalidParameter naming the field that does not fit. */
    private static <Q> Q bind(RestAction<Q> action, JsonNode body) {
        try {
            return JSON.treeToValue(body, action.requestType());
        } catch (MismatchedInputException e) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER, path(e) + ": " + e.getOriginalMessage()
                    .replaceAll(" \\(class [^)]*\\)", "").replaceAll("`[a-z.]+\\.", "`"));
        } catch (JsonProcessingException e) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER, e.getOriginalMessage());
        }
    }

    static JsonNode parse(RoutingContext context) {
        return parse(context.body().buffer());
    }

    /** The body as a JSON object, or InvalidParameter saying why not. */
    static JsonNode parse(Buffer raw) {
        if (raw == null || raw.length() == 0) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER,
                    "the body must be a JSON object with SdkAppId");
        }
        JsonNode body;
        try {
            body = JSON.readTree(raw.getBytes());
        } catch (java.io.IOException e) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER, "the body is not valid JSON: "
                    + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (body == null || !body.isObject()) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER, "the body must be a JSON object");
        }
        return body;
    }

    /** SdkAppId as a JSON number (or a numeric string, as some SDKs send it), 1..4294967295. */
    static SdkAppId sdkAppId(JsonNode body) {
        JsonNode node = body.get("SdkAppId");
        if (node == null || node.isNull()) {
            throw new RestApiException(RestApiException.MISSING_PARAMETER, "SdkAppId is required");
        }
        long value;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            value = node.asLong();
        } else if (node.isTextual() && node.asText().matches("[0-9]{1,10}")) {
            value = Long.parseLong(node.asText());
        } else {
            throw new RestApiException(RestApiException.INVALID_PARAMETER, "SdkAppId must be a whole number");
        }
        if (value < 1 || value > SdkAppId.MAX) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER, "SdkAppId must be 1..4294967295");
        }
        return new SdkAppId(value);
    }

    private static String bearer(String header) {
        String prefix = "bearer ";
        if (header == null || header.length() <= prefix.length()
                || !header.substring(0, prefix.length()).toLowerCase(Locale.ROOT).equals(prefix)) {
            throw new RestApiException(RestApiException.AUTH_FAILURE,
                    "send Authorization: Bearer <UserSig of identifier \"administrator\">");
        }
        return header.substring(prefix.length()).trim();
    }

    /** Failures before the handler (a body over the limit) still get a TRTC-shaped answer. */
    private void failure(RoutingContext context) {
        String requestId = UUID.randomUUID().toString();
        int status = context.statusCode();
        if (status == 413) {
            error(context, requestId, new RestApiException(RestApiException.INVALID_PARAMETER,
                    "the body is larger than " + MAX_BODY_BYTES + " bytes"));
            return;
        }
        LOG.warn("{} failed ({})", context.request().path(), requestId, context.failure());
        error(context, requestId, new RestApiException(RestApiException.INTERNAL_ERROR,
                "internal error; the server log has request " + requestId));
    }

    static void error(RoutingContext context, String requestId, RestApiException e) {
        ObjectNode response = JSON.createObjectNode();
        response.putObject("Error").put("Code", e.code()).put("Message", e.getMessage());
        response.put("RequestId", requestId);
        send(context, response);
    }

    private static void send(RoutingContext context, ObjectNode response) {
        if (context.response().ended()) {
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        root.set("Response", response);
        context.response().setStatusCode(200).putHeader("content-type", "application/json").end(root.toString());
    }

    private static String path(MismatchedInputException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
        return path.isEmpty() ? "body" : path;
    }

    static String shorten(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }
}

package io.lianmai.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.common.SdkAppId;
import io.lianmai.server.http.RequestBodies;
import io.lianmai.store.App;
import io.lianmai.store.AppLookup;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /}: TRTC's server API as Tencent Cloud API 3.0 carries it, so that {@code tencentcloud-sdk-*}
 * clients work with only their endpoint changed. The same {@link RestAction}s as {@code /api/v1} answer.
 *
 * <pre>
 * POST /
 * Content-Type: application/json
 * Host: 127.0.0.1:8800
 * X-TC-Action: DismissRoom
 * X-TC-Version: 2019-07-22
 * X-TC-Timestamp: 1700000000
 * X-TC-Region: ap-guangzhou                       (ignored: one server is one region)
 * Authorization: TC3-HMAC-SHA256 Credential=AKID…/2023-11-14/127/tc3_request, SignedHeaders=content-type;host,
 *                Signature=…
 * {"SdkAppId": 1400000000, "RoomId": 1234}
 *
 * 200 {"Response": {"RequestId": "…"}}
 * 200 {"Response": {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "…"}, "RequestId": "…"}}
 * </pre>
 *
 * The order of checks: the headers' shapes, the version, the timestamp (five minutes either way) and the scope's
 * date, then on a worker thread the SecretId, the signature over the body as received (with the scope as the client
 * sent it), the action, the credential's rate for it, the body's SdkAppId against the credential's scope and the app
 * directory, and last the action's own parameters. An action not bound to one app ({@link ScopedAction}: the
 * console's {@code DescribeApps}, {@code CreateApp}, …) skips the SdkAppId checks and gets the credential's scope
 * instead. Signatures are compared in constant time.
 */
public final class CloudApiRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(CloudApiRoutes.class);
    /** TRTC's API version; the only one served. */
    static final String VERSION = "2019-07-22";
    /** How far X-TC-Timestamp may be from the server's clock, either way: Tencent's five minutes. */
    static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    private static final String PATH = "/";

    private final Vertx vertx;
    private final RestApiRoutes actions;
    private final CredentialDirectory credentials;
    private final AddressRateLimit addressRate;
    private final AppLookup apps;
    private final ActionRateLimiter rates;
    private final Clock clock;

    /**
     * @param actions the actions, shared with {@code /api/v1}
     * @param requestsPerSecond per action per credential ({@code api.requestsPerSecond})
     */
    CloudApiRoutes(Vertx vertx, RestApiRoutes actions, CredentialDirectory credentials,
            AddressRateLimit addressRate, AppLookup apps, int requestsPerSecond, Clock clock) {
        this.vertx = vertx;
        this.actions = actions;
        this.credentials = credentials;
        this.addressRate = addressRate;
        this.apps = apps;
        this.rates = new ActionRateLimiter(requestsPerSecond, clock);
        this.clock = clock;
    }

    /** Adds {@code POST /} to {@code router}; {@code GET /} stays with the web pages. */
    public void mount(Router router) {
        RequestBodies.read(router.post(PATH), RestApiRoutes.MAX_BODY_BYTES);
        router.post(PATH).handler(this::handle);
        router.post(PATH).failureHandler(this::failure);
    }

    /** What the event loop checked, for the worker to finish. */
    private record Signed(Tc3Authorization authorization, String action, long timestamp, List<String> values,
            byte[] body) {
    }

    private void handle(RoutingContext context) {
        String requestId = UUID.randomUUID().toString();
        if (!addressRate.admit(context, requestId)) {
            return;
        }
        Signed signed;
        try {
            signed = checkHeaders(context);
        } catch (RestApiException e) {
            RestApiRoutes.error(context, requestId, e);
            return;
        }
        String name = RestApiRoutes.shorten(signed.action()) + " by " + signed.authorization().secretId();
        vertx.executeBlocking(() -> run(signed), false)
                .onComplete(result -> RestApiRoutes.answer(context, name, requestId, result));
    }

    /** The checks that need no database, on the event loop. */
    private Signed checkHeaders(RoutingContext context) {
        MultiMap headers = context.request().headers();
        Tc3Authorization authorization = Tc3Authorization.parse(headers.get("authorization"));
        String action = required(headers, "X-TC-Action");
        String version = required(headers, "X-TC-Version");
        if (!version.equals(VERSION)) {
            throw new RestApiException(RestApiException.NO_SUCH_VERSION, "X-TC-Version must be " + VERSION
                    + " (TRTC's API version), got '" + RestApiRoutes.shorten(version) + "'");
        }
        String timestampText = required(headers, "X-TC-Timestamp");
        if (!timestampText.matches("[0-9]{1,12}")) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER,
                    "X-TC-Timestamp must be the Unix time in seconds");
        }
        long timestamp = Long.parseLong(timestampText);
        Instant now = clock.instant();
        if (Math.abs(now.getEpochSecond() - timestamp) > MAX_CLOCK_SKEW.toSeconds()) {
            throw new RestApiException(RestApiException.AUTH_SIGNATURE_EXPIRE, "X-TC-Timestamp " + timestamp
                    + " is more than " + MAX_CLOCK_SKEW.toMinutes() + " minutes from the server's time "
                    + now.getEpochSecond() + ": sign with the current time (check the client's clock)");
        }
        String date = Instant.ofEpochSecond(timestamp).atOffset(ZoneOffset.UTC).toLocalDate().toString();
        if (!authorization.date().equals(date)) {
            throw new RestApiException(RestApiException.AUTH_SIGNATURE_FAILURE, "the Credential's date "
                    + authorization.date() + " is not the UTC date of X-TC-Timestamp, " + date);
        }
        String contentType = required(headers, "Content-Type");
        if (!contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new RestApiException(RestApiException.INVALID_PARAMETER,
                    "Content-Type must be application/json");
        }
        if ("UNSIGNED-PAYLOAD".equals(headers.get("X-TC-Content-SHA256"))) {
            throw new RestApiException(RestApiException.UNSUPPORTED_OPERATION,
                    "unsigned payloads are not accepted: sign the body (the SDKs' default)");
        }
        List<String> values = new ArrayList<>();
        for (String header : authorization.signedHeaders()) {
            List<String> all = headers.getAll(header);
            if (all.size() != 1) {
                throw new RestApiException(RestApiException.AUTH_INVALID_AUTHORIZATION, "signed header " + header
                        + (all.isEmpty() ? " is missing" : " is sent more than once"));
            }
            values.add(all.get(0).trim());
        }
        Buffer body = context.body().buffer();
        return new Signed(authorization, action, timestamp, values, body == null ? new byte[0] : body.getBytes());
    }

    /** On a worker thread: the credential, the signature, the rate, the scope, then the action. */
    private Record run(Signed signed) {
        Tc3Authorization authorization = signed.authorization();
        ApiCredentials.Credential credential = credentials.find(authorization.secretId())
                .orElseThrow(() -> secretIdNotFound(authorization.secretId()));
        if (!verifies(credential.secretKey(), signed)) {
            throw new RestApiException(RestApiException.AUTH_SIGNATURE_FAILURE, "the signature does not match: "
                    + "sign the canonical request of POST / with the SecretKey of " + credential.secretId()
                    + " (TC3-HMAC-SHA256)");
        }
        if (!credentials.stillExists(credential)) {
            throw secretIdNotFound(authorization.secretId());
        }
        RestAction<?> action = actions.action(signed.action());
        if (action == null) {
            throw actions.unknownAction(signed.action());
        }
        if (!rates.tryAcquire(credential.secretId(), action.name())) {
            throw new RestApiException(RestApiException.REQUEST_LIMIT_EXCEEDED, "more than the allowed requests "
                    + "per second to " + action.name() + " with this credential (api.requestsPerSecond)");
        }
        JsonNode body = RestApiRoutes.parse(Buffer.buffer(signed.body()));
        if (action instanceof ScopedAction<?> scoped) {
            // Not bound to one app (DescribeApps, CreateApp, DescribeLiveRooms…): it sees only the credential's.
            return RestApiRoutes.bindAndHandle(scoped, ApiScope.of(credential), body);
        }
        SdkAppId sdkAppId = RestApiRoutes.sdkAppId(body);
        if (!credential.allows(sdkAppId)) {
            throw new RestApiException(RestApiException.AUTH_UNAUTHORIZED_OPERATION, "API credential "
                    + credential.secretId() + " is not scoped to SdkAppId " + sdkAppId);
        }
        Optional<App> app = apps.find(sdkAppId).filter(App::enabled);
        if (app.isEmpty()) {
            throw new RestApiException(RestApiException.SDK_APP_ID_NOT_EXIST, "SdkAppId " + sdkAppId
                    + " does not exist or is disabled");
        }
        return RestApiRoutes.bindAndHandle(action, sdkAppId, body);
    }

    /**
     * Whether the signature is the key's over the request as received, with the signed headers' values in any of
     * the forms clients sign them ({@link Tc3Signature#headerValueVariants}: as sent, lowercased, and the host
     * without its port as {@code tencentcloud-sdk-nodejs} signs it).
     */
    private static boolean verifies(String secretKey, Signed signed) {
        Tc3Authorization authorization = signed.authorization();
        boolean matches = false;
        for (List<String> values : Tc3Signature.headerValueVariants(authorization.signedHeaders(), signed.values())) {
            String canonical = Tc3Signature.canonicalRequest(authorization.signedHeaders(), values, signed.body());
            String toSign = Tc3Signature.stringToSign(signed.timestamp(), authorization.date(),
                    authorization.service(), canonical);
            String expected = Tc3Signature.signature(secretKey, authorization.date(), authorization.service(),
                    toSign);
            matches |= Tc3Signature.matches(expected, authorization.signature());
        }
        return matches;
    }

    private static RestApiException secretIdNotFound(String secretId) {
        return new RestApiException(RestApiException.AUTH_SECRET_ID_NOT_FOUND, "no API credential has SecretId "
                + RestApiRoutes.shorten(secretId) + " (lianmai apikey list)");
    }

    private static String required(MultiMap headers, String name) {
        String value = headers.get(name);
        if (value == null || value.isBlank()) {
            throw new RestApiException(RestApiException.MISSING_PARAMETER, "the " + name + " header is required");
        }
        return value.trim();
    }

    /** Failures before the handler (a body over the limit) still get Tencent's shape. */
    private void failure(RoutingContext context) {
        String requestId = UUID.randomUUID().toString();
        if (context.statusCode() == 413) {
            RestApiRoutes.error(context, requestId, new RestApiException(
                    RestApiException.REQUEST_SIZE_LIMIT_EXCEEDED, "the body is larger than "
                            + RestApiRoutes.MAX_BODY_BYTES + " bytes"));
            return;
        }
        LOG.warn("POST / failed ({})", requestId, context.failure());
        RestApiRoutes.error(context, requestId, new RestApiException(RestApiException.INTERNAL_ERROR,
                "internal error; the server log has request " + requestId));
    }
}

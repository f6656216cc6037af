package io.lianmai.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianmai.server.api.Tc3Signature;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * The server API flooded by a client with no credential: {@code POST /} requests signed in the right shape with
 * SecretIds nobody created (each once cost the server a database read), as fast as the count and time allow. Every
 * one must be refused — {@code AuthFailure.SecretIdNotFound} or, past the address's rate,
 * {@code RequestLimitExceeded.IPLimitExceeded} — and once the flood stops a real credential's call from the same
 * address must work again.
 */
final class ApiFloodAttack implements Attack {
    private static final int CONCURRENCY = 64;
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String NOT_FOUND = "AuthFailure.SecretIdNotFound";
    static final String IP_LIMIT = "RequestLimitExceeded.IPLimitExceeded";

    private Optional<ServerCli.ApiKey> key = Optional.empty();
    private String keyProblem = "";

    @Override
    public String name() {
        return "api-flood";
    }

    @Override
    public String description(AttackScale scale) {
        return scale.anonymousCount() + " POST / (server API) in " + scale.anonymousSeconds() + " s, made-up "
                + "SecretIds in TC3-HMAC-SHA256's shape";
    }

    @Override
    public String expectation(AttackScale scale) {
        return "every one SecretIdNotFound or IPLimitExceeded; a real credential works after";
    }

    @Override
    public int maxSeconds(AttackScale scale) {
        return scale.anonymousSeconds() + 25;
    }

    @Override
    public void prepare(AttackContext context) {
        ServerCli cli = new ServerCli(context.server);
        key = cli.createApiKey();
        keyProblem = cli.lastProblem();
    }

    @Override
    public Verdict run(AttackContext context, AttackOutcome outcome) throws Exception {
        String body = "{\"SdkAppId\":" + context.sdkAppId() + ",\"RoomId\":" + AttackContext.freshRoom() + "}";
        HttpFlood.run(context.http, context.scale.anonymousCount(), context.scale.anonymousSeconds() * 1000L,
                CONCURRENCY, i -> request(context, String.format("AKID%032d", i), "0".repeat(32), body),
                outcome, ApiFloodAttack::code, null);
        long refused = outcome.countOf(NOT_FOUND, IP_LIMIT);
        String detail = outcome.countOf(NOT_FOUND) + " SecretIdNotFound, " + outcome.countOf(IP_LIMIT)
                + " IPLimitExceeded of " + outcome.sentCount();
        if (key.isEmpty()) {
            return Verdict.notAvailable(detail + "; no credential for the check after: " + keyProblem);
        }
        String after = realCallAfterTheFlood(context, key.get(), body);
        detail += "; a real credential's call after: " + after;
        boolean pass = outcome.sentCount() > 0 && refused == outcome.total()
                && after.equals("FailedOperation.RoomNotExist");
        return pass ? Verdict.pass(detail) : Verdict.fail(detail);
    }

    /**
     * A real credential's {@code DismissRoom} of an empty room, retried for up to 5 s while the address's rate
     * refills: {@code FailedOperation.RoomNotExist} means authenticated and judged.
     */
    private static String realCallAfterTheFlood(AttackContext context, ServerCli.ApiKey key, String body)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        String code = "no answer";
        for (int attempt = 0; attempt < 50 && System.nanoTime() < deadline; attempt++) {
            try {
                code = code(context.http.send(request(context, key.secretId(), key.secretKey(), body),
                        HttpResponse.BodyHandlers.ofString()));
            } catch (IOException e) {
                code = AttackOutcome.failure(e);
            }
            if (!code.equals(IP_LIMIT)) {
                break;
            }
            Thread.sleep(100);
        }
        return code;
    }

    /** {@code POST /} signed as Tencent's SDKs sign it, with {@code secretKey} for {@code secretId}. */
    private static HttpRequest request(AttackContext context, String secretId, String secretKey, String body) {
        long now = Instant.now().getEpochSecond();
        String date = Instant.ofEpochSecond(now).atOffset(ZoneOffset.UTC).toLocalDate().toString();
        String host = context.baseUrl().getAuthority();
        String canonical = Tc3Signature.canonicalRequest(List.of("content-type", "host"),
                List.of("application/json", host), body.getBytes(StandardCharsets.UTF_8));
        String signature = Tc3Signature.signature(secretKey, date, "127",
                Tc3Signature.stringToSign(now, date, "127", canonical));
        return HttpRequest.newBuilder(context.baseUrl().resolve("/")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("X-TC-Action", "DismissRoom")
                .header("X-TC-Version", "2019-07-22").header("X-TC-Timestamp", Long.toString(now))
                .header("X-TC-Region", "ap-guangzhou")
                .header("Authorization", "TC3-HMAC-SHA256 Credential=" + secretId + "/" + date
                        + "/127/tc3_request, SignedHeaders=content-type;host, Signature=" + signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** The answer's Tencent error code, {@code ok} for none, {@code HTTP n} when the status is not 200. */
    private static String code(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            return "HTTP " + response.statusCode();
        }
        try {
            JsonNode error = JSON.readTree(response.body()).path("Response").path("Error");
            return error.isMissingNode() ? "ok" : error.path("Code").asText();
        } catch (IOException e) {
            return "unparsable";
        }
    }
}

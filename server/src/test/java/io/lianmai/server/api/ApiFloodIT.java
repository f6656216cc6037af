package io.lianmai.server.api;

import static io.lianmai.server.api.CloudApiClient.createKey;
import static io.lianmai.server.api.CloudApiClient.sdk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.trtc.v20190722.models.DismissRoomRequest;
import io.lianmai.server.TestServer;
import io.lianmai.testkit.Await;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An unauthenticated flood of the server API: requests with made-up SecretIds, well-formed enough to reach the
 * credential lookup. The source address's rate ({@code api.requestsPerSecondPerIp}) answers most of them on the event
 * loop with Tencent's {@code RequestLimitExceeded.IPLimitExceeded}; the server stays responsive meanwhile, and the
 * address's real backend calls work again once the flood stops.
 */
class ApiFloodIT {
    private static final int PER_SECOND = 20;
    private static final int BURST = 40;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    private static final TestServer server = TestServer.fixture(Map.of(
            "api.requestsPerSecondPerIp", Integer.toString(PER_SECOND), "api.burstPerIp", Integer.toString(BURST)));

    @Test
    void madeUpSecretIdsAreHeldToTheAddressRateAndTheServerStaysResponsive() throws Exception {
        CloudApiClient.Key key = createKey(server);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ConcurrentMap<String, AtomicLong> codes = new ConcurrentHashMap<>();
        ConcurrentMap<String, AtomicLong> restCodes = new ConcurrentHashMap<>();
        Semaphore inFlight = new Semaphore(16);
        List<CompletableFuture<?>> sent = new ArrayList<>();
        AtomicLong slowestHealthz = new AtomicLong();
        long start = System.nanoTime();
        for (int i = 0; i < 600; i++) {
            assertThat(inFlight.tryAcquire(10, TimeUnit.SECONDS)).as("a request slot within 10 s").isTrue();
            // One in ten to /api/v1 with a made-up UserSig: the same address rate counts both.
            boolean rest = i % 10 == 9;
            ConcurrentMap<String, AtomicLong> counted = rest ? restCodes : codes;
            sent.add(http.sendAsync(rest ? madeUpRest(i) : madeUp(i), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, e) -> {
                        inFlight.release();
                        counted.computeIfAbsent(e != null ? e.getClass().getSimpleName() : code(response),
                                ignored -> new AtomicLong()).incrementAndGet();
                    }));
            if (i % 100 == 50) {
                long before = System.nanoTime();
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(server.url("/healthz"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
                slowestHealthz.accumulateAndGet(System.nanoTime() - before, Math::max);
            }
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;

        // Every request answered, in Tencent's shape, with one of the two refusals.
        assertThat(codes.keySet()).as("answers: %s", codes)
                .containsOnly("AuthFailure.SecretIdNotFound", AddressRateLimit.IP_LIMIT_EXCEEDED);
        long passed = codes.get("AuthFailure.SecretIdNotFound").get() + restCodes.getOrDefault("AuthFailure",
                new AtomicLong()).get();
        assertThat(passed).as("past the address rate: %s and %s in %.1f s", codes, restCodes, seconds)
                .isLessThanOrEqualTo(BURST + (long) Math.ceil(PER_SECOND * seconds) + 5);
        assertThat(Duration.ofNanos(slowestHealthz.get())).as("slowest /healthz during the flood")
                .isLessThan(Duration.ofSeconds(1));

        assertThat(restCodes.keySet()).as("/api/v1 answers: %s", restCodes)
                .containsOnly("AuthFailure", AddressRateLimit.IP_LIMIT_EXCEEDED);
        assertThat(restCodes.get(AddressRateLimit.IP_LIMIT_EXCEEDED).get()).isPositive();

        // Once the flood stops, the address's bucket refills and the real backend's calls work.
        DismissRoomRequest dismiss = new DismissRoomRequest();
        dismiss.setSdkAppId(server.sdkAppId());
        dismiss.setRoomId(77L);
        AtomicReference<String> after = new AtomicReference<>();
        Await.until("an authenticated answer after the flood", Duration.ofSeconds(10), () -> {
            try {
                sdk(server, key).DismissRoom(dismiss);
                after.set("ok");
            } catch (TencentCloudSDKException e) {
                after.set(e.getErrorCode());
            }
            return !AddressRateLimit.IP_LIMIT_EXCEEDED.equals(after.get());
        });
        assertThat(after.get()).as("authenticated and judged: the room has no member")
                .isEqualTo("FailedOperation.RoomNotExist");
    }

    /** A request signed with a SecretId nobody created: well-formed to the credential lookup. */
    private static HttpRequest madeUp(int i) {
        long now = Instant.now().getEpochSecond();
        String date = Instant.ofEpochSecond(now).atOffset(ZoneOffset.UTC).toLocalDate().toString();
        String secretId = String.format("AKID%032d", i);
        return HttpRequest.newBuilder(server.url("/")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("X-TC-Action", "DismissRoom")
                .header("X-TC-Version", "2019-07-22").header("X-TC-Timestamp", Long.toString(now))
                .header("Authorization", "TC3-HMAC-SHA256 Credential=" + secretId + "/" + date
                        + "/127/tc3_request, SignedHeaders=content-type;host, Signature=" + "0".repeat(64))
                .POST(HttpRequest.BodyPublishers.ofString("{\"SdkAppId\":" + server.sdkAppId() + ",\"RoomId\":1}"))
                .build();
    }

    /** {@code /api/v1} with a bearer that is no UserSig. */
    private static HttpRequest madeUpRest(int i) {
        return HttpRequest.newBuilder(server.url("/api/v1/DismissRoom")).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json").header("authorization", "Bearer eJyr" + i)
                .POST(HttpRequest.BodyPublishers.ofString("{\"SdkAppId\":" + server.sdkAppId() + ",\"RoomId\":1}"))
                .build();
    }

    /** The answer's Tencent error code, "ok" for none, or the HTTP status when it is not 200. */
    private static String code(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            return "HTTP " + response.statusCode();
        }
        try {
            JsonNode error = JSON.readTree(response.body()).path("Response").path("Error");
            return error.isMissingNode() ? "ok" : error.path("Code").asText();
        } catch (java.io.IOException e) {
            return "unparsable: " + response.body();
        }
    }
}

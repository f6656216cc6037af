package io.lianmai.server.api;

import io.lianmai.server.limits.RateBuckets;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/**
 * The server API's first check, on the event loop before anything else: requests per second from one source address
 * ({@code api.requestsPerSecondPerIp}), on {@code POST /} and {@code POST /api/v1} together. It bounds what a client
 * without a credential can make the server do — parse, look a SecretId up, verify a signature, log — while the
 * per-credential limit ({@link ActionRateLimiter}, TRTC's 20 per action) applies only once a request is signed.
 * Beyond it the answer is Tencent's {@code RequestLimitExceeded.IPLimitExceeded}.
 */
final class AddressRateLimit {
    /** Tencent Cloud API 3.0's code for a source address over its frequency limit. */
    static final String IP_LIMIT_EXCEEDED = "RequestLimitExceeded.IPLimitExceeded";

    private final RateBuckets<String> buckets;

    /**
     * @param perSecond requests per second per address, sustained ({@code api.requestsPerSecondPerIp})
     * @param burst requests an address may send at once ({@code api.burstPerIp})
     * @param trackedAddresses addresses remembered ({@code limits.trackedAddresses})
     */
    AddressRateLimit(double perSecond, int burst, int trackedAddresses, Clock clock) {
        this.buckets = new RateBuckets<>(perSecond, burst, trackedAddresses, clock);
    }

    /** Takes one request of the context's source address; false (and answered) when it is over the limit. */
    boolean admit(RoutingContext context, String requestId) {
        if (buckets.take(context.request().remoteAddress().hostAddress()) == 0) {
            return true;
        }
        RestApiRoutes.error(context, requestId, new RestApiException(IP_LIMIT_EXCEEDED, "too many requests from "
                + "this address: at most " + buckets.rate() + " per second (api.requestsPerSecondPerIp)"));
        return false;
    }
}

package io.lianmai.server.api;

import io.lianmai.server.limits.TokenBucket;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * TRTC's rate limit of the server API: {@code api.requestsPerSecond} requests per second per action per
 * credential, burst the same. Buckets exist only for authenticated credentials and known actions, so their number
 * is bounded by what the operator created. Thread-safe: each bucket is locked on its own.
 */
final class ActionRateLimiter {
    private final int perSecond;
    private final Clock clock;
    private final ConcurrentMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    ActionRateLimiter(int perSecond, Clock clock) {
        this.perSecond = perSecond;
        this.clock = clock;
    }

    /** Takes one request of {@code secretId} for {@code action}; false when over the limit. */
    boolean tryAcquire(String secretId, String action) {
        long now = clock.millis();
        TokenBucket bucket = buckets.computeIfAbsent(secretId + "/" + action,
                key -> new TokenBucket(perSecond, perSecond, now));
        synchronized (bucket) {
            return bucket.tryTake(now);
        }
    }
}

package io.lianmai.room;

import java.time.Instant;

/**
 * A token bucket: up to {@code perSecond} messages in any burst, refilled at {@code perSecond} tokens a second.
 * Not thread-safe: used under its room's lock.
 */
final class MessageRateLimiter {
    private final int perSecond;
    private double tokens;
    private Instant last;

    MessageRateLimiter(int perSecond, Instant now) {
        this.perSecond = perSecond;
        this.tokens = perSecond;
        this.last = now;
    }

    /** Takes one token if there is one. */
    boolean tryAcquire(Instant now) {
        long elapsedNanos = Math.max(0, java.time.Duration.between(last, now).toNanos());
        tokens = Math.min(perSecond, tokens + elapsedNanos * perSecond / 1e9);
        last = now.isAfter(last) ? now : last;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}

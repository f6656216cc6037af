package io.lianmai.server.signal;

/**
 * The request budget of one signalling socket: a token bucket holding {@code burst} tokens, refilled at
 * {@code perSecond}. Not thread-safe: used on the socket's context only.
 */
final class CommandRateLimiter {
    private final double perMilli;
    private final int burst;
    private double tokens;
    private long last;

    CommandRateLimiter(int perSecond, int burst, long nowMillis) {
        this.perMilli = perSecond / 1000.0;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowMillis;
    }

    /** Takes one token if there is one. */
    boolean tryAcquire(long nowMillis) {
        long elapsed = Math.max(0, nowMillis - last);
        last = Math.max(last, nowMillis);
        tokens = Math.min(burst, tokens + elapsed * perMilli);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}

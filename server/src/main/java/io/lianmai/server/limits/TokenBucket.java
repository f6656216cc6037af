package io.lianmai.server.limits;

/**
 * A token bucket: {@code burst} tokens, refilled at {@code perSecond}; used for join rates ({@link Admission}) and
 * the request budget of a signalling socket. Not thread-safe: the caller locks or keeps it on one context.
 */
public final class TokenBucket {
    /** Absorbs rounding of the refill arithmetic, so that a whole token's wait gives a whole token. */
    private static final double EPSILON = 1e-9;
    private final double perMilli;
    private final double burst;
    private double tokens;
    private long updatedAt;

    public TokenBucket(double perSecond, int burst, long nowMillis) {
        this.perMilli = perSecond / 1000.0;
        this.burst = burst;
        this.tokens = burst;
        this.updatedAt = nowMillis;
    }

    /** Takes a token: 0 when one was there, else the milliseconds until one will be. */
    public long take(long nowMillis) {
        if (nowMillis > updatedAt) {
            tokens = Math.min(burst, tokens + (nowMillis - updatedAt) * perMilli);
            updatedAt = nowMillis;
        }
        if (tokens >= 1 - EPSILON) {
            tokens = Math.max(0, tokens - 1);
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) / perMilli));
    }

    /** Takes a token if there is one. */
    public boolean tryTake(long nowMillis) {
        return take(nowMillis) == 0;
    }
}

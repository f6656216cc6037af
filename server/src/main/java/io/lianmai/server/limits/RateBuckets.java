package io.lianmai.server.limits;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link TokenBucket} per key (a source address, an app), for at most {@code tracked} keys: the least recently
 * seen key is forgotten first, so a flood from ever new addresses costs bounded memory and a forgotten key simply
 * starts again with a full burst. Thread-safe: one lock, taken once per request, never per packet.
 *
 * @param <K> the key
 */
public final class RateBuckets<K> {
    private final double perSecond;
    private final int burst;
    private final Clock clock;
    private final Map<K, TokenBucket> buckets;

    /**
     * @param perSecond the sustained rate per key
     * @param burst the tokens a key starts with and may save up
     * @param tracked the most keys remembered
     */
    public RateBuckets(double perSecond, int burst, int tracked, Clock clock) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.clock = clock;
        this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, TokenBucket> eldest) {
                return size() > tracked;
            }
        };
    }

    /** Takes a token of {@code key}: 0 when one was there, else the milliseconds until one will be. */
    public synchronized long take(K key) {
        long now = clock.millis();
        return buckets.computeIfAbsent(key, ignored -> new TokenBucket(perSecond, burst, now)).take(now);
    }

    /** The sustained rate per key, for messages. */
    public String rate() {
        return perSecond == Math.rint(perSecond) ? Long.toString((long) perSecond) : Double.toString(perSecond);
    }

    /** Keys remembered now (for tests of the bound). */
    public synchronized int tracked() {
        return buckets.size();
    }
}

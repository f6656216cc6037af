package io.lianmai.server.cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a failure that repeats (a relay retried every 250 ms, garbage flooding a Redis channel) from flooding the log:
 * per key, the first failure is logged, then at most one per interval, each telling how many were held back since the
 * last one logged; the recovery of a key that failed is logged once.
 *
 * <p>Thread-safe. Keys are forgotten when they recover or are {@linkplain #forget forgotten}; past
 * {@link #MAX_KEYS} keys, those silent for two intervals are dropped, so keys that never recover cannot pile up.
 */
final class LogLimiter {
    /** How many keys are kept before silent ones are dropped. */
    static final int MAX_KEYS = 4096;

    private final Clock clock;
    private final long intervalMillis;
    private final Map<Object, State> keys = new ConcurrentHashMap<>();

    /** @param interval the least time between two lines logged for one key */
    LogLimiter(Clock clock, Duration interval) {
        this.clock = clock;
        this.intervalMillis = interval.toMillis();
    }

    /** Failures of one key: when one was last logged, how many since, how many in all. */
    private static final class State {
        long loggedAt;
        long held;
        long total;
    }

    /**
     * Counts a failure of {@code key}.
     *
     * @return -1 when it is not to be logged now; else the failures held back since the last one logged (0 for the
     *         first failure of the key)
     */
    long failure(Object key) {
        long now = clock.millis();
        if (keys.size() >= MAX_KEYS && !keys.containsKey(key)) {
            keys.values().removeIf(state -> now - state.loggedAt >= 2 * intervalMillis);
        }
        long[] verdict = {-1};
        keys.compute(key, (k, state) -> {
            if (state == null) {
                state = new State();
                state.loggedAt = now;
                verdict[0] = 0;
            } else if (now - state.loggedAt >= intervalMillis) {
                verdict[0] = state.held;
                state.held = 0;
                state.loggedAt = now;
            } else {
                state.held++;
            }
            state.total++;
            return state;
        });
        return verdict[0];
    }

    /**
     * {@code key} works again.
     *
     * @return the failures counted since its first one (the caller logs the recovery when this is above 0), or 0 when
     *         it had not failed
     */
    long recovered(Object key) {
        State state = keys.remove(key);
        return state == null ? 0 : state.total;
    }

    /** Forgets {@code key} without a recovery (what failed is gone). */
    void forget(Object key) {
        keys.remove(key);
    }

    /** Keys counted now (tests). */
    int size() {
        return keys.size();
    }
}

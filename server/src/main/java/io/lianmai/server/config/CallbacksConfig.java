package io.lianmai.server.config;

import java.time.Duration;

/**
 * Event callbacks ({@code callbacks.*}): how the outbox is delivered, how long it keeps trying and keeping, and where
 * callback URLs may point.
 *
 * @param timeout             one delivery attempt: connect and answer (TRTC waits 5 s)
 * @param maxConcurrent       attempts in flight at once, all apps together (one per room at most)
 * @param retryInitial        wait after the first failed attempt; each later one doubles it
 * @param retryMax            the longest wait between two attempts
 * @param retryFor            how long after the event it is still tried; then it is given up
 * @param retention           how long delivered and given-up events stay in the outbox (the reconcile view)
 * @param poll                how often the outbox is checked for due events when nothing else woke the sender
 * @param queueSize           events accepted from rooms and not yet written to the database; beyond it they are
 *                            dropped and counted (the database is down or far too slow)
 * @param allowPrivateTargets whether callback URLs may point at loopback, private, link-local and other special
 *                            addresses (as {@code cdn.allowPrivateTargets} for relays)
 * @param lease               how long a node's claim on an event it attempts lasts: another node (sharing the
 *                            database) takes the event over only after it, so it must outlast an attempt (more
 *                            than twice {@code timeout}: connect, then answer)
 */
public record CallbacksConfig(Duration timeout, int maxConcurrent, Duration retryInitial, Duration retryMax,
                              Duration retryFor, Duration retention, Duration poll, int queueSize,
                              boolean allowPrivateTargets, Duration lease) {
    /**
     * The defaults of {@link ConfigKey}: 5 s, 16, 1 s doubling to 10 min, for 24 h, kept 7 d, public targets, 60 s
     * leases.
     */
    public static final CallbacksConfig DEFAULT = new CallbacksConfig(Duration.ofSeconds(5), 16, Duration.ofSeconds(1),
            Duration.ofMinutes(10), Duration.ofHours(24), Duration.ofDays(7), Duration.ofMillis(500), 100_000, false,
            Duration.ofSeconds(60));

    public CallbacksConfig {
        if (lease.compareTo(timeout.multipliedBy(2)) <= 0) {
            throw new IllegalArgumentException("the callback lease (" + lease.toMillis() + " ms) must be longer than "
                    + "two attempt timeouts (" + timeout.multipliedBy(2).toMillis() + " ms): another node would "
                    + "take over an event while its attempt may still be answered");
        }
    }
}

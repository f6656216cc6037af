package io.lianmai.media.ice;

import java.time.Duration;
import java.util.Objects;

/**
 * Timers and limits of an {@link IceLiteAgent}. Immutable; {@link #DEFAULT} holds the values the server runs with.
 *
 * @param connectTimeout        how long a new session may stay CHECKING, i.e. without a valid nominating check,
 *                              before it FAILS. Default 30 s: browsers give up on ICE well before that, so a session
 *                              still waiting is one the client abandoned.
 * @param disconnectedAfter     silence on the selected pair (no valid check) after which the state is DISCONNECTED.
 *                              Default 5 s: browsers send a consent check every 5 s on average (RFC 7675 §5.1), so
 *                              5 s of nothing means at least one was lost or the client is gone.
 * @param consentTimeout        silence on the selected pair after which consent has expired and the state is FAILED
 *                              (RFC 7675 §5.1: 30 s). The session must end then.
 * @param maxCandidateAddresses how many remote candidates with a valid check are remembered, 2..64; the selected
 *                              one is never forgotten, the stalest other one makes room. Default 8: a browser checks
 *                              one pair per local interface and protocol; more would only let a client grow the
 *                              table.
 */
public record IceLiteConfig(Duration connectTimeout, Duration disconnectedAfter, Duration consentTimeout,
        int maxCandidateAddresses) {

    /** The server's defaults: 30 s to connect, DISCONNECTED after 5 s, FAILED after 30 s, 8 addresses. */
    public static final IceLiteConfig DEFAULT =
            new IceLiteConfig(Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(30), 8);

    public IceLiteConfig {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(disconnectedAfter, "disconnectedAfter");
        Objects.requireNonNull(consentTimeout, "consentTimeout");
        if (connectTimeout.toMillis() <= 0 || disconnectedAfter.toMillis() <= 0 || consentTimeout.toMillis() <= 0) {
            throw new IllegalArgumentException("ICE timeouts must be at least 1 ms, got connectTimeout="
                    + connectTimeout + ", disconnectedAfter=" + disconnectedAfter + ", consentTimeout="
                    + consentTimeout);
        }
        if (disconnectedAfter.compareTo(consentTimeout) >= 0) {
            throw new IllegalArgumentException("disconnectedAfter (" + disconnectedAfter
                    + ") must be shorter than consentTimeout (" + consentTimeout + ")");
        }
        if (maxCandidateAddresses < 2 || maxCandidateAddresses > 64) {
            throw new IllegalArgumentException("maxCandidateAddresses must be 2..64, got " + maxCandidateAddresses);
        }
    }
}

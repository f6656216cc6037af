package io.lianmai.media;

import io.lianmai.media.sfu.RetransmissionLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * What one node's media plane lets clients take: DTLS handshakes at once, WebRTC sessions, ICE-TCP connections,
 * remembered addresses per session and retransmissions per player. Every value has a configuration key
 * ({@code media.*}, docs/configuration.md) and is explained in docs/security.md ("Media plane").
 *
 * @param dtlsThreads threads running DTLS handshakes (BouncyCastle's handshake blocks its thread until done)
 * @param dtlsQueue handshakes admitted beyond {@code dtlsThreads}; an offer beyond threads + queue is refused
 *     (UNAVAILABLE, HTTP 503 with Retry-After)
 * @param maxSessions WebRTC sessions (publishers and players) on this node; the next offer is refused
 * @param tcpHandshakeTimeout an ICE-TCP connection that has not sent a valid STUN check for a session within this
 *     is closed
 * @param tcpMaxConnectionsPerIp ICE-TCP connections open at once from one IPv4 address (or IPv6 /64); the next is
 *     closed as soon as it is accepted
 * @param maxAddressesPerSession source addresses with a valid ICE check a session remembers (and routes DTLS/SRTP
 *     from); the oldest unselected one makes room, the nominated one never does
 * @param retransmission NACK budget of each player
 */
public record MediaLimits(int dtlsThreads, int dtlsQueue, int maxSessions, Duration tcpHandshakeTimeout,
        int tcpMaxConnectionsPerIp, int maxAddressesPerSession, RetransmissionLimits retransmission) {
    /** Fewer DTLS threads than this would let one stalled handshake hold up every join. */
    public static final int MIN_DTLS_THREADS = 2;

    /**
     * The defaults: DTLS threads as many as cores (at least 2), 256 handshakes queued, 5,000 sessions (a few times
     * what a 2-core node forwards, so only floods hit it), 10 s for an ICE-TCP connection's first check, 50 ICE-TCP
     * connections per address (a NATed office behind one address), 8 addresses per session, and the default NACK
     * budget.
     */
    public static final MediaLimits DEFAULT = new MediaLimits(defaultDtlsThreads(), 256, 5_000,
            Duration.ofSeconds(10), 50, 8, RetransmissionLimits.DEFAULT);

    public MediaLimits {
        Objects.requireNonNull(tcpHandshakeTimeout, "tcpHandshakeTimeout");
        Objects.requireNonNull(retransmission, "retransmission");
        if (dtlsThreads < MIN_DTLS_THREADS || dtlsThreads > 1024) {
            throw new IllegalArgumentException("dtlsThreads must be " + MIN_DTLS_THREADS + "..1024, got "
                    + dtlsThreads);
        }
        if (dtlsQueue < 0 || dtlsQueue > 1_000_000) {
            throw new IllegalArgumentException("dtlsQueue must be 0..1000000, got " + dtlsQueue);
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be at least 1, got " + maxSessions);
        }
        if (tcpHandshakeTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("tcpHandshakeTimeout must be positive, got " + tcpHandshakeTimeout);
        }
        if (tcpMaxConnectionsPerIp < 1) {
            throw new IllegalArgumentException("tcpMaxConnectionsPerIp must be at least 1, got "
                    + tcpMaxConnectionsPerIp);
        }
        if (maxAddressesPerSession < 2 || maxAddressesPerSession > 64) {
            throw new IllegalArgumentException("maxAddressesPerSession must be 2..64, got " + maxAddressesPerSession);
        }
    }

    /** As many DTLS threads as cores, at least {@link #MIN_DTLS_THREADS}: what {@code media.dtlsThreads=auto} means. */
    public static int defaultDtlsThreads() {
        return Math.max(MIN_DTLS_THREADS, Runtime.getRuntime().availableProcessors());
    }

    public MediaLimits withDtls(int threads, int queue) {
        return new MediaLimits(threads, queue, maxSessions, tcpHandshakeTimeout, tcpMaxConnectionsPerIp,
                maxAddressesPerSession, retransmission);
    }

    public MediaLimits withMaxSessions(int sessions) {
        return new MediaLimits(dtlsThreads, dtlsQueue, sessions, tcpHandshakeTimeout, tcpMaxConnectionsPerIp,
                maxAddressesPerSession, retransmission);
    }

    public MediaLimits withTcp(Duration handshakeTimeout, int maxConnectionsPerIp) {
        return new MediaLimits(dtlsThreads, dtlsQueue, maxSessions, handshakeTimeout, maxConnectionsPerIp,
                maxAddressesPerSession, retransmission);
    }

    public MediaLimits withMaxAddressesPerSession(int addresses) {
        return new MediaLimits(dtlsThreads, dtlsQueue, maxSessions, tcpHandshakeTimeout, tcpMaxConnectionsPerIp,
                addresses, retransmission);
    }

    public MediaLimits withRetransmission(RetransmissionLimits limits) {
        return new MediaLimits(dtlsThreads, dtlsQueue, maxSessions, tcpHandshakeTimeout, tcpMaxConnectionsPerIp,
                maxAddressesPerSession, limits);
    }
}

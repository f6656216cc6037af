package io.lianmai.media;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the media plane listens and behaves.
 *
 * @param bindHost address the UDP and TCP media sockets bind (0.0.0.0 for all interfaces)
 * @param udpPort UDP port for all WebRTC media (8801); 0 picks a free one (tests)
 * @param tcpPort TCP port for ICE-TCP (8801); 0 picks a free one; -1 disables ICE-TCP
 * @param candidateAddresses the IP addresses advertised as host candidates: the public or LAN addresses clients can
 *     reach (configured with {@code --public-ip}), or loopback in tests
 * @param consentTimeout no valid STUN check from the client for this long ends the session (RFC 7675 says 30 s)
 * @param connectTimeout a session that completes neither ICE nor DTLS within this ends
 * @param egressThreads threads that protect and send forwarded packets beside the media loop (0: the media loop
 *     does it all); each has its own socket on the UDP port (SO_REUSEPORT, Linux epoll only)
 * @param limits what clients may take: DTLS handshakes, sessions, ICE-TCP connections, addresses, NACKs
 * @param gopCache how much each video layer caches and when a new subscriber is started from its last keyframe
 * @param bandwidthEstimation whether transport-wide congestion control is negotiated: feedback to publishers and
 *     a downlink estimate per player ({@code media.bwe.enabled}, on by default; off: neither is offered)
 * @param playoutDelayMaxMillis the longest minimum playout delay asked of a player whose path loses packets
 *     ({@code media.bwe.playoutDelayMaxMs}, {@link #DEFAULT_PLAYOUT_DELAY_MAX_MILLIS}; 0: never asked, the
 *     extension not negotiated)
 * @param loops media loops the sessions are spread over ({@code media.loops}), each a thread with its own socket on
 *     the UDP port (SO_REUSEPORT, Linux epoll only; elsewhere one); 1 with the constructors below
 * @param placementSlack a stream's new player joins its publisher's loop while that loop holds at most this many
 *     sessions more than the least loaded one, else the least loaded one, which gets a copy of the stream
 *     ({@code media.loopPlacementSlack}, {@link #DEFAULT_PLACEMENT_SLACK}; 0: spread players evenly)
 */
public record MediaConfig(String bindHost, int udpPort, int tcpPort, List<String> candidateAddresses,
        Duration consentTimeout, Duration connectTimeout, int egressThreads, MediaLimits limits,
        GopCacheConfig gopCache, boolean bandwidthEstimation, int playoutDelayMaxMillis, int loops,
        int placementSlack) {
    /** More media loops than this is a configuration mistake, not a machine. */
    public static final int MAX_LOOPS = 64;
    /** Players stay with their publisher's loop until it holds this many sessions more than the least loaded. */
    public static final int DEFAULT_PLACEMENT_SLACK = 16;
    /** More egress threads than this buy nothing: the media loop's own share becomes the limit. */
    public static final int MAX_EGRESS_THREADS = 16;
    /** Two round trips of 200 ms and a frame: what a lossy mobile path needs, not more latency than that. */
    public static final int DEFAULT_PLAYOUT_DELAY_MAX_MILLIS = 500;
    /** What 12 bits of 10 ms hold. */
    public static final int MAX_PLAYOUT_DELAY_MILLIS = 40_950;

    /** Without egress threads: the media loop protects and sends everything itself (the default). */
    public MediaConfig(String bindHost, int udpPort, int tcpPort, List<String> candidateAddresses,
            Duration consentTimeout, Duration connectTimeout) {
        this(bindHost, udpPort, tcpPort, candidateAddresses, consentTimeout, connectTimeout, 0);
    }

    /** With the default {@link MediaLimits}. */
    public MediaConfig(String bindHost, int udpPort, int tcpPort, List<String> candidateAddresses,
            Duration consentTimeout, Duration connectTimeout, int egressThreads) {
        this(bindHost, udpPort, tcpPort, candidateAddresses, consentTimeout, connectTimeout, egressThreads,
                MediaLimits.DEFAULT);
    }

    /** With the default {@link GopCacheConfig} and bandwidth estimation on (the defaults). */
    public MediaConfig(String bindHost, int udpPort, int tcpPort, List<String> candidateAddresses,
            Duration consentTimeout, Duration connectTimeout, int egressThreads, MediaLimits limits) {
        this(bindHost, udpPort, tcpPort, candidateAddresses, consentTimeout, connectTimeout, egressThreads, limits,
                GopCacheConfig.DEFAULT, true, DEFAULT_PLAYOUT_DELAY_MAX_MILLIS, 1, DEFAULT_PLACEMENT_SLACK);
    }

    /** The same configuration with other limits. */
    public MediaConfig withLimits(MediaLimits newLimits) {
        return new MediaConfig(bindHost, udpPort, tcpPort, candidateAddresses, consentTimeout, connectTimeout,
                egressThreads, newLimits, gopCache, bandwidthEstimation, playoutDelayMaxMillis, loops,
                placementSlack);
    }

    /** The same configuration with another GOP cache. */
    public MediaConfig withGopCache(GopCacheConfig newGopCache) {
        return new MediaConfig(bindHost, udpPort, tcpPort, candidateAddresses, consentTimeout, connectTimeout,
                egressThreads, limits, newGopCache, bandwidthEstimation, playoutDelayMaxMillis, loops,
                placementSlack);
    }

    /** The same configuration with bandwidth estimation on or off. */
    public MediaConfig withBandwidthEstimation(boolean enabled) {
        return new MediaConfig(bindHost, udpPort, tcpPort, candidateAddresses, consentTimeout, connectTimeout,
                egressThreads, limits, gopCache, enabled, playoutDelayMaxMillis, loops,
                placementSlack);
    }

    /** The same configuration with another longest playout delay (0: none). */
    public MediaConfig withPlayoutDelayMaxMillis(int millis) {
        return new MediaConfig(bindHost, udpPort, tcpPort, candidateAddresses, consentTimeout, connectTimeout,
                egressThreads, limits, gopCache, bandwidthEstimation, millis, loops,
                placementSlack);
    }

    /** The same configuration with {@code count} media loops. */
    public MediaConfig withLoops(int count) {
        return new MediaConfig(bindHost, udpPort, tcpPort, candidateAddresses, consentTimeout, connectTimeout,
                egressThreads, limits, gopCache, bandwidthEstimation, playoutDelayMaxMillis, count, placementSlack);
    }

    /** The same configuration with another placement slack (see {@code placementSlack}). */
    public MediaConfig withPlacementSlack(int slack) {
        return new MediaConfig(bindHost, udpPort, tcpPort, candidateAddresses, consentTimeout, connectTimeout,
                egressThreads, limits, gopCache, bandwidthEstimation, playoutDelayMaxMillis, loops, slack);
    }

    public MediaConfig {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(gopCache, "gopCache");
        if (egressThreads < 0 || egressThreads > MAX_EGRESS_THREADS) {
            throw new IllegalArgumentException("media egress threads must be 0.." + MAX_EGRESS_THREADS);
        }
        candidateAddresses = List.copyOf(candidateAddresses);
        if (candidateAddresses.isEmpty()) {
            throw new IllegalArgumentException("at least one candidate address is needed (media.publicIp)");
        }
        if (playoutDelayMaxMillis < 0 || playoutDelayMaxMillis > MAX_PLAYOUT_DELAY_MILLIS) {
            throw new IllegalArgumentException("media.bwe.playoutDelayMaxMs must be 0.." + MAX_PLAYOUT_DELAY_MILLIS);
        }
        if (loops < 1 || loops > MAX_LOOPS) {
            throw new IllegalArgumentException("media loops must be 1.." + MAX_LOOPS);
        }
        if (placementSlack < 0) {
            throw new IllegalArgumentException("media.loopPlacementSlack must be at least 0");
        }
        if (udpPort < 0 || udpPort > 65535 || tcpPort < -1 || tcpPort > 65535) {
            throw new IllegalArgumentException("media ports must be 0..65535 (TCP -1 to disable)");
        }
    }

    /** One media loop per core: what {@code media.loops=auto} means. */
    public static int loopsPerCore() {
        return Math.min(MAX_LOOPS, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * One egress thread per core beside the one the media loop uses (none on one core): what
     * {@code media.egressThreads=auto} means. Protection and sends are most of a forward's cost, so on a machine
     * whose media thread is the limit they get the other cores (docs/benchmarks.md, "Egress lanes").
     */
    public static int egressThreadsPerSpareCore() {
        return Math.min(MAX_EGRESS_THREADS, Math.max(0, Runtime.getRuntime().availableProcessors() - 1));
    }
}

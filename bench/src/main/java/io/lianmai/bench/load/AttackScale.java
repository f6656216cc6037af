package io.lianmai.bench.load;

import java.time.Duration;

/**
 * The counts and durations of every attack: {@link #FULL} is the (5,000 WHIP POSTs in 10 s, …);
 * {@link #SHORT} is the integration test's, a tenth or so of each, a few seconds each. The close deadlines are what
 * the server's timeouts must beat (set from the command line).
 */
record AttackScale(String name, int whipFloodCount, int whipFloodSeconds, int anonymousCount, int anonymousSeconds,
        int multipartCount, int multipartBytes, int rtmpConnections, int wsSockets, int slowReaderSenders,
        int slowReaderSeconds, int nackSequenceNumbers, int nackSeconds, int stunPorts, int stunSeconds,
        int signedExpirySeconds, Duration wsCloseWithin, Duration rtmpCloseWithin) {

    static final AttackScale FULL = new AttackScale("full", 5_000, 10, 2_000, 10, 200, 32 * 1024, 500, 1_000, 8, 15,
            4_096, 10, 10_000, 30, 10, Duration.ofSeconds(15), Duration.ofSeconds(15));

    static final AttackScale SHORT = new AttackScale("short", 300, 3, 200, 3, 40, 32 * 1024, 50, 100, 8, 10,
            4_096, 4, 1_000, 8, 8, Duration.ofSeconds(15), Duration.ofSeconds(15));

    AttackScale withCloseDeadlines(Duration ws, Duration rtmp) {
        return new AttackScale(name, whipFloodCount, whipFloodSeconds, anonymousCount, anonymousSeconds,
                multipartCount, multipartBytes, rtmpConnections, wsSockets, slowReaderSenders, slowReaderSeconds,
                nackSequenceNumbers, nackSeconds, stunPorts, stunSeconds, signedExpirySeconds,
                ws == null ? wsCloseWithin : ws, rtmp == null ? rtmpCloseWithin : rtmp);
    }
}

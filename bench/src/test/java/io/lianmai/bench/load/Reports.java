package io.lianmai.bench.load;

import java.util.List;
import java.util.Map;

/** Load reports with chosen figures (the rest zero), for the comparison and step-up logic. */
final class Reports {
    private Reports() {
    }

    /** A run of {@code subscribers} players, {@code withMedia} of them with media, and the given figures. */
    static LoadReport of(String kind, int subscribers, int withMedia, long expected, long lost, List<String> failures,
            double cpuMicrosPerPacket, double packetsPerCore, double subscribersPerCore, double p50Micros,
            double p99Micros, double joinVideoP50Millis, double rssPerSubscriberKb, String srtp, boolean rtx) {
        LoadReport.Spread zero = new LoadReport.Spread(0, 0, 0);
        LoadReport.Latency none = new LoadReport.Latency(0, 0, 0, 0, 0);
        return new LoadReport("fanout", "1 room(s) × 1 publisher → " + subscribers + " subscribers", "H.264",
                "paced", 2.5, 40, srtp, "none", kind, kind + " at somewhere", rtx, "test machine", 10, 1, 1,
                subscribers, withMedia, withMedia, failures, new LoadReport.Rate(176, 1.1),
                new LoadReport.Rate(176.0 * subscribers, 1.1 * subscribers), zero, zero, zero, zero, zero, zero,
                new LoadReport.Totals(expected, expected - lost, lost, expected, lost, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                        0, 0, 0),
                new LoadReport.Latency(1000, p50Micros, p99Micros, p99Micros, p99Micros), none, none, none, none,
                new LoadReport.Latency(subscribers, joinVideoP50Millis, joinVideoP50Millis, joinVideoP50Millis,
                        joinVideoP50Millis),
                new LoadReport.Server(1L, 1, 0.5, 100, 200, 200, 10, rssPerSubscriberKb, java.util.Map.of()),
                new LoadReport.PerCore(subscribersPerCore, packetsPerCore, cpuMicrosPerPacket, 0),
                new LoadReport.Generator(0, 0, 0, 0, 0, 0, 0, 0),
                new LoadReport.Bwe(true, "n/a", 0, LoadReport.Distribution.of(new double[0]), 0, zero, 0, 0, 0,
                        Map.of(), 0, 0, 0, 0, 0, 0, new LoadReport.SinceJoin(0, 0, 0, 0, 0)));
    }

    /** A clean run at {@code subscribers} with {@code lossPercent} loss and the per-core figure given. */
    static LoadReport at(int subscribers, double lossPercent, double subscribersPerCore) {
        long expected = 100_000;
        return of("lianmai", subscribers, subscribers, expected, Math.round(expected * lossPercent / 100), List.of(),
                4, 250_000, subscribersPerCore, 4000, 13_000, 160, 200, "SRTP_AES128_CM_HMAC_SHA1_80", true);
    }
}

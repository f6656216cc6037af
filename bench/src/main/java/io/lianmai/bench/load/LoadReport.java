package io.lianmai.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one run of {@code lianmai bench} measured, printed as a table and written as JSON. Rates are over the
 * measurement window (after every join); per-subscriber figures are per WHEP session.
 */
record LoadReport(
        String scenario,
        String shape,
        String media,
        String pacing,
        double pacingFactor,
        double burstIntervalMillis,
        String srtpProfiles,
        String impairment,
        String serverKind,
        String target,
        boolean rtxNegotiated,
        String machine,
        double windowSeconds,
        double warmupSeconds,
        int publishers,
        int subscribers,
        int subscribersJoined,
        int subscribersWithMedia,
        List<String> failures,
        Rate publishersSent,
        Rate serverForwarded,
        Spread subscriberPacketsPerSecond,
        Spread subscriberLossPercent,
        Spread subscriberVideoLossPercent,
        Spread subscriberAudioLossPercent,
        Spread subscriberLate,
        Spread subscriberRecovered,
        Totals totals,
        Latency forwardLatencyMicros,
        Latency recoveredLatencyMicros,
        Latency joinToAnswerMillis,
        Latency joinToConnectedMillis,
        Latency joinToFirstMediaMillis,
        Latency joinToFirstVideoMillis,
        Server server,
        PerCore perCore,
        Generator generator,
        Bwe bwe) {

    /** Packets and bits per second. */
    record Rate(double packetsPerSecond, double megabitsPerSecond) {
    }

    /** Minimum, mean and maximum over subscribers. */
    record Spread(double min, double avg, double max) {
        static Spread of(double[] values) {
            if (values.length == 0) {
                return new Spread(0, 0, 0);
            }
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            double sum = 0;
            for (double v : values) {
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
            }
            return new Spread(min, sum / values.length, max);
        }
    }

    /** Sums over all subscribers in the window. */
    record Totals(long expected, long received, long lost, long videoExpected, long videoLost, long audioExpected,
            long audioLost, long recovered, long late, long duplicates,
            long reordered, long nackedSequenceNumbers, long nackPackets, long impairmentDrops, long srtpErrors,
            long publisherRetransmissions, long publisherNacksReceived, long publisherPlisReceived) {
    }

    /** Percentiles of a distribution. */
    record Latency(long count, double p50, double p99, double p999, double max) {
    }

    /** The server process: CPU over the window and memory. */
    record Server(Long pid, double cpuSeconds, double coresBusy, double rssBeforeMb, double rssMb, double hwmMb,
            int threads, double rssPerSubscriberKb, Map<String, Double> mediaLoopCores) {
        Server {
            mediaLoopCores = mediaLoopCores == null ? Map.of() : Map.copyOf(mediaLoopCores);
        }
    }

    /** Linear extrapolation to one fully busy core of the server. */
    record PerCore(double subscribersPerCore, double forwardedPacketsPerSecondPerCore,
            double cpuMicrosPerForwardedPacket, double cpuMicrosPerSecondPerSubscriber) {
    }

    /**
     * The load generator's own process, for judging whether it, not the server, was the limit; and what the
     * publishers' pacers held back in the window (video and RTX packets that waited, those let out over the budget
     * because the queue was full, and the longest wait).
     */
    record Generator(double cpuSeconds, double coresBusy, int threads, double maxTickLagMillis,
            long publisherSkippedFrames, long pacerHeldPackets, long pacerOverflows, double pacerMaxWaitMillis) {
    }

    /**
     * Bandwidth estimation in the window: the server's estimates of its players' downlinks and what its layer
     * allocation did with them ({@code DescribeMediaStats} read at the window's start and end; per WHEP session), and
     * what the players saw of it.
     *
     * @param offered the players offered transport-cc (not {@code --no-bwe})
     * @param serverStats null when read, else why the server's figures are missing
     * @param playersEstimated players the server estimates with transport-cc at the window's end
     * @param estimateKbps the server's estimate of each player at the window's end, kbit/s
     * @param layerSwitches simulcast layer switches in the window, all players
     * @param layerSwitchesPerPlayer the same per player: min, mean, max
     * @param pauses times a player's video was paused (no layer fitted), all players
     * @param probes bandwidth probes started, all players; {@code probesRaised} of them raised the estimate
     * @param layersAtEnd players per layer forwarded at the window's end (layer 0 = lowest; "none": paused or
     *     not started)
     * @param serverPaddingBytes probe padding the server sent (RTP lengths)
     * @param paddingSharePercent that padding as a share of what the server sent the players (padding + media octets)
     * @param paddingPacketsReceived padding-only RTX packets the players received (not counted as media)
     * @param paddingBytesReceived their bytes
     * @param rtxReceived retransmissions that reached the players as RTX
     * @param feedbacksSent transport-cc feedback packets the players sent
     * @param sinceJoin the server's counters from each player's join to the window's end (joins probe at once)
     */
    record Bwe(boolean offered, String serverStats, int playersEstimated, Distribution estimateKbps,
            long layerSwitches, Spread layerSwitchesPerPlayer, long pauses, long probes, long probesRaised,
            Map<String, Integer> layersAtEnd, long serverPaddingBytes, double paddingSharePercent,
            long paddingPacketsReceived, long paddingBytesReceived, long rtxReceived, long feedbacksSent,
            SinceJoin sinceJoin) {
    }

    /** Counters from each player's join to the window's end, all players. */
    record SinceJoin(long layerSwitches, long pauses, long probes, long probesRaised, long paddingBytes) {
    }

    /** A distribution over players: count, extremes, mean and percentiles. */
    record Distribution(int count, double min, double p10, double p50, double p90, double max, double avg) {
        static Distribution of(double[] values) {
            if (values.length == 0) {
                return new Distribution(0, 0, 0, 0, 0, 0, 0);
            }
            double[] sorted = values.clone();
            java.util.Arrays.sort(sorted);
            double sum = 0;
            for (double v : sorted) {
                sum += v;
            }
            return new Distribution(sorted.length, sorted[0], at(sorted, 10), at(sorted, 50), at(sorted, 90),
                    sorted[sorted.length - 1], sum / sorted.length);
        }

        private static double at(double[] sorted, double percentile) {
            int index = (int) Math.ceil(percentile / 100 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
        }
    }

    /** Writes the report as JSON to {@code file}. */
    void writeJson(Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
    }

    /** Prints the report as tables. */
    void print(PrintStream out) {
        out.println();
        out.println("lianmai bench " + scenario + ": " + shape);
        out.println("  media       " + media + ", SRTP " + srtpProfiles);
        out.println("  pacing      " + pacing);
        out.println("  impairment  " + impairment);
        out.println("  target      " + target + " (" + serverKind + "; RTX " + (rtxNegotiated ? "negotiated"
                : "not negotiated") + " with the players)");
        out.println("  machine     " + machine);
        out.printf(Locale.ROOT, "  window      %.1f s after %d publishers and %d/%d subscribers joined (%d with media) "
                + "and a %.1f s warm-up%n", windowSeconds, publishers, subscribersJoined, subscribers,
                subscribersWithMedia, warmupSeconds);
        for (String failure : failures) {
            out.println("  FAILED      " + failure);
        }
        out.println();
        out.println("| traffic | packets/s | Mbit/s |");
        out.println("|---|---:|---:|");
        out.printf(Locale.ROOT, "| publishers → server (RTP sent) | %,.0f | %.1f |%n",
                publishersSent.packetsPerSecond, publishersSent.megabitsPerSecond);
        out.printf(Locale.ROOT, "| server → subscribers (RTP received) | %,.0f | %.1f |%n",
                serverForwarded.packetsPerSecond, serverForwarded.megabitsPerSecond);
        out.println();
        out.println("| per subscriber | min | avg | max |");
        out.println("|---|---:|---:|---:|");
        row(out, "packets/s", subscriberPacketsPerSecond, "%,.1f");
        row(out, "loss %", subscriberLossPercent, "%.3f");
        row(out, "  video loss % (after NACK/RTX)", subscriberVideoLossPercent, "%.3f");
        row(out, "  audio loss % (no NACK)", subscriberAudioLossPercent, "%.3f");
        row(out, "late packets", subscriberLate, "%,.0f");
        row(out, "recovered by NACK", subscriberRecovered, "%,.0f");
        out.printf(Locale.ROOT, "totals: expected %,d, received %,d, lost %,d (video %,d of %,d, audio %,d of %,d),"
                + " recovered %,d, late %,d, duplicates %,d,%n"
                + "        reordered %,d, NACKed seq %,d in %,d NACKs, impairment drops %,d, SRTP errors %,d;%n"
                + "        publishers: %,d retransmissions for %,d NACKs, %,d PLI/FIR%n",
                totals.expected, totals.received, totals.lost, totals.videoLost, totals.videoExpected,
                totals.audioLost, totals.audioExpected, totals.recovered, totals.late, totals.duplicates,
                totals.reordered, totals.nackedSequenceNumbers, totals.nackPackets, totals.impairmentDrops,
                totals.srtpErrors, totals.publisherRetransmissions, totals.publisherNacksReceived,
                totals.publisherPlisReceived);
        out.println();
        out.println("| distribution | n | p50 | p99 | p99.9 | max |");
        out.println("|---|---:|---:|---:|---:|---:|");
        latency(out, "one-way forward latency (µs)", forwardLatencyMicros);
        latency(out, "recovered packets, send → arrival (µs)", recoveredLatencyMicros);
        latency(out, "join: request → SDP answer (ms)", joinToAnswerMillis);
        latency(out, "join: request → DTLS connected (ms)", joinToConnectedMillis);
        latency(out, "join: WHEP POST → first media (ms)", joinToFirstMediaMillis);
        latency(out, "join: WHEP POST → first video (ms)", joinToFirstVideoMillis);
        out.println();
        out.println("| server | value |");
        out.println("|---|---:|");
        out.printf(Locale.ROOT, "| CPU seconds in window (user+sys) | %.2f |%n", server.cpuSeconds);
        out.printf(Locale.ROOT, "| cores busy (avg) | %.3f |%n", server.coresBusy);
        out.printf(Locale.ROOT, "| RSS before subscribers → end, peak (MB) | %.0f → %.0f, %.0f |%n",
                server.rssBeforeMb, server.rssMb, server.hwmMb);
        out.printf(Locale.ROOT, "| RSS growth per subscriber (KB) | %.0f |%n", server.rssPerSubscriberKb);
        out.printf(Locale.ROOT, "| threads | %d |%n", server.threads);
        for (Map.Entry<String, Double> loop : new java.util.TreeMap<>(server.mediaLoopCores).entrySet()) {
            out.printf(Locale.ROOT, "| %s thread, cores busy | %.3f |%n", loop.getKey(), loop.getValue());
        }
        out.printf(Locale.ROOT, "| subscribers per core | %,.0f |%n", perCore.subscribersPerCore);
        out.printf(Locale.ROOT, "| forwarded packets/s per core | %,.0f |%n", perCore.forwardedPacketsPerSecondPerCore);
        out.printf(Locale.ROOT, "| CPU µs per forwarded packet | %.2f |%n", perCore.cpuMicrosPerForwardedPacket);
        out.printf(Locale.ROOT, "| CPU µs per second per subscriber | %,.1f |%n",
                perCore.cpuMicrosPerSecondPerSubscriber);
        out.println();
        out.printf(Locale.ROOT, "load generator: %.2f CPU s (%.2f cores), %d threads, tick late by up to %.1f ms, "
                + "%d frames skipped%n", generator.cpuSeconds, generator.coresBusy, generator.threads,
                generator.maxTickLagMillis, generator.publisherSkippedFrames);
        if (pacingFactor > 0) {
            out.printf(Locale.ROOT, "publishers' pacers: %,d packets waited, up to %.1f ms; %,d let out early "
                    + "(queue full)%n", generator.pacerHeldPackets, generator.pacerMaxWaitMillis,
                    generator.pacerOverflows);
        }
        printBwe(out);
    }

    private void printBwe(PrintStream out) {
        out.println();
        out.println("bandwidth estimation: players " + (bwe.offered ? "offer transport-cc"
                : "offer no transport-cc (--no-bwe)"));
        out.printf(Locale.ROOT, "  players: %,d transport-cc feedbacks sent; received %,d RTX retransmissions and "
                + "%,d padding packets (%,d bytes, not counted as media)%n", bwe.feedbacksSent, bwe.rtxReceived,
                bwe.paddingPacketsReceived, bwe.paddingBytesReceived);
        if (bwe.serverStats != null) {
            out.println("  server: unavailable (" + bwe.serverStats + ")");
            return;
        }
        Distribution e = bwe.estimateKbps;
        out.printf(Locale.ROOT, "  server: %d players estimated; estimate kbit/s at the end: min %,.0f, p10 %,.0f, "
                + "p50 %,.0f, p90 %,.0f, max %,.0f, avg %,.0f%n", bwe.playersEstimated, e.min, e.p10, e.p50, e.p90,
                e.max, e.avg);
        out.printf(Locale.ROOT, "          layer switches %,d (per player min %.0f, avg %.2f, max %.0f), pauses %,d, "
                + "probes %,d (%,d raised the estimate)%n", bwe.layerSwitches, bwe.layerSwitchesPerPlayer.min,
                bwe.layerSwitchesPerPlayer.avg, bwe.layerSwitchesPerPlayer.max, bwe.pauses, bwe.probes,
                bwe.probesRaised);
        out.printf(Locale.ROOT, "          padding sent %,d bytes (%.3f %% of the downlink); layers at the end: %s%n",
                bwe.serverPaddingBytes, bwe.paddingSharePercent, bwe.layersAtEnd);
        SinceJoin j = bwe.sinceJoin;
        out.printf(Locale.ROOT, "  since the joins: layer switches %,d, pauses %,d, probes %,d (%,d raised), padding "
                + "%,d bytes%n", j.layerSwitches, j.pauses, j.probes, j.probesRaised, j.paddingBytes);
    }

    private static void row(PrintStream out, String name, Spread spread, String format) {
        out.printf(Locale.ROOT, "| %s | " + format + " | " + format + " | " + format + " |%n", name, spread.min,
                spread.avg, spread.max);
    }

    private static void latency(PrintStream out, String name, Latency latency) {
        out.printf(Locale.ROOT, "| %s | %,d | %,.0f | %,.0f | %,.0f | %,.0f |%n", name, latency.count, latency.p50,
                latency.p99, latency.p999, latency.max);
    }
}

package io.lianmai.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * One scenario run against several servers back to back ({@code lianmai bench compare}): each server's figures
 * side by side, and Lianmai's divided by each peer's. Printed as one table, written as JSON.
 *
 * @param scenario the scenario's name and shape
 * @param media the media every client sent
 * @param loadUnit what the step-up steps: {@code subscribers} or {@code rooms}
 * @param entries one per server, in the order run; the first Lianmai one is the reference of the ratios
 */
record Comparison(String scenario, String media, String loadUnit, List<Entry> entries) {

    /**
     * One server's figures.
     *
     * @param label the column: the kind, numbered when a kind repeats
     * @param target the server as the report describes it
     * @param figures what the table shows
     * @param steps the step-up, when {@code --find-max} ran (empty otherwise)
     * @param report the full report of the run at the scenario's own load
     */
    record Entry(String label, String kind, String target, Figures figures, List<StepSummary> steps,
            LoadReport report) {
    }

    /**
     * The compared figures of one server. {@code subscribersPerCore} comes from the largest load that passed the
     * step-up ({@code atLoad}), or from the scenario's own run when there was no step-up ({@code atLoad} 0);
     * {@code transportCcFeedback}: the players sent transport-cc feedback, so the server negotiated it with them.
     */
    record Figures(double cpuMicrosPerForwardedPacket, double forwardedPacketsPerSecondPerCore,
            double subscribersPerCore, int subscribersPerCoreAtLoad, double forwardLatencyP50Millis,
            double forwardLatencyP99Millis, double joinToFirstVideoP50Millis, double joinToFirstVideoP99Millis,
            double rssPerSubscriberKb, double lossPercent, double coresBusy, String srtpProfiles,
            boolean rtxNegotiated, boolean transportCcFeedback, int failures) {

        static Figures of(LoadReport run, StepUp.Step best) {
            LoadReport max = best == null ? run : best.report();
            return new Figures(run.perCore().cpuMicrosPerForwardedPacket(),
                    run.perCore().forwardedPacketsPerSecondPerCore(),
                    max.perCore().subscribersPerCore(),
                    best == null ? 0 : best.load(),
                    run.forwardLatencyMicros().p50() / 1000, run.forwardLatencyMicros().p99() / 1000,
                    run.joinToFirstVideoMillis().p50(), run.joinToFirstVideoMillis().p99(),
                    run.server().rssPerSubscriberKb(), StepUp.lossPercent(run), run.server().coresBusy(),
                    run.srtpProfiles(), run.rtxNegotiated(), run.bwe().feedbacksSent() > 0, run.failures().size());
        }
    }

    /**
     * One step of a step-up, for the table and the JSON: its load, loss, cores, per-core figures, and when it did not
     * pass, the clients that failed and the first one's reason.
     */
    record StepSummary(int load, double lossPercent, boolean passed, double coresBusy, double subscribersPerCore,
            double cpuMicrosPerForwardedPacket, int clientsFailed, String firstFailure) {
        static StepSummary of(StepUp.Step step) {
            LoadReport report = step.report();
            int failed = report.subscribers() - report.subscribersWithMedia();
            return new StepSummary(step.load(), step.lossPercent(), step.passed(), report.server().coresBusy(),
                    report.perCore().subscribersPerCore(), report.perCore().cpuMicrosPerForwardedPacket(),
                    Math.max(failed, report.failures().isEmpty() ? 0 : 1),
                    report.failures().isEmpty() ? null : report.failures().get(0));
        }
    }

    /** {@code lianmai ÷ peer}, or NaN when either is unknown (0) or not a number. */
    static double ratio(double lianmai, double peer) {
        if (!(lianmai > 0) || !(peer > 0) || Double.isInfinite(lianmai) || Double.isInfinite(peer)) {
            return Double.NaN;
        }
        return lianmai / peer;
    }

    /** The entry the ratios divide: the first Lianmai one, or null. */
    Entry reference() {
        for (Entry entry : entries) {
            if (entry.kind().equals("lianmai")) {
                return entry;
            }
        }
        return null;
    }

    private record Row(String name, String unit, ToDoubleFunction<Figures> value, String format) {
    }

    private static final List<Row> ROWS = List.of(
            new Row("CPU per forwarded packet", "µs, lower is better", Figures::cpuMicrosPerForwardedPacket, "%.2f"),
            new Row("forwarded packets/s per busy core", "higher is better",
                    Figures::forwardedPacketsPerSecondPerCore, "%,.0f"),
            new Row("subscribers per core at < 1 % loss", "higher is better", Figures::subscribersPerCore, "%,.0f"),
            new Row("forward latency p50", "ms", Figures::forwardLatencyP50Millis, "%.1f"),
            new Row("forward latency p99", "ms", Figures::forwardLatencyP99Millis, "%.1f"),
            new Row("join → first video p50", "ms", Figures::joinToFirstVideoP50Millis, "%,.0f"),
            new Row("join → first video p99", "ms", Figures::joinToFirstVideoP99Millis, "%,.0f"),
            new Row("RSS per subscriber", "KB", Figures::rssPerSubscriberKb, "%,.0f"),
            new Row("loss", "%", Figures::lossPercent, "%.3f"),
            new Row("cores busy", "avg", Figures::coresBusy, "%.3f"));

    /** Prints the table: a column per server, then one per peer with Lianmai ÷ that peer. */
    void print(PrintStream out) {
        Entry reference = reference();
        List<Entry> peers = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry != reference) {
                peers.add(entry);
            }
        }
        out.println();
        out.println("lianmai bench compare " + scenario);
        out.println("  media       " + media);
        for (Entry entry : entries) {
            out.println("  " + pad(entry.label(), 11) + " " + entry.target());
        }
        out.println();
        StringBuilder header = new StringBuilder("| |");
        StringBuilder rule = new StringBuilder("|---|");
        for (Entry entry : entries) {
            header.append(' ').append(entry.label()).append(" |");
            rule.append("---:|");
        }
        if (reference != null) {
            for (Entry peer : peers) {
                header.append(' ').append(reference.label()).append(" ÷ ").append(peer.label()).append(" |");
                rule.append("---:|");
            }
        }
        out.println(header);
        out.println(rule);
        for (Row row : ROWS) {
            StringBuilder line = new StringBuilder("| ").append(row.name()).append(" (").append(row.unit())
                    .append(") |");
            for (Entry entry : entries) {
                line.append(' ').append(cell(row, entry.figures())).append(" |");
            }
            if (reference != null) {
                for (Entry peer : peers) {
                    double r = ratio(row.value().applyAsDouble(reference.figures()),
                            row.value().applyAsDouble(peer.figures()));
                    line.append(' ').append(Double.isNaN(r) ? "—" : String.format(Locale.ROOT, "%.2f×", r))
                            .append(" |");
                }
            }
            out.println(line);
        }
        textRow(out, entries, peers, reference, "SRTP profile negotiated", f -> f.srtpProfiles().isEmpty() ? "—"
                : f.srtpProfiles());
        textRow(out, entries, peers, reference, "RTX with the players", f -> f.rtxNegotiated() ? "negotiated"
                : "none");
        textRow(out, entries, peers, reference, "transport-cc feedback from the players",
                f -> f.transportCcFeedback() ? "sent" : "not negotiated");
        textRow(out, entries, peers, reference, "clients that failed", f -> String.valueOf(f.failures()));
        out.println();
        for (Entry entry : entries) {
            if (!entry.steps().isEmpty()) {
                StringBuilder steps = new StringBuilder("step-up " + entry.label() + ":");
                for (StepSummary step : entry.steps()) {
                    String stop = step.clientsFailed() == 0 ? " (stop)" : " (stop: " + step.clientsFailed()
                            + " without media; " + step.firstFailure() + ")";
                    steps.append(String.format(Locale.ROOT, " %d %s → %.2f %% loss, %.2f cores%s;", step.load(),
                            loadUnit, step.lossPercent(), step.coresBusy(), step.passed() ? "" : stop));
                }
                out.println(steps);
            } else if (entry.figures().subscribersPerCore() > 0) {
                out.println("subscribers per core of " + entry.label() + ": extrapolated from the scenario's own "
                        + "load (no --find-max)");
            }
        }
    }

    private interface Text {
        String of(Figures figures);
    }

    private static void textRow(PrintStream out, List<Entry> entries, List<Entry> peers, Entry reference,
            String name, Text text) {
        StringBuilder line = new StringBuilder("| ").append(name).append(" |");
        for (Entry entry : entries) {
            line.append(' ').append(text.of(entry.figures())).append(" |");
        }
        if (reference != null) {
            for (Entry peer : peers) {
                boolean same = text.of(reference.figures()).equals(text.of(peer.figures()));
                line.append(same ? " same |" : " differs |");
            }
        }
        out.println(line);
    }

    private String cell(Row row, Figures figures) {
        double value = row.value().applyAsDouble(figures);
        if (Double.isNaN(value) || (value == 0 && !row.name().equals("loss"))) {
            return "—";
        }
        String text = String.format(Locale.ROOT, row.format(), value);
        if (row.name().startsWith("subscribers per core") && figures.subscribersPerCoreAtLoad() > 0) {
            text += " (at " + figures.subscribersPerCoreAtLoad() + " " + loadUnit + ")";
        }
        return text;
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    /** Writes the comparison, every run's report included, as JSON. */
    void writeJson(Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
    }
}

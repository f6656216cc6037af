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
 * What {@code lianmai bench attack} found: the call's baseline, the bounds, and per attack what was sent, what came
 * back, the call during it and the server's peaks, each criterion judged.
 */
record AttackReport(String scale, String target, String machine, Bounds bounds, Baseline baseline,
        List<Result> attacks) {

    /** The limits every attack is judged against. */
    record Bounds(double minFrameRatePercent, double maxAddedP99Millis, int maxThreads, int maxFds, double maxRssMb) {
    }

    /** The call before any attack, and the server then. */
    record Baseline(double seconds, double framesPerSecond, double p99Millis, int threads, int fds, double rssMb) {
    }

    /**
     * One attack.
     *
     * @param expectationStatus PASS, FAIL or NOT_AVAILABLE for the attack's own expectation
     * @param framePercent the call's frame rate during the attack, % of the baseline
     * @param addedP99Millis the call's p99 forward latency during the attack minus the baseline's
     * @param recoverySeconds how long after the attack the server was back near the threads and file descriptors it
     *        had before it; -1 when it was not within the suite's wait (informational, not a criterion)
     * @param loadAverage the machine's 1-minute load average at the end of the attack (figures taken on a busy
     *        machine say little)
     * @param pass every criterion met (a NOT_AVAILABLE expectation is not a pass)
     */
    record Result(String name, String description, String expectation, long sent, Map<String, Long> outcomes,
            String expectationStatus, String detail, double seconds, double framesPerSecond, double framePercent,
            double p99Millis, double addedP99Millis, boolean callConnected, int maxThreads, int maxFds,
            double maxRssMb, double recoverySeconds, double loadAverage, boolean callOk, boolean latencyOk,
            boolean threadsOk, boolean fdsOk, boolean rssOk, boolean pass) {
    }

    boolean passed() {
        return attacks.stream().allMatch(Result::pass);
    }

    void writeJson(Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
    }

    void print(PrintStream out) {
        out.println();
        out.println("lianmai bench attack (" + scale + " scale)");
        out.println("  target    " + target);
        out.println("  machine   " + machine);
        out.println(String.format(Locale.ROOT, "  baseline  1:1 call %.1f fps, p99 forward latency %.1f ms over %.1f s;"
                + " server %d threads, %d fds, %.0f MB RSS", baseline.framesPerSecond(), baseline.p99Millis(),
                baseline.seconds(), baseline.threads(), baseline.fds(), baseline.rssMb()));
        out.println(String.format(Locale.ROOT, "  bounds    call ≥ %.0f %% of its frame rate, < %.0f ms added p99; "
                + "threads ≤ %d, fds ≤ %d, RSS ≤ %.0f MB", bounds.minFrameRatePercent(),
                bounds.maxAddedP99Millis(), bounds.maxThreads(), bounds.maxFds(), bounds.maxRssMb()));
        out.println();
        out.println(String.format(Locale.ROOT, "| %-18s | %6s | %-6s | %6s | %9s | %7s | %5s | %7s | %-6s | %4s |",
                "attack", "sent", "expect", "fps %", "+p99 ms", "threads", "fds", "RSS MB", "result", "load"));
        out.println("|--------------------|-------:|--------|-------:|----------:|--------:|------:|--------:"
                + "|--------|-----:|");
        for (Result r : attacks) {
            out.println(String.format(Locale.ROOT, "| %-18s | %6d | %-6s | %5.0f%s | %8.1f%s | %6d%s | %4d%s "
                    + "| %6.0f%s | %-6s | %4.1f |", r.name(), r.sent(),
                    Attack.Status.valueOf(r.expectationStatus()).label(),
                    r.framePercent(), mark(r.callOk()), r.addedP99Millis(), mark(r.latencyOk()), r.maxThreads(),
                    mark(r.threadsOk()), r.maxFds(), mark(r.fdsOk()), r.maxRssMb(), mark(r.rssOk()),
                    r.pass() ? "PASS" : "FAIL", r.loadAverage()));
        }
        out.println("  (* = over its bound; load = the machine's 1-minute load average after the attack)");
        out.println();
        for (Result r : attacks) {
            out.println(r.name() + ": " + r.description());
            out.println("  expected  " + r.expectation());
            out.println("  got       " + Attack.Status.valueOf(r.expectationStatus()).label() + ": " + r.detail());
            out.println("  outcomes  " + r.outcomes());
            out.println("  after     " + (r.recoverySeconds() < 0 ? "the server kept the threads or fds it took "
                    + "(not back within the wait)" : String.format(Locale.ROOT, "the server was back to its threads "
                    + "and fds of before after %.1f s", r.recoverySeconds())));
        }
        out.println();
        long failed = attacks.stream().filter(r -> !r.pass()).count();
        out.println(failed == 0 ? "all " + attacks.size() + " attacks passed"
                : failed + " of " + attacks.size() + " attacks failed");
    }

    private static String mark(boolean ok) {
        return ok ? " " : "*";
    }
}

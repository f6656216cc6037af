package io.lianmai.bench.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lianmai bench attack [names...]}: the attack suite (see {@link AttackSuite}). Prints a table, optionally
 * writes JSON, and exits 0 when every attack met every criterion, 1 otherwise.
 */
@Command(name = "attack", mixinStandardHelpOptions = true,
        description = "Attack suite: runs hostile clients (floods, slow sockets, NACK storms, anonymous playback, "
                + "permission and SSRF attempts) against a server it starts, one after another, while a 1:1 call "
                + "runs on it; reports per attack what was sent and answered, the call's frame rate and added p99 "
                + "latency, and the server's peak threads, file descriptors and RSS. Loopback only.")
final class AttackCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", arity = "0..*", description = "Attacks to run (default: all): "
            + "permissions, cdn-relay, anonymous-join, multipart, idle-ws, slow-reader, stun-ports, nack-storm, "
            + "whip-flood, anonymous-playback, signed-playback, slow-rtmp.")
    List<String> names = new ArrayList<>();

    @Option(names = "--short", description = "A tenth of the counts, a few seconds per attack (the integration "
            + "test's scale).")
    boolean shortScale;

    @Option(names = "--baseline", paramLabel = "TIME", converter = LoadOptions.DurationConverter.class,
            description = "How long the call is measured before the attacks. Default: 5s.")
    Duration baseline = Duration.ofSeconds(5);

    @Option(names = "--recovery", paramLabel = "TIME", converter = LoadOptions.DurationConverter.class,
            description = "After each attack, wait up to this long for the server's threads and file descriptors to "
                    + "return near what they were before it. Default: 15s (3s with --short).")
    Duration recovery;

    @Option(names = "--min-frame-rate", paramLabel = "PERCENT",
            description = "The call must keep this share of its baseline frame rate. Default: ${DEFAULT-VALUE}.")
    double minFrameRatePercent = 90;

    @Option(names = "--max-added-p99", paramLabel = "TIME", converter = LoadOptions.DurationConverter.class,
            description = "The call's p99 forward latency may rise by less than this. Default: 50ms.")
    Duration maxAddedP99 = Duration.ofMillis(50);

    @Option(names = "--max-threads", paramLabel = "N", description = "Server threads bound. Default: ${DEFAULT-VALUE}.")
    int maxThreads = 200;

    @Option(names = "--max-fds", paramLabel = "N",
            description = "Server open file descriptors bound. Default: ${DEFAULT-VALUE}.")
    int maxFds = 4096;

    @Option(names = "--max-rss", paramLabel = "SIZE",
            description = "Server resident memory bound (1536M, 1.5G). Default: 1.5G.")
    String maxRss = "1.5G";

    @Option(names = "--ws-close-within", paramLabel = "TIME", converter = LoadOptions.DurationConverter.class,
            description = "idle-ws: sockets that never enter must be closed this soon (the server's enter timeout "
                    + "plus slack). Default: 15s.")
    Duration wsCloseWithin;

    @Option(names = "--rtmp-close-within", paramLabel = "TIME", converter = LoadOptions.DurationConverter.class,
            description = "slow-rtmp: stalled connections must be closed this soon (the server's RTMP handshake/idle "
                    + "timeout plus slack). Default: 15s.")
    Duration rtmpCloseWithin;

    @Option(names = "--server-jar", paramLabel = "JAR",
            description = "Server jar. Default: server/target/lianmai.jar under the repository.")
    Path serverJar;

    @Option(names = "--server-java-opts", paramLabel = "OPTS", description = "JVM options of the server.")
    String serverJavaOpts = "";

    @Option(names = "--server-set", paramLabel = "KEY=VALUE",
            description = "A server setting (its --set), repeatable: e.g. lower a limit to see it act.")
    List<String> serverSettings = new ArrayList<>();

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON to FILE.")
    Path json;

    @Option(names = "--quiet", description = "Print only the report.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        AttackReport report = new AttackSuite(settings(), quiet ? null : System.err).run();
        report.print(System.out);
        if (json != null) {
            report.writeJson(json);
            System.out.println("JSON written to " + json);
        }
        return report.passed() ? 0 : 1;
    }

    AttackSuite.Settings settings() {
        AttackSuite.select(names);
        Path jar = serverJar;
        if (jar == null) {
            jar = Path.of(System.getProperty("lianmai.home", "."), "server", "target", "lianmai.jar");
        }
        AttackScale scale = (shortScale ? AttackScale.SHORT : AttackScale.FULL)
                .withCloseDeadlines(wsCloseWithin, rtmpCloseWithin);
        Duration wait = recovery != null ? recovery : Duration.ofSeconds(shortScale ? 3 : 15);
        return new AttackSuite.Settings(jar, serverJavaOpts, serverSettings, scale, baseline, wait,
                new AttackReport.Bounds(minFrameRatePercent, maxAddedP99.toNanos() / 1e6, maxThreads, maxFds,
                        megabytes(maxRss)), names);
    }

    static double megabytes(String size) {
        String s = size.trim().toUpperCase(Locale.ROOT);
        try {
            if (s.endsWith("G")) {
                return Double.parseDouble(s.substring(0, s.length() - 1)) * 1024;
            }
            if (s.endsWith("M")) {
                return Double.parseDouble(s.substring(0, s.length() - 1));
            }
            return Double.parseDouble(s) / (1024 * 1024);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: '" + size + "' (try 1536M, 1.5G)");
        }
    }
}

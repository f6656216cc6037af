package io.lianmai.bench.load;

import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lianmai bench compare}: one scenario against several servers back to back — Lianmai, SRS, Janus — with the
 * same simulated clients, media and measurements, printed as one table with the ratios Lianmai ÷ each peer
 * ({@link Comparison}). Exits 0 when every run had every client joined with media, 1 otherwise, 2 on wrong usage.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Runs one scenario against several servers back to back (--target, repeatable) and prints "
                + "one table with Lianmai ÷ each peer.",
        subcommands = {CompareCommand.Fanout.class, CompareCommand.Meeting.class})
final class CompareCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a scenario is required: fanout or meeting");
    }

    /** The servers compared and the step-up. */
    static final class Targets {
        @Option(names = "--target", paramLabel = "KIND[=URL]",
                description = "A server to run against, in order, repeatable: lianmai (a child server), "
                        + "lianmai@KEY=VALUE,… (a child server with these settings too, e.g. lianmai@media.loops=1), "
                        + "lianmai=URL (running; with --sdkappid, --secret, --pid), srs=URL (its HTTP API, e.g. "
                        + "http://127.0.0.1:11985), janus=URL (its API, e.g. http://127.0.0.1:8088/janus). "
                        + "Default: lianmai.")
        List<String> targets = new ArrayList<>();

        @Option(names = "--srs-pid", paramLabel = "PID", description = "SRS's process id, for its CPU and memory.")
        Long srsPid;

        @Option(names = "--janus-pid", paramLabel = "PID",
                description = "Janus's process id, for its CPU and memory.")
        Long janusPid;

        @Option(names = "--find-max", description = "From each server's run on, step the load up (× --step) until "
                + "loss reaches --loss-limit or a client fails, to find subscribers per core at that loss.")
        boolean findMax;

        @Option(names = "--step", paramLabel = "FACTOR", description = "Step-up factor. Default: ${DEFAULT-VALUE}.")
        double step = 1.5;

        @Option(names = "--max-load", paramLabel = "N", description = "The step-up's largest load (subscribers for "
                + "fanout, rooms for meeting). Default: 8 × the scenario's.")
        Integer maxLoad;

        @Option(names = "--max-steps", paramLabel = "N", description = "The step-up's most runs per server. "
                + "Default: ${DEFAULT-VALUE}.")
        int maxSteps = 6;

        @Option(names = "--step-budget", paramLabel = "TIME", converter = LoadOptions.DurationConverter.class,
                description = "No step starts after this long from the server's first step. Default: 10m.")
        java.time.Duration stepBudget = java.time.Duration.ofMinutes(10);

        @Option(names = "--loss-limit", paramLabel = "PERCENT", converter = LoadOptions.PercentConverter.class,
                description = "The loss a step must stay under. Default: 1%%.")
        double lossLimit = 0.01;
    }

    @Command(name = "fanout", mixinStandardHelpOptions = true, description = "One publisher to N subscribers, per "
            + "room, against each --target.")
    static final class Fanout implements Callable<Integer> {
        @Mixin
        LoadOptions options;

        @Mixin
        Targets targets;

        @Option(names = "--subscribers", paramLabel = "N",
                description = "Subscribers per room. Default: ${DEFAULT-VALUE}.")
        int subscribers = 200;

        @Override
        public Integer call() throws Exception {
            return compare(options, targets, "subscribers", subscribers,
                    n -> Scenario.fanout(options.rooms, n));
        }
    }

    @Command(name = "meeting", mixinStandardHelpOptions = true, description = "Meetings: N people each publish and "
            + "play the others, per room, against each --target; the step-up adds rooms.")
    static final class Meeting implements Callable<Integer> {
        @Mixin
        LoadOptions options;

        @Mixin
        Targets targets;

        @Option(names = "--size", paramLabel = "N", description = "People per meeting. Default: ${DEFAULT-VALUE}.")
        int size = 6;

        @Override
        public Integer call() throws Exception {
            return compare(options, targets, "rooms", options.rooms, n -> Scenario.meeting(n, size));
        }
    }

    /**
     * A server named on the command line: its column label, how to reach it, and for a child Lianmai its settings
     * ({@code lianmai@KEY=VALUE,KEY=VALUE}, added to {@code --server-set}'s).
     */
    record TargetSpec(String label, String kind, URI url, List<String> settings) {
        TargetSpec(String label, String kind, URI url) {
            this(label, kind, url, List.of());
        }
    }

    /** Reads the --target values: kinds lianmai, srs, janus; URLs required for srs and janus. */
    static List<TargetSpec> parseTargets(List<String> values) {
        List<String> given = values.isEmpty() ? List.of("lianmai") : values;
        List<TargetSpec> specs = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String value : given) {
            if (value.trim().toLowerCase(Locale.ROOT).startsWith("lianmai@")) {
                List<String> settings = new ArrayList<>();
                for (String setting : value.trim().substring("lianmai@".length()).split(",")) {
                    if (setting.indexOf('=') < 1) {
                        throw new IllegalArgumentException("--target " + value + ": settings are KEY=VALUE,…");
                    }
                    settings.add(setting.trim());
                }
                seen.merge("lianmai", 1, Integer::sum);
                specs.add(new TargetSpec("lianmai " + String.join(",", settings), "lianmai", null,
                        List.copyOf(settings)));
                continue;
            }
            int eq = value.indexOf('=');
            String kind = (eq < 0 ? value : value.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            URI url = null;
            if (eq >= 0) {
                try {
                    url = URI.create(value.substring(eq + 1).trim());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--target " + value + ": not a URL");
                }
                if (url.getScheme() == null || url.getHost() == null) {
                    throw new IllegalArgumentException("--target " + value + ": not an http URL");
                }
            }
            if (!kind.equals("lianmai") && !kind.equals("srs") && !kind.equals("janus")) {
                throw new IllegalArgumentException("--target kind must be lianmai, srs or janus, got '" + kind + "'");
            }
            if (url == null && !kind.equals("lianmai")) {
                throw new IllegalArgumentException("--target " + kind + " needs its URL: " + kind + "=http://…");
            }
            int n = seen.merge(kind, 1, Integer::sum);
            specs.add(new TargetSpec(n == 1 ? kind : kind + "-" + n, kind, url));
        }
        return specs;
    }

    static int compare(LoadOptions options, Targets targets, String loadUnit, int load,
            IntFunction<Scenario> scenarioAt) throws Exception {
        if (options.srtp == null) {
            options.srtp = "aes-cm"; // Lianmai picks AES-CM: fix the profile on every server alike
        }
        List<TargetSpec> specs = parseTargets(targets.targets);
        StepUp stepUp = targets.findMax ? new StepUp(load, targets.step,
                targets.maxLoad != null ? targets.maxLoad : Math.max(load, 8 * load), targets.maxSteps,
                100 * targets.lossLimit, targets.stepBudget.toNanos()) : null;
        PrintStream out = System.out;
        List<Comparison.Entry> entries = new ArrayList<>();
        boolean complete = true;
        Scenario shape = scenarioAt.apply(load);
        for (TargetSpec spec : specs) {
            say(options, "— " + spec.label() + " —");
            try (LoadTarget target = open(spec, options, targets)) {
                StepUp.Runner runner = n -> new LoadRun(options, scenarioAt.apply(n), System.err).run(target);
                // With --find-max the scenario's own run is the step-up's first step.
                List<StepUp.Step> steps = stepUp == null ? List.of() : stepUp.run(runner, System::nanoTime);
                LoadReport report = steps.isEmpty() ? runner.run(load) : steps.get(0).report();
                complete &= report.failures().isEmpty() && report.subscribersWithMedia() == report.subscribers();
                List<Comparison.StepSummary> summaries = steps.stream().map(Comparison.StepSummary::of).toList();
                entries.add(new Comparison.Entry(spec.label(), spec.kind(), report.target(),
                        Comparison.Figures.of(report, stepUp == null ? null : StepUp.best(steps)), summaries,
                        report));
            }
        }
        Comparison comparison = new Comparison(shape.name() + ": " + shape.shape(),
                options.mediaShape().describe(), loadUnit, entries);
        comparison.print(out);
        if (options.json != null) {
            comparison.writeJson(options.json);
            out.println("JSON written to " + options.json);
        }
        return complete ? 0 : 1;
    }

    private static LoadTarget open(TargetSpec spec, LoadOptions options, Targets targets) {
        return switch (spec.kind()) {
            case "srs" -> new SrsTarget(spec.url(), pid(targets.srsPid));
            case "janus" -> new JanusTarget(spec.url(), pid(targets.janusPid));
            default -> lianmai(spec, options);
        };
    }

    /** A Lianmai target: running at its URL, or a child server with {@code --server-set} and its own settings. */
    private static LoadTarget lianmai(TargetSpec spec, LoadOptions options) {
        List<String> shared = options.serverSettings;
        List<String> settings = new ArrayList<>(shared);
        settings.addAll(spec.settings());
        options.serverSettings = settings;
        try {
            return LoadRun.lianmai(options, spec.url() == null ? null : spec.url().toString(),
                    line -> say(options, line));
        } finally {
            options.serverSettings = shared;
        }
    }

    private static OptionalLong pid(Long pid) {
        return pid == null ? OptionalLong.empty() : OptionalLong.of(pid);
    }

    private static void say(LoadOptions options, String line) {
        if (!options.quiet) {
            System.err.println("bench: " + line);
        }
    }
}

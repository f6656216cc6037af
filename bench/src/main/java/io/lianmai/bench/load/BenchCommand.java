package io.lianmai.bench.load;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lianmai bench}: the load generator. Each scenario is a subcommand taking its room shape and the shared
 * {@link LoadOptions}; it prints the {@link LoadReport} and exits 0 when every client joined and got media, 1 when
 * some did not (the report says who and why), 2 on wrong usage.
 */
@Command(name = "lianmai bench", mixinStandardHelpOptions = true, version = "lianmai bench (see lianmai --version)",
        description = "Load generator: simulated WebRTC publishers and subscribers (real ICE, DTLS, SRTP) join "
                + "through WHIP/WHEP and report throughput, loss, latency, join time and server CPU/memory.",
        subcommands = {BenchCommand.Call.class, BenchCommand.Meeting.class, BenchCommand.Fanout.class,
            BenchCommand.Live.class, CompareCommand.class, AttackCommand.class,
            io.lianmai.bench.flv.FlvBenchCommand.class, CommandLine.HelpCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a scenario is required: call, meeting, "
                + "fanout, live, compare, flv or attack");
    }

    /** Builds the command line: usage errors exit 2, failures print one line and exit 1. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new BenchCommand());
        commandLine.setExecutionExceptionHandler((exception, failed, parseResult) -> {
            failed.getErr().println("error: " + (exception.getMessage() == null ? exception.toString()
                    : exception.getMessage()));
            return 1;
        });
        return commandLine;
    }

    /** Runs {@code scenario} and prints (and writes) the report. */
    static int execute(LoadOptions options, Scenario scenario) throws Exception {
        PrintStream out = System.out;
        LoadReport report = new LoadRun(options, scenario, System.err).run();
        report.print(out);
        if (options.json != null) {
            report.writeJson(options.json);
            out.println("JSON written to " + options.json);
        }
        boolean complete = report.failures().isEmpty() && report.subscribersWithMedia() == report.subscribers();
        return complete ? 0 : 1;
    }

    @Command(name = "call", mixinStandardHelpOptions = true, description = "1:1 calls: two people publish and "
            + "each plays the other, per room.")
    static final class Call implements Callable<Integer> {
        @Mixin
        LoadOptions options;

        @Override
        public Integer call() throws Exception {
            return execute(options, Scenario.call(options.rooms));
        }
    }

    @Command(name = "meeting", mixinStandardHelpOptions = true, description = "Meetings: N people each publish "
            + "and play the other N-1, per room.")
    static final class Meeting implements Callable<Integer> {
        @Mixin
        LoadOptions options;

        @Option(names = "--size", paramLabel = "N", description = "People per meeting. Default: ${DEFAULT-VALUE}.")
        int size = 4;

        @Override
        public Integer call() throws Exception {
            return execute(options, Scenario.meeting(options.rooms, size));
        }
    }

    @Command(name = "fanout", mixinStandardHelpOptions = true, description = "One publisher to N subscribers, per "
            + "room.")
    static final class Fanout implements Callable<Integer> {
        @Mixin
        LoadOptions options;

        @Option(names = "--subscribers", paramLabel = "N",
                description = "Subscribers per room. Default: ${DEFAULT-VALUE}.")
        int subscribers = 10;

        @Override
        public Integer call() throws Exception {
            return execute(options, Scenario.fanout(options.rooms, subscribers));
        }
    }

    @Command(name = "live", mixinStandardHelpOptions = true, description = "Interactive live: a few anchors who "
            + "play each other (co-hosting) and an audience that plays every anchor, per room.")
    static final class Live implements Callable<Integer> {
        @Mixin
        LoadOptions options;

        @Option(names = "--anchors", paramLabel = "N", description = "Anchors per room. Default: ${DEFAULT-VALUE}.")
        int anchors = 2;

        @Option(names = "--audience", paramLabel = "N",
                description = "Audience members per room. Default: ${DEFAULT-VALUE}.")
        int audience = 50;

        @Override
        public Integer call() throws Exception {
            return execute(options, Scenario.live(options.rooms, anchors, audience));
        }
    }
}

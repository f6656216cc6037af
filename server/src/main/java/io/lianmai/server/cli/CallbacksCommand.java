package io.lianmai.server.cli;

import io.lianmai.server.config.LianmaiConfig;
import io.lianmai.store.CallbackOutbox;
import io.lianmai.store.JdbcAppStore;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code lianmai callbacks list}: the reconcile view of an app's event callbacks, read from the outbox in the app
 * database (so it works beside a running server, and on a stopped one): what was delivered, what is pending and why,
 * what was given up. The REST action {@code DescribeCallbackEvents} shows the same.
 */
@Command(name = "callbacks", mixinStandardHelpOptions = true,
        description = "Show an app's event callbacks: delivered, pending, given up (docs/callbacks.md).",
        subcommands = {CallbacksCommand.ListEvents.class})
final class CallbacksCommand implements Runnable {
    @ParentCommand
    LianmaiCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "callbacks needs a subcommand: list");
    }

    /** {@code lianmai callbacks list --sdkappid ID [--undelivered] [--limit N]}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List an app's callback events, newest first, with their delivery state.")
    static final class ListEvents implements Callable<Integer> {
        @ParentCommand
        CallbacksCommand callbacks;

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions configOptions;

        @Mixin
        AppCommand.AppId id;

        @Option(names = "--undelivered", description = "Only events not delivered: pending or given up.")
        boolean undelivered;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
                description = "At most this many events (1..100000). Default: ${DEFAULT-VALUE}.")
        int limit;

        @Override
        public Integer call() {
            if (limit < 1 || limit > 100_000) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be 1..100000");
            }
            LianmaiConfig config = configOptions.load(callbacks.root.context(), Map.of());
            try (JdbcAppStore store = JdbcAppStore.open(config.store(), callbacks.root.context().clock())) {
                if (store.find(id.sdkAppId).isEmpty()) {
                    throw new CommandFailure("no app with SDKAppID " + id.sdkAppId
                            + " in the registry (./lianmai app list)");
                }
                List<CallbackOutbox.Entry> entries = store.callbackOutbox().list(id.sdkAppId, undelivered,
                        Long.MAX_VALUE, limit);
                PrintWriter out = spec.commandLine().getOut();
                String format = "%-8s %-36s %-5s %-24s %-10s %-8s %-24s %s%n";
                out.printf(format, "SEQ", "EVENTID", "TYPE", "EVENT", "STATE", "ATTEMPTS", "ROOM", "DETAIL");
                for (CallbackOutbox.Entry entry : entries) {
                    out.printf(format, entry.seq(), entry.eventId(), entry.type(),
                            Instant.ofEpochMilli(entry.eventMs()), entry.state().name().toLowerCase(Locale.ROOT),
                            entry.attempts(), entry.roomKey(), detail(entry));
                }
                out.println(entries.size() + " event(s)" + (entries.size() == limit ? " (more with --limit)" : ""));
                out.flush();
            }
            return 0;
        }

        private static String detail(CallbackOutbox.Entry entry) {
            String last = entry.lastError().orElse(entry.lastStatus().isPresent()
                    ? "HTTP " + entry.lastStatus().getAsInt() : "");
            return switch (entry.state()) {
                case PENDING -> "next " + Instant.ofEpochMilli(entry.nextAttemptMs())
                        + (last.isEmpty() ? "" : " after " + last);
                case DELIVERED -> "at " + Instant.ofEpochMilli(entry.finishedMs().orElse(0)) + " " + last;
                case FAILED -> "given up: " + last;
            };
        }
    }
}

package io.lianmai.server.cli;

import io.lianmai.server.Version;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lianmai} command: the root that holds the process context and the subcommands. */
@Command(name = "lianmai",
        mixinStandardHelpOptions = true,
        versionProvider = LianmaiCommand.VersionProvider.class,
        description = "Lianmai: a self-hosted, TRTC-compatible real-time audio/video cloud.",
        subcommands = {ServeCommand.class, AppCommand.class, UserSigCommand.class, LiveCommand.class,
                ApiKeyCommand.class,
                CallbacksCommand.class, NodeCommand.class, HealthCommand.class,
                CommandLine.HelpCommand.class})
public final class LianmaiCommand implements Runnable {
    private final CliContext context;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public LianmaiCommand(CliContext context) {
        this.context = context;
    }

    CliContext context() {
        return context;
    }

    @Override
    public void run() {
        // "lianmai" alone: picocli prints this message and the usage, and the process exits 2.
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /**
     * Builds the command line with Lianmai's error handling: usage errors print the usage and exit 2; failures
     * while running print one clear line (no stack trace) and exit 1.
     */
    public static CommandLine commandLine(CliContext context, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new LianmaiCommand(context));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        // picocli prints either "did you mean" or the usage; a mistyped command gets both.
        commandLine.setParameterExceptionHandler((exception, args) -> {
            CommandLine failed = exception.getCommandLine();
            PrintWriter writer = failed.getErr();
            writer.println(exception.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(exception, writer);
            failed.usage(writer, failed.getColorScheme());
            writer.flush();
            return failed.getCommandSpec().exitCodeOnInvalidInput();
        });
        commandLine.setExecutionExceptionHandler((exception, failed, parseResult) -> {
            failed.getErr().println("error: " + describe(exception));
            failed.getErr().flush();
            return CommandFailure.EXIT_CODE;
        });
        return commandLine;
    }

    private static String describe(Throwable exception) {
        if (exception instanceof CommandFailure failure) {
            return failure.getMessage();
        }
        String message = exception.getMessage();
        return message == null || message.isBlank() ? exception.getClass().getSimpleName() : message;
    }

    /** Reports the build version for {@code --version}. */
    public static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"lianmai " + Version.current()};
        }
    }
}

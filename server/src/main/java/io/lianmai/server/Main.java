package io.lianmai.server;

import io.lianmai.server.cli.CliContext;
import io.lianmai.server.cli.LianmaiCommand;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

/** Entry point of the {@code lianmai} fat jar. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        CliContext context = new CliContext(System.getenv(), Path.of("").toAbsolutePath(), Clock.systemUTC());
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int status = LianmaiCommand.commandLine(context, out, err).execute(args);
        // serve returns only when it is stopped; every command ends the process with its status.
        System.exit(status);
    }
}

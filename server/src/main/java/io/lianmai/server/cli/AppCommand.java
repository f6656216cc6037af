package io.lianmai.server.cli;

import io.lianmai.server.config.LianmaiConfig;
import io.lianmai.store.App;
import io.lianmai.store.AppStore;
import io.lianmai.store.JdbcAppStore;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lianmai app create|list}: the app registry from the command line. */
@Command(name = "app", mixinStandardHelpOptions = true,
        description = "Manage apps (SDKAppID and secret key).",
        subcommands = {AppCommand.Create.class, AppCommand.ListApps.class})
final class AppCommand implements Runnable {

    @ParentCommand
    LianmaiCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "app needs a subcommand: create or list");
    }

    static AppStore openStore(LianmaiCommand root, ConfigOptions options) {
        LianmaiConfig config = options.load(root.context(), Map.of());
        return JdbcAppStore.open(config.store(), root.context().clock());
    }

    /** {@code lianmai app create --name N}. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an app and print its SDKAppID and secret key.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        AppCommand app;

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions configOptions;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "A name for the app.")
        String name;

        @Override
        public Integer call() {
            try (AppStore store = openStore(app.root, configOptions)) {
                App created = store.create(name);
                PrintWriter out = spec.commandLine().getOut();
                out.println("SDKAppID   " + created.sdkAppId());
                out.println("Name       " + created.name());
                out.println("SecretKey  " + created.secretKey());
                out.flush();
            }
            return 0;
        }
    }

    /** {@code lianmai app list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List apps. Secret keys are masked unless --show-keys is given.")
    static final class ListApps implements Callable<Integer> {
        @ParentCommand
        AppCommand app;

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions configOptions;

        @Option(names = "--show-keys", description = "Print the full secret keys.")
        boolean showKeys;

        @Override
        public Integer call() {
            try (AppStore store = openStore(app.root, configOptions)) {
                List<App> apps = store.list();
                PrintWriter out = spec.commandLine().getOut();
                out.printf("%-12s %-8s %-20s %-64s %s%n", "SDKAppID", "ENABLED", "CREATED", "SECRETKEY", "NAME");
                for (App each : apps) {
                    out.printf("%-12d %-8s %-20s %-64s %s%n", each.sdkAppId(), each.enabled() ? "yes" : "no",
                            each.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                            showKeys ? each.secretKey() : mask(each.secretKey()), each.name());
                }
                out.flush();
            }
            return 0;
        }

        private static String mask(String key) {
            return key.substring(0, 4) + "…" + " (--show-keys)";
        }
    }
}

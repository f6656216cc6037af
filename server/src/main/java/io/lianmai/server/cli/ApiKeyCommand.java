package io.lianmai.server.cli;

import io.lianmai.common.SdkAppId;
import io.lianmai.server.api.ApiCredentials;
import io.lianmai.server.api.CredentialCipher;
import io.lianmai.server.config.LianmaiConfig;
import io.lianmai.store.ApiCredentialRecord;
import io.lianmai.store.ApiCredentialStore;
import io.lianmai.store.JdbcAppStore;
import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code lianmai apikey create|list|delete}: the API credentials (SecretId and SecretKey) that sign server API
 * requests ({@code POST /}, TC3-HMAC-SHA256). A running server sees a change from its next request on.
 */
@Command(name = "apikey", mixinStandardHelpOptions = true,
        description = "Manage API credentials (SecretId, SecretKey) for the server API (Tencent Cloud API 3.0).",
        subcommands = {ApiKeyCommand.Create.class, ApiKeyCommand.ListKeys.class, ApiKeyCommand.Delete.class})
final class ApiKeyCommand implements Runnable {
    @ParentCommand
    LianmaiCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "apikey needs a subcommand: create, list or delete");
    }

    /** The store and, for {@code create}, the node's credential cipher, from the same configuration as the server. */
    private record Opened(JdbcAppStore store, ApiCredentials credentials) implements AutoCloseable {
        static Opened open(LianmaiCommand root, ConfigOptions options, boolean withCipher) {
            LianmaiConfig config = options.load(root.context(), Map.of());
            JdbcAppStore store = JdbcAppStore.open(config.store(), root.context().clock());
            try {
                CredentialCipher cipher = withCipher
                        ? CredentialCipher.load(config.api().credentialKey(), config.dataDir()) : null;
                return new Opened(store, new ApiCredentials(ApiCredentialStore.over(store), cipher,
                        root.context().clock()));
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
        }

        @Override
        public void close() {
            store.close();
        }
    }

    /** {@code lianmai apikey create [--sdkappid ID]…}. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an API credential and print its SecretId and SecretKey. The SecretKey is shown "
                    + "only this once.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        ApiKeyCommand apikey;

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions configOptions;

        @Option(names = "--sdkappid", paramLabel = "SDKAPPID", converter = SdkAppIdConverter.class,
                description = "An app the credential may act on; repeat for several. None: every app.")
        List<SdkAppId> sdkAppIds = new ArrayList<>();

        @Override
        public Integer call() {
            try (Opened opened = Opened.open(apikey.root, configOptions, true)) {
                for (SdkAppId sdkAppId : sdkAppIds) {
                    if (opened.store().find(sdkAppId).isEmpty()) {
                        throw new CommandFailure("no app with SDKAppID " + sdkAppId
                                + " in the registry (./lianmai app list)");
                    }
                }
                ApiCredentials.Credential created = opened.credentials().create(new LinkedHashSet<>(sdkAppIds));
                PrintWriter out = spec.commandLine().getOut();
                out.println("SecretId   " + created.secretId());
                out.println("SecretKey  " + created.secretKey());
                out.println("Apps       " + apps(created.allApps(), sdkAppIds));
                out.println("Keep the SecretKey now: it is not shown again (./lianmai apikey delete "
                        + created.secretId() + " and create another if it is lost).");
                out.flush();
            }
            return 0;
        }
    }

    /** {@code lianmai apikey list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List API credentials: SecretId, creation time and apps. SecretKeys are never shown.")
    static final class ListKeys implements Callable<Integer> {
        @ParentCommand
        ApiKeyCommand apikey;

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions configOptions;

        @Override
        public Integer call() {
            try (Opened opened = Opened.open(apikey.root, configOptions, false)) {
                PrintWriter out = spec.commandLine().getOut();
                String format = "%-36s %-10s %-20s %s%n";
                out.printf(format, "SECRETID", "SECRETKEY", "CREATED", "APPS");
                for (ApiCredentialRecord each : opened.credentials().list()) {
                    out.printf(format, each.secretId(), "********", each.createdAt().truncatedTo(ChronoUnit.SECONDS),
                            apps(each.allApps(), each.apps().stream().sorted().toList()));
                }
                out.flush();
            }
            return 0;
        }
    }

    /** {@code lianmai apikey delete SECRETID}. */
    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete an API credential: requests signed with it are refused from the next one on.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        ApiKeyCommand apikey;

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions configOptions;

        @Parameters(index = "0", paramLabel = "SECRETID", description = "The credential's SecretId.")
        String secretId;

        @Override
        public Integer call() {
            try (Opened opened = Opened.open(apikey.root, configOptions, false)) {
                if (!opened.credentials().delete(secretId)) {
                    throw new CommandFailure("no API credential with SecretId " + secretId
                            + " (./lianmai apikey list)");
                }
                PrintWriter out = spec.commandLine().getOut();
                out.println("Deleted API credential " + secretId + ".");
                out.flush();
            }
            return 0;
        }
    }

    private static String apps(boolean all, List<SdkAppId> apps) {
        return all ? "all" : apps.stream().map(SdkAppId::toString).collect(Collectors.joining(","));
    }
}

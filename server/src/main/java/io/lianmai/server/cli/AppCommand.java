package io.lianmai.server.cli;

import io.lianmai.common.SdkAppId;
import io.lianmai.server.callback.CallbackTargetPolicy;
import io.lianmai.server.config.LianmaiConfig;
import io.lianmai.store.App;
import io.lianmai.store.AppNotFoundException;
import io.lianmai.store.AppStore;
import io.lianmai.store.JdbcAppStore;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code lianmai app create|list|set|rotate-key|rotate-play-key|disable|enable}: the app registry from the command
 * line. Every change goes to the database at once; a running server applies it at its next app refresh
 * ({@code apps.refreshSeconds}).
 */
@Command(name = "app", mixinStandardHelpOptions = true,
        description = "Manage apps (SDKAppID, secret key, playback key, security settings).",
        subcommands = {AppCommand.Create.class, AppCommand.ListApps.class, AppCommand.Set.class,
                AppCommand.RotateKey.class, AppCommand.RotatePlayKey.class, AppCommand.Disable.class,
                AppCommand.Enable.class})
final class AppCommand implements Runnable {

    /** How long the old secret key keeps verifying UserSigs after {@code rotate-key}; {@code --grace 0}: not at all. */
    static final Duration DEFAULT_GRACE = AppStore.DEFAULT_KEY_GRACE;

    @ParentCommand
    LianmaiCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "app needs a subcommand: create, list, set, "
                + "rotate-key, rotate-play-key, disable or enable");
    }

    static AppStore openStore(LianmaiCommand root, ConfigOptions options) {
        LianmaiConfig config = options.load(root.context(), Map.of());
        return JdbcAppStore.open(config.store(), root.context().clock());
    }

    /** {@code lianmai app create --name N}. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an app and print its SDKAppID, secret key and playback key.")
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
                out.println("PlayKey    " + created.playKey());
                out.flush();
            }
            return 0;
        }
    }

    /** {@code lianmai app list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List apps and their settings. Keys are masked unless --show-keys is given.")
    static final class ListApps implements Callable<Integer> {
        @ParentCommand
        AppCommand app;

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions configOptions;

        @Option(names = "--show-keys", description = "Print the full secret and playback keys.")
        boolean showKeys;

        @Override
        public Integer call() {
            try (AppStore store = openStore(app.root, configOptions)) {
                List<App> apps = store.list();
                Instant now = app.root.context().clock().instant();
                PrintWriter out = spec.commandLine().getOut();
                String format = "%-12s %-8s %-9s %-14s %-20s %-64s %-32s %s%n";
                out.printf(format, "SDKAppID", "ENABLED", "PLAYBACK", "PRIVATEMAPKEY", "CREATED", "SECRETKEY",
                        "PLAYKEY", "NAME");
                for (App each : apps) {
                    out.printf(format, each.sdkAppId(), each.enabled() ? "yes" : "no", playback(each),
                            privateMapKey(each), each.createdAt().truncatedTo(ChronoUnit.SECONDS),
                            showKeys ? each.secretKey() : mask(each.secretKey()),
                            showKeys ? each.playKey() : mask(each.playKey()), each.name());
                }
                for (App each : apps) {
                    each.previousKey().filter(previous -> now.isBefore(previous.validUntil())).ifPresent(previous ->
                            out.println(each.sdkAppId() + ": the previous secret key"
                                    + (showKeys ? " " + previous.secretKey() : "") + " is accepted until "
                                    + previous.validUntil()));
                }
                out.flush();
            }
            return 0;
        }

        private static String mask(String key) {
            return key.isEmpty() ? "(none)" : key.substring(0, Math.min(4, key.length())) + "…" + " (--show-keys)";
        }
    }

    /**
     * {@code lianmai app set --sdkappid ID [--public-playback B] [--require-private-map-key B] [--callback-url URL]
     * [--callback-key KEY] [--clear-callback]}.
     */
    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Change an app's security and callback settings, then print them.")
    static final class Set implements Callable<Integer> {
        @ParentCommand
        AppCommand app;

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions configOptions;

        @Mixin
        AppId id;

        @Option(names = "--public-playback", paramLabel = "true|false",
                description = "Serve the app's live output (FLV, HLS, RTMP play) without signed URLs, like a "
                        + "public CDN domain. Default for new apps: false (signed URLs only).")
        String publicPlayback;

        @Option(names = "--require-private-map-key", paramLabel = "true|false",
                description = "TRTC's advanced permission control: every entry (signalling, WHIP, WHEP, RTMP "
                        + "publish) needs a valid PrivateMapKey. Default for new apps: false.")
        String requirePrivateMapKey;

        @Option(names = "--callback-url", paramLabel = "URL",
                description = "Where TRTC event callbacks of the app are posted (docs/callbacks.md): an absolute "
                        + "http:// or https:// URL at a public address (callbacks.allowPrivateTargets allows others).")
        String callbackUrl;

        @Option(names = "--callback-key", paramLabel = "KEY",
                description = "The key that signs callbacks (header Sign = base64(HMAC-SHA256(KEY, body))), as "
                        + "in TRTC's console: up to 256 characters, no spaces.")
        String callbackKey;

        @Option(names = "--clear-callback", description = "Stop sending the app's event callbacks: forget its "
                + "callback URL and key (events already recorded stay in the outbox and are given up).")
        boolean clearCallback;

        @Override
        public Integer call() {
            if (publicPlayback == null && requirePrivateMapKey == null && callbackUrl == null && callbackKey == null
                    && !clearCallback) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "app set needs at least one of --public-playback, --require-private-map-key, "
                                + "--callback-url, --callback-key, --clear-callback");
            }
            if (clearCallback && (callbackUrl != null || callbackKey != null)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--clear-callback cannot be combined with --callback-url or --callback-key");
            }
            if (callbackUrl != null) {
                LianmaiConfig config = configOptions.load(app.root.context(), Map.of());
                try {
                    new CallbackTargetPolicy(config.callbacks().allowPrivateTargets()).check(callbackUrl);
                } catch (CallbackTargetPolicy.DeniedException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--callback-url: " + e.getMessage());
                }
            }
            if (callbackKey != null && (callbackKey.isBlank() || callbackKey.chars().anyMatch(
                    c -> Character.isWhitespace(c) || Character.isISOControl(c)))) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--callback-key must be non-empty, without spaces or control characters");
            }
            SdkAppId sdkAppId = id.sdkAppId;
            Boolean playback = publicPlayback == null ? null : bool(spec, "--public-playback", publicPlayback);
            Boolean required = requirePrivateMapKey == null ? null
                    : bool(spec, "--require-private-map-key", requirePrivateMapKey);
            try (AppStore store = openStore(app.root, configOptions)) {
                App changed = null;
                if (playback != null) {
                    changed = change(sdkAppId, () -> store.setPublicPlayback(sdkAppId, playback));
                }
                if (required != null) {
                    changed = change(sdkAppId, () -> store.setRequirePrivateMapKey(sdkAppId, required));
                }
                if (clearCallback || callbackUrl != null || callbackKey != null) {
                    changed = change(sdkAppId, () -> setCallback(store, sdkAppId));
                }
                printSettings(spec.commandLine().getOut(), changed);
            }
            return 0;
        }

        /** Sets the callback URL and/or key, keeping the one not given; clears both with {@code --clear-callback}. */
        private App setCallback(AppStore store, SdkAppId sdkAppId) {
            if (clearCallback) {
                return store.setWebhook(sdkAppId, Optional.empty(), Optional.empty());
            }
            App current = store.find(sdkAppId).orElseThrow(() -> new AppNotFoundException(sdkAppId));
            Optional<String> url = callbackUrl != null ? Optional.of(callbackUrl.strip()) : current.webhookUrl();
            Optional<String> key = callbackKey != null ? Optional.of(callbackKey) : current.callbackKey();
            try {
                return store.setWebhook(sdkAppId, url, key);
            } catch (IllegalArgumentException e) {
                throw new CommandFailure(e.getMessage());
            }
        }
    }

    /** {@code lianmai app rotate-key --sdkappid ID [--grace DURATION]}. */
    @Command(name = "rotate-key", mixinStandardHelpOptions = true,
            description = "Give an app a new secret key and print it. The old key keeps verifying UserSigs for "
                    + "the grace period (default 24h; 0: not at all).")
    static final class RotateKey implements Callable<Integer> {
        @ParentCommand
        AppCommand app;

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions configOptions;

        @Mixin
        AppId id;

        @Option(names = "--grace", paramLabel = "DURATION", converter = GraceConverter.class,
                description = "How long UserSigs signed with the old key stay valid: seconds, or with a unit "
                        + "(90s, 30m, 12h, 7d); 0 retires the old key at once. Default: 24h.")
        Duration grace;

        @Override
        public Integer call() {
            SdkAppId sdkAppId = id.sdkAppId;
            Duration chosen = grace == null ? DEFAULT_GRACE : grace;
            try (AppStore store = openStore(app.root, configOptions)) {
                App rotated = change(sdkAppId, () -> store.rotateSecretKey(sdkAppId, chosen));
                PrintWriter out = spec.commandLine().getOut();
                out.println("SDKAppID   " + rotated.sdkAppId());
                out.println("SecretKey  " + rotated.secretKey());
                out.println(chosen.isZero()
                        ? "The old key is no longer accepted (a running server applies this at its next app refresh)."
                        : "The old key is accepted until " + rotated.previousKey().map(App.RetiredKey::validUntil)
                                .map(Instant::toString).orElse("now") + ".");
                out.flush();
            }
            return 0;
        }
    }

    /** {@code lianmai app rotate-play-key --sdkappid ID}. */
    @Command(name = "rotate-play-key", mixinStandardHelpOptions = true,
            description = "Give an app a new playback key and print it: every signed playback URL made with the "
                    + "old one stops working.")
    static final class RotatePlayKey implements Callable<Integer> {
        @ParentCommand
        AppCommand app;

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions configOptions;

        @Mixin
        AppId id;

        @Override
        public Integer call() {
            SdkAppId sdkAppId = id.sdkAppId;
            try (AppStore store = openStore(app.root, configOptions)) {
                App rotated = change(sdkAppId, () -> store.rotatePlayKey(sdkAppId));
                PrintWriter out = spec.commandLine().getOut();
                out.println("SDKAppID   " + rotated.sdkAppId());
                out.println("PlayKey    " + rotated.playKey());
                out.flush();
            }
            return 0;
        }
    }

    /** {@code lianmai app disable --sdkappid ID}. */
    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = "Stop an app: its clients cannot enter, and a running server removes its members from "
                    + "their rooms at its next app refresh.")
    static final class Disable implements Callable<Integer> {
        @ParentCommand
        AppCommand app;

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions configOptions;

        @Mixin
        AppId id;

        @Override
        public Integer call() {
            return setEnabled(app, spec, configOptions, id, false);
        }
    }

    /** {@code lianmai app enable --sdkappid ID}. */
    @Command(name = "enable", mixinStandardHelpOptions = true,
            description = "Let a disabled app's clients enter again.")
    static final class Enable implements Callable<Integer> {
        @ParentCommand
        AppCommand app;

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions configOptions;

        @Mixin
        AppId id;

        @Override
        public Integer call() {
            return setEnabled(app, spec, configOptions, id, true);
        }
    }

    private static int setEnabled(AppCommand app, CommandSpec spec, ConfigOptions configOptions, AppId id,
            boolean enabled) {
        SdkAppId sdkAppId = id.sdkAppId;
        try (AppStore store = openStore(app.root, configOptions)) {
            printSettings(spec.commandLine().getOut(), change(sdkAppId, () -> store.setEnabled(sdkAppId, enabled)));
        }
        return 0;
    }

    /** The {@code --sdkappid} option of the commands that change one app. */
    static final class AppId {
        @Option(names = "--sdkappid", required = true, paramLabel = "SDKAPPID", converter = SdkAppIdConverter.class,
                description = "The app's SDKAppID.")
        SdkAppId sdkAppId;
    }

    /** Runs one change, turning "no such app" into a one-line failure that points at {@code app list}. */
    private static App change(SdkAppId sdkAppId, Supplier<App> change) {
        try {
            return change.get();
        } catch (AppNotFoundException e) {
            throw new CommandFailure("no app with SDKAppID " + sdkAppId + " in the registry (./lianmai app list)");
        }
    }

    /** An app's settings, keys left out: what {@code set}, {@code enable} and {@code disable} print after. */
    static void printSettings(PrintWriter out, App app) {
        out.println("SDKAppID              " + app.sdkAppId());
        out.println("Name                  " + app.name());
        out.println("Enabled               " + app.enabled());
        out.println("PublicPlayback        " + app.publicPlayback());
        out.println("RequirePrivateMapKey  " + app.requirePrivateMapKey());
        out.println("CallbackUrl           " + app.webhookUrl().orElse("(none)"));
        out.println("CallbackKey           " + (app.callbackKey().isPresent() ? "set" : "(none)"));
        out.flush();
    }

    private static String playback(App app) {
        return app.publicPlayback() ? "public" : "signed";
    }

    private static String privateMapKey(App app) {
        return app.requirePrivateMapKey() ? "required" : "optional";
    }

    /** {@code true} or {@code false} (any case), nothing else: a typo must not silently mean false. */
    private static boolean bool(CommandSpec spec, String option, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    option + ": '" + value + "' is not true or false");
        };
    }

    /** A grace period: seconds, or with a unit s, m, h or d; zero allowed, negative not. */
    static final class GraceConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String text = value.trim().toLowerCase(Locale.ROOT);
            long unit = 1;
            if (!text.isEmpty() && Character.isLetter(text.charAt(text.length() - 1))) {
                unit = switch (text.charAt(text.length() - 1)) {
                    case 's' -> 1;
                    case 'm' -> 60;
                    case 'h' -> 3600;
                    case 'd' -> 86400;
                    default -> throw new CommandLine.TypeConversionException(
                            "'" + value + "' is not a duration: use seconds or a unit s, m, h or d");
                };
                text = text.substring(0, text.length() - 1);
            }
            long amount;
            try {
                amount = Math.multiplyExact(Long.parseLong(text), unit);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration: use seconds or a unit s, m, h or d");
            }
            if (amount < 0) {
                throw new CommandLine.TypeConversionException("the grace period must not be negative, got '"
                        + value + "'");
            }
            // Beyond a year the old key is as good as never retired: almost surely a typo.
            if (amount > 366L * 86400) {
                throw new CommandLine.TypeConversionException("the grace period must be at most 366d, got '"
                        + value + "'");
            }
            return Duration.ofSeconds(amount);
        }
    }
}

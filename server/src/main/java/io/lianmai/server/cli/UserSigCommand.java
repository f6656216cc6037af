package io.lianmai.server.cli;

import io.lianmai.auth.PrivateMapKey;
import io.lianmai.auth.Privileges;
import io.lianmai.auth.UserSig;
import io.lianmai.auth.UserSigException;
import io.lianmai.auth.UserSigFields;
import io.lianmai.auth.UserSigSigner;
import io.lianmai.auth.UserSigVerifier;
import io.lianmai.auth.VerifiedUserSig;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.UserId;
import io.lianmai.store.App;
import io.lianmai.store.AppStore;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lianmai usersig gen|verify}: sign and check UserSigs and PrivateMapKeys from the command line. */
@Command(name = "usersig", mixinStandardHelpOptions = true,
        description = "Generate or verify a UserSig (TRTC TLS signature v2) or PrivateMapKey.",
        subcommands = {UserSigCommand.Gen.class, UserSigCommand.Verify.class})
final class UserSigCommand implements Runnable {

    /** TRTC's sample code signs for 7 days; the same default keeps copied snippets behaving alike. */
    static final long DEFAULT_EXPIRE_SECONDS = 7 * 24 * 3600;

    @ParentCommand
    LianmaiCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "usersig needs a subcommand: gen or verify");
    }

    /** Where the secret key comes from: given on the command line, or read from the app registry. */
    static final class KeySource {
        @Option(names = "--key", paramLabel = "SECRETKEY", description = "The app's secret key.")
        String key;

        @Option(names = "--from-app", description = "Read the secret key of --sdkappid from the app registry "
                + "(with a single app, --sdkappid may be left out).")
        boolean fromApp;
    }

    /** The options every usersig subcommand needs to find an app and its key. */
    static final class AppKeyOptions {
        @Option(names = "--sdkappid", paramLabel = "SDKAPPID", converter = SdkAppIdConverter.class,
                description = "The app's SDKAppID.")
        SdkAppId sdkAppId;

        @ArgGroup(exclusive = true, multiplicity = "1")
        KeySource keySource;

        @Mixin
        ConfigOptions configOptions;

        /** Resolves the SDKAppID and its key. */
        AppKey resolve(LianmaiCommand root, CommandSpec spec) {
            if (!keySource.fromApp) {
                if (sdkAppId == null) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--sdkappid is required with --key");
                }
                return new AppKey(sdkAppId, keySource.key);
            }
            try (AppStore store = AppCommand.openStore(root, configOptions)) {
                App app;
                if (sdkAppId != null) {
                    app = store.find(sdkAppId).orElseThrow(() -> new CommandFailure(
                            "no app with SDKAppID " + sdkAppId + " in the registry (./lianmai app list)"));
                } else {
                    List<App> apps = store.list();
                    if (apps.size() != 1) {
                        throw new CommandFailure("the registry holds " + apps.size()
                                + " apps: say which with --sdkappid");
                    }
                    app = apps.get(0);
                }
                return new AppKey(app.sdkAppId(), app.secretKey());
            }
        }
    }

    record AppKey(SdkAppId sdkAppId, String secretKey) {
    }

    /** {@code lianmai usersig gen}. */
    @Command(name = "gen", mixinStandardHelpOptions = true,
            description = "Print a UserSig, or a PrivateMapKey when --room or --str-room is given.")
    static final class Gen implements Callable<Integer> {
        @ParentCommand
        UserSigCommand parent;

        @Spec
        CommandSpec spec;

        @Mixin
        AppKeyOptions app;

        @Option(names = "--userid", required = true, paramLabel = "USERID", description = "The user to sign for.")
        String userId;

        @Option(names = "--expire", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Validity: seconds, or with a unit (90s, 30m, 12h, 7d). Default: 7d.")
        Long expireSeconds;

        @Option(names = "--room", paramLabel = "ROOMID",
                description = "Make a PrivateMapKey for this numeric roomID.")
        Long roomId;

        @Option(names = "--str-room", paramLabel = "STRROOMID",
                description = "Make a PrivateMapKey for this string room ID.")
        String strRoomId;

        @Option(names = "--privileges", paramLabel = "PRIVILEGES",
                description = "PrivateMapKey privileges: a number (255), hex (0xff) or names "
                        + "(create_room,enter_room,send_audio,recv_audio,send_video,recv_video,"
                        + "send_aux_video,recv_aux_video). Default: all.")
        String privileges;

        @Override
        public Integer call() {
            if (roomId != null && strRoomId != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give --room or --str-room, not both");
            }
            if (privileges != null && roomId == null && strRoomId == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--privileges makes a PrivateMapKey: give --room or --str-room too");
            }
            Privileges granted;
            try {
                granted = privileges == null ? Privileges.all() : Privileges.parse(privileges);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            AppKey key = app.resolve(parent.root, spec);
            UserSigSigner signer = new UserSigSigner(key.sdkAppId(), key.secretKey(), parent.root.context().clock());
            long expire = expireSeconds == null ? DEFAULT_EXPIRE_SECONDS : expireSeconds;
            String sig;
            try {
                if (roomId != null) {
                    sig = signer.genPrivateMapKey(userId, expire, roomId, granted.bits());
                } else if (strRoomId != null) {
                    sig = signer.genPrivateMapKeyWithStringRoomId(userId, expire, strRoomId, granted.bits());
                } else {
                    sig = signer.genUserSig(userId, expire);
                }
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            spec.commandLine().getOut().println(sig);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** {@code lianmai usersig verify}. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check a UserSig or PrivateMapKey; print its fields, or why it is rejected (exit 1).")
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        UserSigCommand parent;

        @Spec
        CommandSpec spec;

        @Mixin
        AppKeyOptions app;

        @Option(names = "--userid", required = true, paramLabel = "USERID",
                description = "The user the UserSig must be for.")
        String userId;

        @Parameters(index = "0", paramLabel = "USERSIG", description = "The UserSig to check.")
        String userSig;

        @Override
        public Integer call() {
            AppKey key = app.resolve(parent.root, spec);
            try {
                UserId.parse(userId);
            } catch (IllegalArgumentException e) {
                // No UserSig makes such a userID usable: the server refuses it before looking at the UserSig.
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage()
                        + ": the server refuses this userID (-3319) whatever its UserSig");
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                VerifiedUserSig verified = new UserSigVerifier(parent.root.context().clock())
                        .verify(key.sdkAppId(), key.secretKey(), userId, userSig.trim());
                out.println("valid " + (verified.privateMapKey().isPresent() ? "PrivateMapKey" : "UserSig"));
                printFields(out, verified.fields());
                verified.privateMapKey().ifPresent(pmk -> printPrivateMapKey(out, pmk));
                out.flush();
                return 0;
            } catch (UserSigException e) {
                err.println("invalid UserSig: " + e.getMessage());
                err.println("  error      " + e.error().name().toLowerCase(Locale.ROOT)
                        + " (code " + e.code() + ", detail " + e.detailCode() + ")");
                decodedForDiagnosis(userSig.trim()).ifPresent(fields -> {
                    err.println("  decoded fields, for diagnosis:");
                    printFields(err, fields);
                });
                err.flush();
                return CommandFailure.EXIT_CODE;
            }
        }

        private static Optional<UserSigFields> decodedForDiagnosis(String sig) {
            try {
                return Optional.of(UserSig.decode(sig));
            } catch (UserSigException e) {
                return Optional.empty();
            }
        }

        private static void printFields(PrintWriter out, UserSigFields fields) {
            out.println("  TLS.ver         " + fields.version());
            out.println("  TLS.identifier  " + fields.identifier());
            out.println("  TLS.sdkappid    " + fields.sdkAppId());
            out.println("  TLS.time        " + fields.time() + " (" + Instant.ofEpochSecond(fields.time()) + ")");
            out.println("  TLS.expire      " + fields.expire() + " (until " + fields.expiresAt() + ")");
            fields.userbuf().ifPresent(buf -> out.println("  TLS.userbuf     " + buf));
        }

        private static void printPrivateMapKey(PrintWriter out, PrivateMapKey key) {
            out.println("  room            " + key.strRoomId().map(s -> "strRoomID " + s)
                    .orElse("roomID " + key.roomId()));
            out.println("  privileges      " + key.privileges() + " (" + key.privileges().bits() + ")");
            out.println("  valid until     " + Instant.ofEpochSecond(key.expireAtEpochSeconds()));
        }
    }

    /** Parses {@code 3600}, {@code 90s}, {@code 30m}, {@code 12h} or {@code 7d} into seconds. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
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
            try {
                long amount = Long.parseLong(text);
                if (amount <= 0) {
                    throw new CommandLine.TypeConversionException("'" + value + "' must be positive");
                }
                return Math.multiplyExact(amount, unit);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration: use seconds or a unit s, m, h or d");
            }
        }
    }
}

package io.lianmai.server.cli;

import io.lianmai.auth.PlaybackSignature;
import io.lianmai.common.LiveStreamName;
import io.lianmai.common.SdkAppId;
import io.lianmai.server.config.LianmaiConfig;
import io.lianmai.server.live.LiveEndpoints;
import io.lianmai.server.live.PlaybackUrls;
import io.lianmai.store.App;
import io.lianmai.store.AppStore;
import io.lianmai.store.JdbcAppStore;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lianmai live sign}: signed live playback URLs (Tencent CSS hotlink protection) for operators and tests. */
@Command(name = "live", mixinStandardHelpOptions = true,
        description = "Live output: sign playback URLs.",
        subcommands = {LiveCommand.Sign.class})
final class LiveCommand implements Runnable {
    @ParentCommand
    LianmaiCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "live needs a subcommand: sign");
    }

    /** {@code lianmai live sign --sdkappid ID --stream NAME [--expire SECONDS]}. */
    @Command(name = "sign", mixinStandardHelpOptions = true,
            description = "Print the signed HTTP-FLV, HLS and RTMP play URLs of a stream, one per line "
                    + "(?txSecret=…&txTime=…, signed with the app's play key).")
    static final class Sign implements Callable<Integer> {
        @ParentCommand
        LiveCommand parent;

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions configOptions;

        @Option(names = "--sdkappid", required = true, paramLabel = "SDKAPPID", converter = SdkAppIdConverter.class,
                description = "The app's SDKAppID.")
        SdkAppId appId;

        @Option(names = "--stream", required = true, paramLabel = "NAME",
                description = "The stream: {sdkAppID}_{roomID}_{userID}_main (or _aux).")
        String stream;

        @Option(names = "--expire", paramLabel = "DURATION", converter = UserSigCommand.DurationConverter.class,
                description = "Validity: seconds, or with a unit (90s, 30m, 12h, 7d). "
                        + "Default: live.signedUrlSeconds (6h).")
        Long expireSeconds;

        @Override
        public Integer call() {
            LiveStreamName name;
            try {
                // The server's parser, so that no URL is signed for a stream the server would refuse.
                name = LiveStreamName.parse(stream);
            } catch (IllegalArgumentException e) {
                // "stream name must be …: what is wrong" becomes "--stream must be …: what is wrong".
                throw new CommandLine.ParameterException(spec.commandLine(), "--stream "
                        + e.getMessage().replaceFirst("^stream name ", "") + " (e.g. " + appId + "_1234_alice_main)");
            }
            if (!name.app().equals(appId)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--stream " + stream
                        + " belongs to SDKAppID " + name.app() + ", not " + appId);
            }
            LianmaiConfig config = configOptions.load(parent.root.context(), Map.of());
            App app;
            try (AppStore store = JdbcAppStore.open(config.store(), parent.root.context().clock())) {
                app = store.find(appId).orElseThrow(() -> new CommandFailure(
                        "no app with SDKAppID " + appId + " in the registry (./lianmai app list)"));
            }
            long seconds = expireSeconds != null ? expireSeconds : config.live().signedUrlLifetime().toSeconds();
            Instant expiry = parent.root.context().clock().instant().plusSeconds(seconds);
            String query = "?" + PlaybackSignature.sign(app.playKey(), stream, expiry).query();
            int rtmpPort = config.rtmp().enabled() ? config.rtmp().port() : -1;
            LiveEndpoints.Bases bases = new LiveEndpoints(config.http().publicUrl(), () -> rtmpPort,
                    PlaybackUrls.NONE).forAuthority(false, "localhost:" + config.http().port());
            PrintWriter out = spec.commandLine().getOut();
            out.println(bases.flv() + "/" + stream + ".flv" + query);
            out.println(bases.flv() + "/" + stream + ".m3u8" + query);
            bases.rtmp().ifPresent(rtmp -> out.println(rtmp + "/" + stream + query));
            out.flush();
            if (app.publicPlayback()) {
                spec.commandLine().getErr().println("note: app " + appId + " serves playback publicly: the "
                        + "signature is not needed");
            }
            if (bases.rtmp().isEmpty()) {
                spec.commandLine().getErr().println("note: RTMP is off (rtmp.port -1): no RTMP play URL");
            }
            spec.commandLine().getErr().flush();
            return 0;
        }
    }
}

package io.lianmai.server.cli;

import ch.qos.logback.classic.LoggerContext;
import io.lianmai.server.LianmaiServer;
import io.lianmai.server.Version;
import io.lianmai.server.config.ConfigKey;
import io.lianmai.server.config.LianmaiConfig;
import io.lianmai.store.App;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lianmai serve}: runs the server until the process is stopped (Ctrl-C or SIGTERM). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the Lianmai server with embedded defaults (data in ./data, H2 database, one node).")
final class ServeCommand implements Callable<Integer> {

    @ParentCommand
    LianmaiCommand root;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--http-host", paramLabel = "ADDRESS", description = "Same as --set http.host=ADDRESS.")
    String httpHost;

    @Option(names = "--http-port", paramLabel = "PORT", description = "Same as --set http.port=PORT.")
    String httpPort;

    @Option(names = "--public-url", paramLabel = "URL", description = "Same as --set http.publicUrl=URL.")
    String publicUrl;

    @Option(names = "--public-ip", paramLabel = "IP[,IP…]",
            description = "Same as --set media.publicIp=IP: addresses clients reach the media port at.")
    String publicIp;

    @Option(names = "--media-port", paramLabel = "PORT",
            description = "Same as --set media.udpPort=PORT --set media.tcpPort=PORT.")
    String mediaPort;

    @Option(names = "--dev", description = "Development mode: serve GET /api/dev/usersig so the demo pages can "
            + "sign UserSigs themselves (same as --set dev.userSigEndpoint=true). Never in production.")
    boolean dev;

    @Option(names = "--cluster", paramLabel = "REDIS_URI", description = "Join the cluster whose nodes share this "
            + "Redis server, e.g. redis://10.0.0.5:6379 (same as --set cluster.redis=REDIS_URI; needs cluster.secret "
            + "and a shared PostgreSQL store.jdbcUrl; docs/cluster.md).")
    String cluster;

    @Override
    public Integer call() throws InterruptedException {
        Map<ConfigKey, String> extra = new EnumMap<>(ConfigKey.class);
        if (httpHost != null) {
            extra.put(ConfigKey.HTTP_HOST, httpHost);
        }
        if (httpPort != null) {
            extra.put(ConfigKey.HTTP_PORT, httpPort);
        }
        if (publicUrl != null) {
            extra.put(ConfigKey.HTTP_PUBLIC_URL, publicUrl);
        }
        if (publicIp != null) {
            extra.put(ConfigKey.MEDIA_PUBLIC_IP, publicIp);
        }
        if (cluster != null) {
            extra.put(ConfigKey.CLUSTER_REDIS, cluster);
        }
        if (dev) {
            extra.put(ConfigKey.DEV_USERSIG_ENDPOINT, "true");
        }
        if (mediaPort != null) {
            extra.put(ConfigKey.MEDIA_UDP_PORT, mediaPort);
            extra.put(ConfigKey.MEDIA_TCP_PORT, mediaPort);
        }
        LianmaiConfig config = configOptions.load(root.context(), extra);
        LianmaiServer server = LianmaiServer.start(config, root.context().clock());
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM or Ctrl-C: members are told why, sessions end, codecs are freed (LianmaiServer.close), then the
        // log is flushed and closed so that its last line, "stopped", is written. Java exits with 143 after SIGTERM.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } finally {
                stopped.countDown();
                stopLogging();
            }
        }, "lianmai-shutdown"));
        printWelcome(spec.commandLine().getOut(), server);
        stopped.await();
        return 0;
    }

    /** Flushes and closes every log appender (a file appender would otherwise lose its buffered tail). */
    private static void stopLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.stop();
        }
    }

    /** The first thing a newcomer reads: where to go, and on first run the app they need to sign UserSigs. */
    private static void printWelcome(PrintWriter out, LianmaiServer server) {
        String url = server.baseUrl();
        out.println("Lianmai " + Version.current() + " is running.");
        out.println("  URL        " + url);
        out.println("  Health     " + url + "healthz");
        out.println("  Media      UDP " + server.media().udpPort() + ", TCP " + server.media().tcpPort()
                + " at " + String.join(", ", server.config().media().candidateAddresses()));
        if (server.live().rtmpPort() >= 0) {
            out.println("  RTMP       rtmp://<host>:" + server.live().rtmpPort()
                    + "/live/{sdkAppID}_{roomID}_{userID}_main?usersig=…");
            out.println("  Live       " + url + "live/{stream}.flv, " + url + "live/{stream}.m3u8, rtmp://<host>:"
                    + server.live().rtmpPort() + "/live/{stream}  (RTMP members and WebRTC members alike)");
        }
        out.println("  Data       " + server.config().dataDir()
                + (server.config().store().jdbcUrl().isPresent() ? " (apps in the configured database)"
                        : " (embedded H2 database)"));
        if (server.createdDefaultApp().isPresent()) {
            App app = server.createdDefaultApp().get();
            out.println();
            out.println("First run: created the default app \"" + app.name() + "\".");
            out.println("  SDKAppID   " + app.sdkAppId());
            out.println("  SecretKey  " + app.secretKey());
            out.println("  Keep the key secret: sign UserSigs with it on your backend, for example");
            out.println("  ./lianmai usersig gen --from-app --sdkappid " + app.sdkAppId() + " --userid alice");
        } else {
            out.println("  Apps       " + server.apps().count() + " (./lianmai app list shows them)");
        }
        out.println();
        if (server.createdDefaultApp().isPresent()) {
            App app = server.createdDefaultApp().get();
            // The fragment never reaches the server: the demo page keeps the key in the tab and signs test
            // UserSigs itself, as TRTC's GenerateTestUserSig does.
            out.println("Try it: open this in two browser tabs and enter the same room number");
            out.println("  " + url + "#sdkAppID=" + app.sdkAppId() + "&secretKey=" + app.secretKey());
            out.println("  (the page signs test UserSigs with the key in the URL; real apps sign on their backend)");
        } else if (server.config().apps().devUserSigEndpoint()) {
            out.println("Demo       " + url + " (development mode: " + url + "api/dev/usersig signs UserSigs; "
                    + "never expose it to the Internet)");
        } else {
            out.println("Demo       " + url + " needs UserSigs: restart with --dev, or open "
                    + url + "#sdkAppID=…&secretKey=… (see ./lianmai app list --show-keys)");
        }
        out.println("Press Ctrl-C to stop.");
        out.flush();
    }
}

package io.lianmai.bench.live;

import io.lianmai.auth.PlaybackSignature;
import io.lianmai.auth.UserSigSigner;
import io.lianmai.common.SdkAppId;
import io.lianmai.server.LianmaiServer;
import io.lianmai.server.config.ConfigLoader;
import io.lianmai.store.App;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Lianmai node the benchmark measures: one started in this JVM on loopback (free ports, a fresh data directory,
 * its default app), or one already running, named by its HTTP base URL, RTMP port and an app's id and secret.
 */
final class LiveTarget implements AutoCloseable {
    private static final long USER_SIG_SECONDS = 3600;

    private final URI http;
    private final String rtmpHost;
    private final int rtmpPort;
    private final SdkAppId sdkAppId;
    private final UserSigSigner signer;
    private final LianmaiServer server;
    private final Path dataDir;
    /** Signs FLV URLs when known (a node started here); a remote node's app must have public playback. */
    private final String playKey;

    private LiveTarget(URI http, String rtmpHost, int rtmpPort, SdkAppId sdkAppId, String secretKey, LianmaiServer server,
            Path dataDir, String playKey) {
        this.playKey = playKey;
        this.http = http;
        this.rtmpHost = rtmpHost;
        this.rtmpPort = rtmpPort;
        this.sdkAppId = sdkAppId;
        this.signer = new UserSigSigner(sdkAppId, secretKey, Clock.systemUTC());
        this.server = server;
        this.dataDir = dataDir;
    }

    /** Starts a node in this JVM, listening on 127.0.0.1 only, as the end-to-end tests' {@code TestServer} does. */
    static LiveTarget inProcess() {
        Path dir;
        try {
            dir = Files.createTempDirectory("lianmai-latency");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> flags = new HashMap<>(Map.of("http.port", "0", "http.host", "127.0.0.1",
                "media.host", "127.0.0.1", "media.udpPort", "0", "media.tcpPort", "0",
                "media.publicIp", "127.0.0.1", "rtmp.host", "127.0.0.1", "rtmp.port", "0"));
        LianmaiServer server = LianmaiServer.start(new ConfigLoader(Map.of(), dir).load(Optional.empty(), flags),
                Clock.systemUTC());
        App app = server.createdDefaultApp().orElseThrow(() -> new IllegalStateException(
                "the fresh node created no default app"));
        return new LiveTarget(URI.create("http://127.0.0.1:" + server.httpPort()), "127.0.0.1",
                server.live().rtmpPort(), app.sdkAppId(), app.secretKey(), server, dir, app.playKey());
    }

    /**
     * A node already running: {@code http} is its base URL ({@code http://host:port}). Its FLV output is played
     * unsigned, so the app needs public playback ({@code lianmai app set --public-playback true}).
     */
    static LiveTarget remote(URI http, int rtmpPort, SdkAppId sdkAppId, String secretKey) {
        return new LiveTarget(http, http.getHost(), rtmpPort, sdkAppId, secretKey, null, null, null);
    }

    /** The anchor's publish URL: {@code rtmp://host:port/live/{sdkAppID}_{roomID}_{userID}_main?usersig=…}. */
    String rtmpPublishUrl(long roomId, String userId) {
        return "rtmp://" + rtmpHost + ":" + rtmpPort + "/live/" + streamName(roomId, userId) + "?usersig="
                + URLEncoder.encode(userSig(userId), StandardCharsets.UTF_8);
    }

    /** The CDN stream name of a room member's main stream. */
    String streamName(long roomId, String userId) {
        return sdkAppId + "_" + roomId + "_" + userId + "_main";
    }

    /** {@code GET /live/{stream}.flv} with {@code query} (null for none). */
    URI flvUrl(String stream, String query) {
        String signed = playKey == null ? null
                : PlaybackSignature.sign(playKey, stream, Instant.now().plus(Duration.ofHours(1))).query();
        String all = signed == null ? query : query == null ? signed : query + "&" + signed;
        return http.resolve("/live/" + stream + ".flv" + (all == null ? "" : "?" + all));
    }

    /** The WHEP endpoint playing {@code publisher}'s main stream in the room as {@code viewer}. */
    URI whepUrl(long roomId, String viewer, String publisher) {
        return http.resolve("/whep?sdkAppID=" + sdkAppId + "&roomID=" + roomId + "&userID=" + viewer
                + "&streamID=" + publisher + "_main");
    }

    /** The player page of the node's web folder for the same stream, for a browser. */
    URI whepPageUrl(long roomId, String viewer, String publisher) {
        return http.resolve("/whep.html?sdkAppID=" + sdkAppId + "&roomID=" + roomId + "&userID=" + viewer
                + "&streamID=" + publisher + "_main&userSig=" + URLEncoder.encode(userSig(viewer),
                        StandardCharsets.UTF_8));
    }

    String userSig(String userId) {
        return signer.genUserSig(userId, USER_SIG_SECONDS);
    }

    String rtmpHost() {
        return rtmpHost;
    }

    int rtmpPort() {
        return rtmpPort;
    }

    /** Whether the node runs in this JVM (and shares its cores with the clients). */
    boolean isInProcess() {
        return server != null;
    }

    @Override
    public void close() {
        if (server == null) {
            return;
        }
        server.close();
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}

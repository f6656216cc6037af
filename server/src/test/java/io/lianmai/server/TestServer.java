package io.lianmai.server;

import io.lianmai.auth.PlaybackSignature;
import io.lianmai.auth.UserSigSigner;
import io.lianmai.server.LianmaiServer;
import io.lianmai.server.config.ConfigLoader;
import io.lianmai.store.App;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A whole Lianmai node for end-to-end tests: loopback only, free ports, a fresh data directory, its default app
 * and a signer for that app's UserSigs.
 */
public final class TestServer implements AutoCloseable {
    private final LianmaiServer server;
    private final App app;
    private final UserSigSigner signer;

    private TestServer(LianmaiServer server) {
        this.server = server;
        this.app = server.createdDefaultApp().orElseThrow();
        this.signer = new UserSigSigner(app.sdkAppId(), app.secretKey(), Clock.systemUTC());
    }

    /** Starts a node; {@code overrides} are configuration keys on top of the loopback defaults. */
    public static TestServer start(Map<String, String> overrides) {
        Path dir;
        try {
            dir = Files.createTempDirectory("lianmai-it");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> flags = new HashMap<>(Map.of("http.port", "0", "http.host", "127.0.0.1",
                "media.host", "127.0.0.1", "media.udpPort", "0", "media.tcpPort", "0",
                "media.publicIp", "127.0.0.1", "rtmp.host", "127.0.0.1", "rtmp.port", "0"));
        flags.putAll(overrides);
        return new TestServer(LianmaiServer.start(new ConfigLoader(Map.of(), dir).load(Optional.empty(), flags),
                Clock.systemUTC()));
    }

    public static TestServer start() {
        return start(Map.of());
    }

    public LianmaiServer server() {
        return server;
    }

    public long sdkAppId() {
        return app.sdkAppId();
    }

    /** A UserSig of the default app for {@code userId}, valid for an hour. */
    public String userSig(String userId) {
        return signer.genUserSig(userId, 3600);
    }

    public UserSigSigner signer() {
        return signer;
    }

    /** The default app as created (its keys included). */
    public App app() {
        return app;
    }

    /** {@code txSecret=…&txTime=…} for live output of {@code stream}, signed with the default app's play key. */
    public String playQuery(String stream) {
        return PlaybackSignature.sign(app.playKey(), stream, Instant.now().plusSeconds(3600)).query();
    }

    /**
     * A signed live output URL: {@code file} is {@code {stream}.flv} or {@code {stream}.m3u8}; {@code extraQuery}
     * (e.g. {@code lowlatency=1}) is added when not empty.
     */
    public URI signedLive(String file, String extraQuery) {
        String stream = file.substring(0, file.lastIndexOf('.'));
        return url("/live/" + file + "?" + playQuery(stream) + (extraQuery.isEmpty() ? "" : "&" + extraQuery));
    }

    /** A signed live output URL ({@code {stream}.flv} or {@code {stream}.m3u8}). */
    public URI signedLive(String file) {
        return signedLive(file, "");
    }

    /** A signed RTMP play URL of {@code stream}. */
    public String signedRtmp(String stream) {
        return "rtmp://127.0.0.1:" + server.live().rtmpPort() + "/live/" + stream + "?" + playQuery(stream);
    }

    /** {@code http://127.0.0.1:port} + {@code pathAndQuery}. */
    public URI url(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.httpPort() + pathAndQuery);
    }

    /**
     * A WHIP or WHEP endpoint of the default app.
     *
     * @param room {@code roomID=…} or {@code strRoomID=…}
     * @param streamId the stream to play (WHEP), or null
     */
    public URI endpoint(String kind, String room, String userId, String streamId) {
        return url("/" + kind + "?sdkAppID=" + app.sdkAppId() + "&" + room + "&userID=" + userId
                + (streamId == null ? "" : "&streamID=" + streamId));
    }

    @Override
    public void close() {
        server.close();
    }
}

package io.lianmai.server;

import io.lianmai.auth.PlaybackSignature;
import io.lianmai.auth.UserSigSigner;
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
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A whole Lianmai node for end-to-end tests: loopback only, free ports, a fresh data directory, its default app
 * and a signer for that app's UserSigs.
 *
 * <p>Either started at once ({@link #start}, closed by the caller), or a JUnit fixture ({@link #fixture}) that the
 * test's lifecycle starts and closes: on a {@code static} {@code @RegisterExtension} field one node serves the whole
 * class (started before the class's own {@code @BeforeAll} methods run), on an instance field each test gets its own.
 */
public final class TestServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    private final Map<String, String> overrides;
    private Node node;
    private boolean startedForOneTest;

    /** What a started node is made of. */
    private record Node(LianmaiServer server, App app, UserSigSigner signer) {
    }

    private TestServer(Map<String, String> overrides) {
        this.overrides = Map.copyOf(overrides);
    }

    /** Starts a node; {@code overrides} are configuration keys on top of the loopback defaults. */
    public static TestServer start(Map<String, String> overrides) {
        TestServer server = new TestServer(overrides);
        server.boot();
        return server;
    }

    public static TestServer start() {
        return start(Map.of());
    }

    /**
     * A node that JUnit starts and stops (register it with {@code @RegisterExtension}); {@code overrides} are
     * configuration keys on top of the loopback defaults.
     */
    public static TestServer fixture(Map<String, String> overrides) {
        return new TestServer(overrides);
    }

    /** {@link #fixture} with the loopback defaults only. */
    public static TestServer fixture() {
        return fixture(Map.of());
    }

    private void boot() {
        Path dir;
        try {
            dir = Files.createTempDirectory("lianmai-it");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> flags = new HashMap<>(Map.of("http.port", "0", "http.host", "127.0.0.1",
                "media.host", "127.0.0.1", "media.udpPort", "0", "media.tcpPort", "0",
                "media.publicIp", "127.0.0.1", "rtmp.host", "127.0.0.1", "rtmp.port", "0"));
        // Every test client is 127.0.0.1, and API tests call faster than a backend does: the address rate of the
        // server API would refuse some of them. ApiFloodIT, which tests that rate, sets its own.
        flags.put("api.requestsPerSecondPerIp", "100000");
        flags.put("api.burstPerIp", "100000");
        flags.putAll(overrides);
        LianmaiServer server = LianmaiServer.start(new ConfigLoader(Map.of(), dir).load(Optional.empty(), flags),
                Clock.systemUTC());
        App app = server.createdDefaultApp().orElseThrow();
        node = new Node(server, app, new UserSigSigner(app.sdkAppId(), app.secretKey(), Clock.systemUTC()));
    }

    private Node node() {
        if (node == null) {
            throw new IllegalStateException("the test server is not running: register the fixture with "
                    + "@RegisterExtension, or use TestServer.start");
        }
        return node;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (node == null) {
            boot();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (node == null) {
            boot();
            startedForOneTest = true;
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (startedForOneTest) {
            startedForOneTest = false;
            close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    public LianmaiServer server() {
        return node().server();
    }

    public long sdkAppId() {
        return node().app().sdkAppId().value();
    }

    /** A UserSig of the default app for {@code userId}, valid for an hour. */
    public String userSig(String userId) {
        return node().signer().genUserSig(userId, 3600);
    }

    public UserSigSigner signer() {
        return node().signer();
    }

    /** The default app as created (its keys included). */
    public App app() {
        return node().app();
    }

    /** {@code txSecret=…&txTime=…} for live output of {@code stream}, signed with the default app's play key. */
    public String playQuery(String stream) {
        return PlaybackSignature.sign(app().playKey(), stream, Instant.now().plusSeconds(3600)).query();
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
        return "rtmp://127.0.0.1:" + server().live().rtmpPort() + "/live/" + stream + "?" + playQuery(stream);
    }

    /** {@code http://127.0.0.1:port} + {@code pathAndQuery}. */
    public URI url(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server().httpPort() + pathAndQuery);
    }

    /**
     * A WHIP or WHEP endpoint of the default app.
     *
     * @param room {@code roomID=…} or {@code strRoomID=…}
     * @param streamId the stream to play (WHEP), or null
     */
    public URI endpoint(String kind, String room, String userId, String streamId) {
        return url("/" + kind + "?sdkAppID=" + sdkAppId() + "&" + room + "&userID=" + userId
                + (streamId == null ? "" : "&streamID=" + streamId));
    }

    @Override
    public void close() {
        if (node != null) {
            node.server().close();
            node = null;
        }
    }
}

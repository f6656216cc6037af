package io.lianmai.server;

import io.lianmai.testkit.HeadlessFirefox;
import io.lianmai.testkit.NetworkNamespace;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link TestServer} for tests with Firefox, and the network namespace Firefox runs in (Firefox's ICE offers no
 * loopback candidate: see {@link HeadlessFirefox}). The server's media listen on the namespace's veth host end, its
 * HTTP on 127.0.0.1 as always (carried into the namespace). Register it on a {@code static} field with
 * {@code @RegisterExtension}: one namespace and one node serve the class, both gone when it ends; without root the
 * class is skipped loudly (failed under CI).
 */
public final class FirefoxFixture implements BeforeAllCallback, AfterAllCallback {
    private NetworkNamespace network;
    private TestServer server;

    @Override
    public void beforeAll(ExtensionContext context) {
        network = NetworkNamespace.create("ff");
        server = TestServer.start(Map.of("media.host", network.hostAddress(), "media.publicIp", network.hostAddress()));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (network != null) {
                network.close();
            }
        }
    }

    public TestServer server() {
        if (server == null) {
            throw new IllegalStateException("register FirefoxFixture with @RegisterExtension on a static field");
        }
        return server;
    }

    /** A new headless Firefox in the namespace, the server's HTTP port reachable there at 127.0.0.1. */
    public HeadlessFirefox firefox() {
        return HeadlessFirefox.start(network, server().server().httpPort());
    }
}

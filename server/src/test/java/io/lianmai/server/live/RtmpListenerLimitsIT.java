package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.live.amf.Amf0Null;
import io.lianmai.live.amf.Amf0String;
import io.lianmai.live.amf.Amf0Object;
import io.lianmai.server.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12 finding 5, RTMP: connections that never finish the handshake or never get authorised are closed after
 * {@code rtmp.handshakeTimeoutSeconds}; a silent publisher after {@code rtmp.idleTimeoutSeconds}; before
 * authorisation a client cannot make the server buffer more than {@code rtmp.preAuthMaxBytes}; after it, messages
 * are capped at {@code rtmp.maxMessageBytes}; and one address holds at most {@code rtmp.maxConnectionsPerIp}.
 */
class RtmpListenerLimitsIT {
    @RegisterExtension
    private static final TestServer server = TestServer.fixture(Map.of("rtmp.handshakeTimeoutSeconds", "2",
            "rtmp.idleTimeoutSeconds", "2", "rtmp.preAuthMaxBytes", "4096", "rtmp.maxMessageBytes", "65536",
            "rtmp.maxConnectionsPerIp", "4"));
    private static int port;

    @BeforeAll
    static void start() {
        port = server.server().live().rtmpPort();
    }

    @Test
    void aPartialHandshakeIsClosedAfterTheTimeout() throws Exception {
        try (RawRtmpClient peer = RawRtmpClient.connect(port)) {
            byte[] partial = new byte[200];
            partial[0] = 3;
            peer.sendRaw(partial);
            long start = System.nanoTime();
            // Keep trickling bytes so the idle timeout alone would never fire; the handshake deadline must.
            boolean closed = false;
            for (int i = 0; i < 16 && !closed; i++) {
                try {
                    peer.sendRaw(new byte[1]);
                } catch (java.io.IOException e) {
                    closed = true;
                    break;
                }
                closed = peer.awaitClosed(1);
            }
            assertThat(closed).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(1000L, 6000L);
        }
    }

    @Test
    void aConnectionThatIsNeverAuthorisedIsClosedAfterTheTimeout() throws Exception {
        try (RawRtmpClient peer = RawRtmpClient.connect(port).handshake()) {
            peer.connectAndCreateStream("live");
            long start = System.nanoTime();
            boolean closed = false;
            for (int i = 0; i < 16 && !closed; i++) {
                try {
                    peer.command(0, "_checkbw", Amf0Null.INSTANCE); // keeps it from being idle
                } catch (java.io.IOException e) {
                    closed = true;
                    break;
                }
                closed = peer.awaitClosed(1);
            }
            assertThat(closed).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(6000L);
        }
    }

    @Test
    void beforeAuthorisationAHugeChunkSizeOrMessageClosesTheConnectionAtOnce() throws Exception {
        // Set Chunk Size 16 MiB - 1 on chunk stream 2 (type 0 header, 4-byte payload).
        try (RawRtmpClient peer = RawRtmpClient.connect(port).handshake()) {
            peer.sendRaw(new byte[] {0x02, 0, 0, 0, 0, 0, 4, 0x01, 0, 0, 0, 0, 0x00, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF});
            assertThat(peer.awaitClosed(1)).as("closed after Set Chunk Size 16 MiB").isTrue();
        }
        // A video message declared 16 MiB long (type 0 header on chunk stream 6), its first 128 bytes sent.
        try (RawRtmpClient peer = RawRtmpClient.connect(port).handshake()) {
            byte[] header = {0x06, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 9, 1, 0, 0, 0};
            peer.sendRaw(header);
            peer.sendRaw(new byte[128]);
            assertThat(peer.awaitClosed(1)).as("closed after a 16 MiB message header").isTrue();
        }
        // Within the budget the connection lives on.
        try (RawRtmpClient peer = RawRtmpClient.connect(port).handshake()) {
            peer.connectAndCreateStream("live");
            assertThat(peer.awaitClosed(1)).isFalse();
        }
    }

    @Test
    void anAuthorisedPublisherIsCappedAtTheMessageLimitAndClosedWhenSilent() throws Exception {
        try (RawRtmpClient peer = publisher("8101")) {
            // A message above rtmp.maxMessageBytes (64 KiB) is refused even after authorisation.
            peer.sendRaw(new byte[] {0x06, 0, 0, 0, 0x02, 0, 0, 9, 1, 0, 0, 0});
            peer.sendRaw(new byte[4096]);
            assertThat(peer.awaitClosed(1)).isTrue();
        }
        try (RawRtmpClient peer = publisher("8102")) {
            long start = System.nanoTime();
            assertThat(peer.awaitClosed(8)).as("silent publisher closed").isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(1000L, 6000L);
        }
    }

    @Test
    void oneAddressHoldsAtMostTheConfiguredConnections() throws Exception {
        Thread.sleep(500); // connections of the other tests are closed on the server's side too
        List<RawRtmpClient> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                held.add(RawRtmpClient.connect(port).handshake());
            }
            try (RawRtmpClient extra = RawRtmpClient.connect(port)) {
                assertThat(extra.awaitClosed(2)).as("the 5th connection from one address is closed").isTrue();
            }
            // The others are untouched.
            for (RawRtmpClient peer : held) {
                peer.connectAndCreateStream("live");
            }
        } finally {
            for (RawRtmpClient peer : held) {
                peer.close();
            }
        }
        // Once they closed, the address may connect again.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try (RawRtmpClient again = RawRtmpClient.connect(port).handshake()) {
                again.connectAndCreateStream("live");
                break;
            } catch (java.io.IOException | AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** A raw connection authorised to publish {@code {sdkAppID}_{room}_anchor_main}. */
    private static RawRtmpClient publisher(String room) throws Exception {
        RawRtmpClient peer = RawRtmpClient.connect(port).handshake();
        int stream = peer.connectAndCreateStream("live");
        String name = server.sdkAppId() + "_" + room + "_anchor_main?usersig="
                + URLEncoder.encode(server.userSig("anchor"), StandardCharsets.UTF_8);
        peer.command(stream, "publish", Amf0Null.INSTANCE, new Amf0String(name), new Amf0String("live"));
        Amf0Object status = peer.awaitStatus(5);
        assertThat(status.toString()).contains("NetStream.Publish.Start");
        return peer;
    }
}

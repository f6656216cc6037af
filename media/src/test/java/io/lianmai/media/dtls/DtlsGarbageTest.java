package io.lianmai.media.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random bytes handed to {@link DtlsSession#onDatagram} before and after the handshake never throw, and do not
 * end a connected session.
 */
class DtlsGarbageTest {
    private static ExecutorService executor;
    private static DtlsPair connected;

    @BeforeContainer
    static void connect() throws Exception {
        executor = Executors.newFixedThreadPool(4);
        connected = new DtlsPair(executor, DtlsConfig.DEFAULT, DtlsConfig.DEFAULT, null);
        connected.start();
        connected.serverEvents.awaitConnected();
        connected.clientEvents.awaitConnected();
    }

    @AfterContainer
    static void stop() {
        executor.shutdownNow();
    }

    @Property(tries = 1000)
    void garbageBeforeTheHandshakeIsQueuedOrDropped(@ForAll @Size(max = 3000) byte[] bytes,
            @ForAll @IntRange(min = -2, max = 3000) int off, @ForAll @IntRange(min = -2, max = 3000) int len) {
        DtlsServerSession session = connected.serverContext.newServerSession(
                connected.clientContext.certificate().fingerprint(), (buf, o, l) -> { }, new RecordingListener());

        session.onDatagram(bytes, off, len);
        session.onDatagram(bytes, 0, bytes.length);

        assertThat(session.datagramsReceived() + session.datagramsDropped()).isEqualTo(2);
        session.close();
    }

    @Property(tries = 2000)
    void garbageAfterTheHandshakeLeavesTheSessionsConnected(@ForAll @Size(max = 1500) byte[] bytes,
            @ForAll boolean looksLikeDtls, @ForAll boolean toServer) {
        if (looksLikeDtls && bytes.length > 0) {
            bytes[0] = (byte) (20 + Math.floorMod(bytes[0], 44));
        }
        DtlsSession target = toServer ? connected.server : connected.client;

        target.onDatagram(bytes, 0, bytes.length);

        assertThat(connected.server.state()).isEqualTo(DtlsSession.State.CONNECTED);
        assertThat(connected.client.state()).isEqualTo(DtlsSession.State.CONNECTED);
        assertThat(connected.serverEvents.callbacks.get()).isEqualTo(1);
        assertThat(connected.clientEvents.callbacks.get()).isEqualTo(1);
    }
}

package io.lianmai.bench.media.dtls;

import io.lianmai.media.dtls.DtlsClientSession;
import io.lianmai.media.dtls.DtlsCloseReason;
import io.lianmai.media.dtls.DtlsContext;
import io.lianmai.media.dtls.DtlsException;
import io.lianmai.media.dtls.DtlsServerSession;
import io.lianmai.media.dtls.DtlsSession;
import io.lianmai.media.dtls.DtlsSessionListener;
import io.lianmai.media.dtls.DtlsSrtpKeyingMaterial;
import io.lianmai.media.srtp.SrtpProfile;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One DTLS-SRTP handshake between a {@link DtlsServerSession} and a {@link DtlsClientSession} joined by an
 * in-memory pipe: each side's {@link io.lianmai.media.dtls.DtlsSender} hands the datagram straight to the other
 * side's {@link DtlsSession#onDatagram}, which copies it into that session's queue. Nothing is lost or reordered,
 * so no retransmission timer fires unless a side stalls for a second.
 *
 * <p>{@link #run} starts both sessions, waits for both to report, and throws unless both connected and derived
 * the same SRTP keys: a benchmark that timed failing handshakes would report a fast number for nothing.
 * Listener calls come on the contexts' executor threads; {@link #run} reads what they recorded after the latch.
 */
final class PipedHandshake implements DtlsSessionListener {
    private final DtlsServerSession server;
    private final DtlsClientSession client;
    private final CountDownLatch reported = new CountDownLatch(2);
    private final AtomicInteger datagrams = new AtomicInteger();
    private final AtomicInteger octets = new AtomicInteger();
    private volatile DtlsException failure;

    PipedHandshake(DtlsContext serverContext, DtlsContext clientContext) {
        // Each side expects the other's certificate, as the SDP fingerprints would say.
        server = serverContext.newServerSession(clientContext.certificate().fingerprint(), this::toClient, this);
        client = clientContext.newClientSession(serverContext.certificate().fingerprint(), this::toServer, this);
    }

    /**
     * Runs the handshake to the end and returns the server's keys.
     *
     * @throws IllegalStateException if either side failed, did not finish within {@code timeoutMillis}, or the two
     *     sides' keys differ or are not of {@code expectedProfile}
     */
    DtlsSrtpKeyingMaterial run(long timeoutMillis, SrtpProfile expectedProfile) throws InterruptedException {
        server.start();
        client.start();
        if (!reported.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
            server.close();
            client.close();
            throw new IllegalStateException("the DTLS handshake did not finish within " + timeoutMillis
                    + " ms: server " + server.state() + ", client " + client.state() + ", " + datagrams
                    + " datagrams exchanged");
        }
        DtlsException failed = failure;
        if (failed != null) {
            throw new IllegalStateException("the DTLS handshake failed: " + failed.getMessage(), failed);
        }
        DtlsSrtpKeyingMaterial serverKeys = server.keys();
        DtlsSrtpKeyingMaterial clientKeys = client.keys();
        if (server.state() != DtlsSession.State.CONNECTED || client.state() != DtlsSession.State.CONNECTED
                || serverKeys == null || clientKeys == null) {
            throw new IllegalStateException("the DTLS handshake ended without keys: server " + server.state()
                    + ", client " + client.state());
        }
        if (serverKeys.profile() != expectedProfile || clientKeys.profile() != expectedProfile) {
            throw new IllegalStateException("the DTLS handshake negotiated " + serverKeys.profile().rfcName()
                    + " (server) and " + clientKeys.profile().rfcName() + " (client), expected "
                    + expectedProfile.rfcName());
        }
        if (!serverKeys.localIsServer() || clientKeys.localIsServer()
                || !serverKeys.clientWriteKey().equals(clientKeys.clientWriteKey())
                || !serverKeys.serverWriteKey().equals(clientKeys.serverWriteKey())
                || serverKeys.clientWriteKey().equals(serverKeys.serverWriteKey())) {
            throw new IllegalStateException("the two sides of the DTLS handshake exported different SRTP keys: "
                    + serverKeys + ", " + clientKeys);
        }
        return serverKeys;
    }

    /** Datagrams both sides sent. */
    int datagrams() {
        return datagrams.get();
    }

    /** DTLS bytes both sides sent (UDP payload). */
    int octets() {
        return octets.get();
    }

    private void toClient(byte[] buf, int off, int len) {
        datagrams.incrementAndGet();
        octets.addAndGet(len);
        client.onDatagram(buf, off, len);
    }

    private void toServer(byte[] buf, int off, int len) {
        datagrams.incrementAndGet();
        octets.addAndGet(len);
        server.onDatagram(buf, off, len);
    }

    @Override
    public void onDtlsConnected(DtlsSession session, DtlsSrtpKeyingMaterial keys) {
        reported.countDown();
    }

    @Override
    public void onDtlsFailed(DtlsSession session, DtlsException cause) {
        failure = cause;
        // Do not wait for the other side's verdict (an alert, or its own timeout): this handshake has failed.
        reported.countDown();
        reported.countDown();
    }

    @Override
    public void onDtlsClosed(DtlsSession session, DtlsCloseReason reason) {
        // The benchmark never closes a connected session: leaving is not part of joining.
    }
}

package io.lianmai.media.dtls;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A server and a client session joined by an in-memory pipe: each one's sender feeds the other's
 * {@link DtlsSession#onDatagram} through an optional {@link Tap} that may drop, duplicate or add datagrams.
 */
final class DtlsPair {
    /** Sees every datagram in flight; returns whether to deliver it. */
    interface Tap {
        boolean deliver(boolean fromServer, byte[] buf, int off, int len, DtlsSession to);
    }

    static final Clock CLOCK = Clock.systemUTC();
    static final SecureRandom RANDOM = new SecureRandom();

    final DtlsContext serverContext;
    final DtlsContext clientContext;
    final RecordingListener serverEvents = new RecordingListener();
    final RecordingListener clientEvents = new RecordingListener();
    final DtlsServerSession server;
    final DtlsClientSession client;

    DtlsPair(ExecutorService executor, DtlsConfig serverConfig, DtlsConfig clientConfig, Tap tap) {
        this(new DtlsContext(DtlsCertificate.generate(CLOCK, RANDOM), serverConfig, executor, CLOCK, RANDOM),
                new DtlsContext(DtlsCertificate.generate(CLOCK, RANDOM), clientConfig, executor, CLOCK, RANDOM),
                null, null, tap);
    }

    DtlsPair(DtlsContext serverContext, DtlsContext clientContext, DtlsFingerprint serverExpects,
            DtlsFingerprint clientExpects, Tap tap) {
        this.serverContext = serverContext;
        this.clientContext = clientContext;
        AtomicReference<DtlsSession> serverRef = new AtomicReference<>();
        AtomicReference<DtlsSession> clientRef = new AtomicReference<>();
        Tap through = tap == null ? (fromServer, buf, off, len, to) -> true : tap;
        server = serverContext.newServerSession(
                serverExpects != null ? serverExpects : clientContext.certificate().fingerprint(),
                (buf, off, len) -> {
                    DtlsSession to = clientRef.get();
                    if (through.deliver(true, buf, off, len, to)) {
                        to.onDatagram(buf, off, len);
                    }
                }, serverEvents);
        client = clientContext.newClientSession(
                clientExpects != null ? clientExpects : serverContext.certificate().fingerprint(),
                (buf, off, len) -> {
                    DtlsSession to = serverRef.get();
                    if (through.deliver(false, buf, off, len, to)) {
                        to.onDatagram(buf, off, len);
                    }
                }, clientEvents);
        serverRef.set(server);
        clientRef.set(client);
    }

    void start() {
        server.start();
        client.start();
    }
}

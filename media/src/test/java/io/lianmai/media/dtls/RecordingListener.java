package io.lianmai.media.dtls;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Captures a session's callbacks as futures, so tests wait with a deadline. */
final class RecordingListener implements DtlsSessionListener {
    static final long WAIT_SECONDS = 10;

    final CompletableFuture<DtlsSrtpKeyingMaterial> connected = new CompletableFuture<>();
    final CompletableFuture<DtlsException> failed = new CompletableFuture<>();
    final CompletableFuture<DtlsCloseReason> closed = new CompletableFuture<>();
    final AtomicInteger callbacks = new AtomicInteger();

    @Override
    public void onDtlsConnected(DtlsSession session, DtlsSrtpKeyingMaterial keys) {
        callbacks.incrementAndGet();
        connected.complete(keys);
    }

    @Override
    public void onDtlsFailed(DtlsSession session, DtlsException cause) {
        callbacks.incrementAndGet();
        failed.complete(cause);
    }

    @Override
    public void onDtlsClosed(DtlsSession session, DtlsCloseReason reason) {
        callbacks.incrementAndGet();
        closed.complete(reason);
    }

    DtlsSrtpKeyingMaterial awaitConnected() throws Exception {
        return connected.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    DtlsException awaitFailed() throws Exception {
        return failed.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    DtlsCloseReason awaitClosed() throws Exception {
        return closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
}

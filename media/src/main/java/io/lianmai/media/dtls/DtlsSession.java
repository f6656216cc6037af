package io.lianmai.media.dtls;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DTLS association with one remote peer, fed datagram by datagram: the transport passes every received DTLS
 * record to {@link #onDatagram} (RFC 7983: first byte 20..63) and the session sends through its
 * {@link DtlsSender}. {@link DtlsServerSession} is Lianmai's side of a browser session; {@link DtlsClientSession}
 * plays the browser in tests and load generation.
 *
 * <h2>Threads</h2>
 * BouncyCastle's DTLS API blocks, so the handshake runs as one task on the context's executor, taking datagrams
 * from a bounded queue (full: the datagram is dropped and counted) and giving up {@link DtlsConfig#handshakeTimeout()}
 * after the task began; that task holds a pool thread for at most that long. A client's task is queued by
 * {@link #start()}. A server's is queued only when its peer's first record (the ClientHello) arrives: a server has
 * nothing to do before, and a thread held waiting for a ClientHello that has not come (a client still queued behind
 * other handshakes on its own side, or one that never sends it) is a thread another session's arrived ClientHello
 * waits for — on a small pool, during a burst of joins, handshakes then timed out one after another. A server still
 * waiting for its ClientHello {@code handshakeTimeout} after {@link #start()} fails with
 * {@link DtlsException.Reason#TIMEOUT} without ever taking a thread (a JDK delayed task checks it). After the
 * handshake, queued datagrams (close_notify, alerts, retransmitted client flights BC answers by resending its
 * last flight, application data) are processed by short drain tasks on the same executor, one at a time.
 * {@link #onDatagram}, {@link #close()} and the getters may be called from any thread; they never block.
 * Listener callbacks come from the handshake or drain task, serially.
 *
 * <h2>Life</h2>
 * NEW → (start) HANDSHAKING → CONNECTED → CLOSED, or → FAILED from HANDSHAKING.
 */
public abstract sealed class DtlsSession permits DtlsServerSession, DtlsClientSession {
    private static final Logger log = LoggerFactory.getLogger(DtlsSession.class);

    /** Where a session is in its life. */
    public enum State {
        NEW, HANDSHAKING, CONNECTED, FAILED, CLOSED
    }

    private final DtlsContext context;
    private final DtlsFingerprint remoteFingerprint;
    private final DtlsSessionListener listener;
    private final QueueDatagramTransport transport;
    /** Records processed per drain task before it yields the thread and re-schedules itself. */
    private final int drainBudget;

    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    /** Set once, by whichever comes first: the handshake task queued, the wait for a ClientHello timed out, close. */
    private final AtomicBoolean handshakeClaimed = new AtomicBoolean();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicLong datagramsReceived = new AtomicLong();
    private final AtomicLong datagramsDropped = new AtomicLong();
    private final AtomicLong applicationRecords = new AtomicLong();
    private volatile boolean closeRequested;
    private volatile boolean remoteCloseNotify;
    private volatile DtlsException rejection;
    private volatile DtlsSrtpKeyingMaterial keys;
    // Written by the handshake task before `state` becomes CONNECTED, read by drain tasks after.
    private DTLSTransport connection;
    private byte[] applicationData;

    DtlsSession(DtlsContext context, DtlsFingerprint remoteFingerprint, DtlsSender sender,
            DtlsSessionListener listener) {
        this.context = context;
        this.remoteFingerprint = remoteFingerprint;
        this.listener = listener;
        DtlsConfig config = context.config();
        this.transport = new QueueDatagramTransport(config.receiveQueueCapacity(), sender, config.mtu(),
                context.clock(), config.handshakeTimeout().toMillis());
        this.drainBudget = 2 * config.receiveQueueCapacity() + 8;
    }

    /**
     * Whether {@code buf[off, off + len)} is a DTLS record by RFC 7983 §7's first-byte rule (20..63), as opposed
     * to STUN (0..3) or SRTP/SRTCP (128..191).
     */
    public static boolean isDtlsRecord(byte[] buf, int off, int len) {
        if (len < 1) {
            return false;
        }
        int first = buf[off] & 0xFF;
        return first >= 20 && first <= 63;
    }

    /**
     * Starts the handshake: a client's task is queued at once; a server's when the first record from its peer has
     * arrived (perhaps already), or it fails with {@link DtlsException.Reason#TIMEOUT} if none has within
     * {@link DtlsConfig#handshakeTimeout()}. Call once, when ICE has a working pair (or at once).
     */
    public final void start() {
        if (!state.compareAndSet(State.NEW, State.HANDSHAKING)) {
            throw new IllegalStateException("DTLS session already started or closed: " + state.get());
        }
        if (!isServer() || transport.hasQueued()) {
            scheduleHandshake();
            return;
        }
        long timeoutMillis = context.config().handshakeTimeout().toMillis();
        CompletableFuture.delayedExecutor(timeoutMillis, TimeUnit.MILLISECONDS, Runnable::run).execute(() -> {
            if (handshakeClaimed.compareAndSet(false, true)) {
                finishFailed(new DtlsException(DtlsException.Reason.TIMEOUT, "DTLS server handshake with "
                        + remoteFingerprint.toSdpValue() + " timed out: no ClientHello within " + timeoutMillis
                        + " ms"));
            }
        });
        if (transport.hasQueued()) {
            scheduleHandshake(); // a record that arrived while the timer was being set
        }
    }

    private void scheduleHandshake() {
        if (!handshakeClaimed.compareAndSet(false, true)) {
            return;
        }
        try {
            context.executor().execute(this::runHandshake);
        } catch (RejectedExecutionException e) {
            finishFailed(new DtlsException(DtlsException.Reason.INTERNAL_ERROR,
                    "the DTLS executor refused the handshake task", e));
        }
    }

    /**
     * Hands over one received DTLS datagram; the bytes are copied, so the caller keeps its buffer. Never blocks
     * and never throws for any content: a full queue or a dead session drops the datagram (counted).
     */
    public final void onDatagram(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len <= 0 || len > buf.length - off) {
            datagramsDropped.incrementAndGet();
            return;
        }
        State current = state.get();
        if (current == State.FAILED || current == State.CLOSED) {
            datagramsDropped.incrementAndGet();
            return;
        }
        datagramsReceived.incrementAndGet();
        if (!transport.offer(buf, off, len)) {
            datagramsDropped.incrementAndGet();
            return;
        }
        // Read the state after queuing: the handshake task queues a drain after it sets CONNECTED, and start() looks
        // at the queue after it sets HANDSHAKING, so one of the two always sees the datagram.
        switch (state.get()) {
            case CONNECTED -> scheduleDrain();
            case HANDSHAKING -> scheduleHandshake();
            default -> {
            }
        }
    }

    /**
     * Ends the session: a connected one sends close_notify and reports {@link DtlsCloseReason#LOCAL_CLOSE}; a
     * handshaking one stops and reports {@link DtlsException.Reason#CLOSED}; one never started reports nothing.
     * Idempotent, never blocks.
     */
    public final void close() {
        closeRequested = true;
        if (state.compareAndSet(State.NEW, State.CLOSED)) {
            transport.markClosed();
            return;
        }
        switch (state.get()) {
            case HANDSHAKING -> {
                transport.markClosed();
                if (handshakeClaimed.compareAndSet(false, true)) {
                    // No handshake task to notice the close: a server that never heard from its peer.
                    finishFailed(new DtlsException(DtlsException.Reason.CLOSED, "closed before the handshake began"));
                }
            }
            case CONNECTED -> scheduleDrain();
            default -> {
            }
        }
    }

    public final State state() {
        return state.get();
    }

    /** The fingerprint the remote's SDP announced; its certificate must match it. */
    public final DtlsFingerprint remoteFingerprint() {
        return remoteFingerprint;
    }

    /** The SRTP keys, once connected; null before. */
    public final DtlsSrtpKeyingMaterial keys() {
        return keys;
    }

    /** Datagrams handed to {@link #onDatagram} and queued. */
    public final long datagramsReceived() {
        return datagramsReceived.get();
    }

    /** Datagrams dropped: queue full, session over, or bad arguments. */
    public final long datagramsDropped() {
        return datagramsDropped.get();
    }

    /** Application data records received after the handshake. */
    public final long applicationRecords() {
        return applicationRecords.get();
    }

    /** True for the DTLS server side. */
    public abstract boolean isServer();

    /** Runs BouncyCastle's handshake over {@code transport}; blocks until done. */
    abstract DTLSTransport handshake(DtlsContext context, QueueDatagramTransport transport) throws IOException;

    /** Records why the peer is refused and returns the alert to abort the handshake with. */
    final TlsFatalAlert reject(DtlsException failure, short alertDescription) {
        rejection = failure;
        return new TlsFatalAlert(alertDescription, failure.getMessage());
    }

    final void onAlertReceived(short level, short description) {
        if (level == AlertLevel.warning && description == AlertDescription.close_notify) {
            remoteCloseNotify = true;
        }
    }

    final void onKeysExported(DtlsSrtpKeyingMaterial exported) {
        keys = exported;
    }

    private void runHandshake() {
        // The timeout counts from now: time queued behind other handshakes on a busy pool is not this peer's.
        transport.armDeadline();
        DTLSTransport established;
        try {
            established = handshake(context, transport);
        } catch (Exception e) {
            finishFailed(classify(e));
            return;
        }
        if (closeRequested) {
            closeQuietly(established);
            finishFailed(new DtlsException(DtlsException.Reason.CLOSED, "closed as the handshake completed"));
            return;
        }
        connection = established;
        applicationData = new byte[QueueDatagramTransport.RECEIVE_LIMIT];
        transport.startDraining();
        state.set(State.CONNECTED);
        log.debug("DTLS {} connected to {} with {}", role(), remoteFingerprint, keys.profile().rfcName());
        try {
            listener.onDtlsConnected(this, keys);
        } catch (RuntimeException e) {
            log.warn("DTLS listener failed in onDtlsConnected", e);
        }
        if (transport.hasQueued() || closeRequested) {
            scheduleDrain();
        }
    }

    private DtlsException classify(Exception e) {
        DtlsException refused = rejection;
        if (refused != null) {
            return refused;
        }
        if (closeRequested) {
            return new DtlsException(DtlsException.Reason.CLOSED, "closed before the handshake completed", e);
        }
        String peer = "DTLS " + role() + " handshake with " + remoteFingerprint.toSdpValue();
        if (e instanceof TlsTimeoutException) {
            return new DtlsException(DtlsException.Reason.TIMEOUT, peer + " timed out: " + e.getMessage(), e);
        }
        if (e instanceof TlsFatalAlertReceived received) {
            return new DtlsException(DtlsException.Reason.REMOTE_ALERT, peer + ": the peer sent fatal alert "
                    + AlertDescription.getText(received.getAlertDescription()), e);
        }
        if (e instanceof TlsFatalAlert alert) {
            return new DtlsException(DtlsException.Reason.PROTOCOL_ERROR, peer + " failed with alert "
                    + AlertDescription.getText(alert.getAlertDescription()) + ": " + alert.getMessage(), e);
        }
        return new DtlsException(DtlsException.Reason.INTERNAL_ERROR, peer + " failed: " + e, e);
    }

    private void finishFailed(DtlsException failure) {
        transport.markClosed();
        State previous = state.getAndSet(State.FAILED);
        if (previous == State.FAILED) {
            return;
        }
        log.debug("DTLS {} failed: {}", role(), failure.getMessage());
        try {
            listener.onDtlsFailed(this, failure);
        } catch (RuntimeException e) {
            log.warn("DTLS listener failed in onDtlsFailed", e);
        }
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                context.executor().execute(this::drain);
            } catch (RejectedExecutionException e) {
                drainScheduled.set(false);
                datagramsDropped.incrementAndGet();
            }
        }
    }

    /** Processes queued records after the handshake; bounded by {@link #drainBudget}, then re-schedules. */
    private void drain() {
        try {
            boolean more = true;
            for (int processed = 0; more && processed < drainBudget; processed++) {
                if (closeRequested) {
                    closeQuietly(connection);
                    endConnected(DtlsCloseReason.LOCAL_CLOSE);
                    return;
                }
                if (state.get() != State.CONNECTED) {
                    return;
                }
                int length = -1;
                try {
                    // waitMillis 1, not 0 (which means forever); the transport never actually waits now.
                    length = connection.receive(applicationData, 0, applicationData.length, 1);
                } catch (QueueDatagramTransport.QueueDrained drained) {
                    more = false;
                }
                if (remoteCloseNotify) {
                    // BC has answered with its own close_notify already (RFC 5246 §7.2.1).
                    endConnected(DtlsCloseReason.REMOTE_CLOSE_NOTIFY);
                    return;
                }
                if (length >= 0) {
                    applicationRecords.incrementAndGet();
                    try {
                        listener.onDtlsApplicationData(this, applicationData, 0, length);
                    } catch (RuntimeException e) {
                        log.warn("DTLS listener failed in onDtlsApplicationData", e);
                    }
                }
            }
        } catch (TlsFatalAlertReceived e) {
            endConnected(DtlsCloseReason.REMOTE_FATAL_ALERT);
        } catch (IOException | RuntimeException e) {
            log.debug("DTLS {} connection failed while reading", role(), e);
            endConnected(DtlsCloseReason.PROTOCOL_ERROR);
        } finally {
            drainScheduled.set(false);
            if (state.get() == State.CONNECTED && (transport.hasQueued() || closeRequested)) {
                scheduleDrain();
            }
        }
    }

    private void endConnected(DtlsCloseReason reason) {
        if (!state.compareAndSet(State.CONNECTED, State.CLOSED)) {
            return;
        }
        transport.markClosed();
        log.debug("DTLS {} closed: {}", role(), reason);
        try {
            listener.onDtlsClosed(this, reason);
        } catch (RuntimeException e) {
            log.warn("DTLS listener failed in onDtlsClosed", e);
        }
    }

    private static void closeQuietly(DTLSTransport established) {
        try {
            established.close();
        } catch (IOException | RuntimeException e) {
            // Best effort: close_notify is a courtesy, the peer also times out.
        }
    }

    private String role() {
        return isServer() ? "server" : "client";
    }
}

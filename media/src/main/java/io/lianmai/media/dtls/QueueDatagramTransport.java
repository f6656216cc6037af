package io.lianmai.media.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.TlsTimeoutException;

/**
 * Adapts BouncyCastle's blocking {@link DatagramTransport} to a transport that pushes datagrams: received ones
 * wait in a bounded queue, sent ones go straight to the {@link DtlsSender}.
 *
 * <p>Two modes. While handshaking, {@link #receive} blocks on the queue, never past the handshake deadline.
 * Once connected ({@link #startDraining()}), {@link #receive} never blocks: an empty queue ends the drain pass
 * with {@link QueueDrained}, an {@link InterruptedIOException} that BouncyCastle passes up without failing the
 * connection.
 */
final class QueueDatagramTransport implements DatagramTransport {
    /** Wakes a blocked {@link #receive} so it notices {@link #close()}. */
    private static final byte[] WAKE_UP = new byte[0];
    /** Large enough for a datagram at Ethernet MTU; longer ones are truncated and then rejected by BC. */
    static final int RECEIVE_LIMIT = 2048;

    private final ArrayBlockingQueue<byte[]> queue;
    private final DtlsSender sender;
    private final int sendLimit;
    private final Clock clock;
    private final long timeoutMillis;
    private volatile long deadlineMillis = Long.MAX_VALUE;
    private volatile boolean draining;
    private volatile boolean closed;

    QueueDatagramTransport(int capacity, DtlsSender sender, int sendLimit, Clock clock, long timeoutMillis) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.sender = sender;
        this.sendLimit = sendLimit;
        this.clock = clock;
        this.timeoutMillis = timeoutMillis;
    }

    /** Starts the handshake clock: {@link #receive} gives up {@code timeoutMillis} from now. */
    void armDeadline() {
        deadlineMillis = clock.millis() + timeoutMillis;
    }

    /** Queues a copy of a received datagram; false (drop) when the queue is full or the transport closed. */
    boolean offer(byte[] buf, int off, int len) {
        if (closed) {
            return false;
        }
        byte[] copy = new byte[Math.min(len, RECEIVE_LIMIT)];
        System.arraycopy(buf, off, copy, 0, copy.length);
        return queue.offer(copy);
    }

    boolean hasQueued() {
        return !queue.isEmpty();
    }

    void startDraining() {
        draining = true;
    }

    @Override
    public int getReceiveLimit() {
        return RECEIVE_LIMIT;
    }

    @Override
    public int getSendLimit() {
        return sendLimit;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (draining) {
            byte[] datagram = queue.poll();
            if (datagram == null || datagram == WAKE_UP || closed) {
                throw QueueDrained.INSTANCE;
            }
            return copy(datagram, buf, off, len);
        }
        // Each pass either returns, throws, or waits until the deadline or BC's own wait: bounded by the deadline.
        while (true) {
            if (closed) {
                throw new IOException("the DTLS session was closed");
            }
            long remaining = deadlineMillis - clock.millis();
            if (remaining <= 0) {
                throw new TlsTimeoutException("the DTLS handshake did not complete within " + timeoutMillis + " ms");
            }
            long wait = waitMillis == 0 ? remaining : Math.min(waitMillis, remaining);
            byte[] datagram;
            try {
                datagram = queue.poll(wait, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for a DTLS datagram");
            }
            if (datagram == WAKE_UP) {
                continue;
            }
            if (datagram != null) {
                return copy(datagram, buf, off, len);
            }
            if (waitMillis != 0 && wait == waitMillis) {
                // BC's retransmission timer ran out: it resends its flight and calls again.
                return -1;
            }
        }
    }

    private static int copy(byte[] datagram, byte[] buf, int off, int len) {
        int n = Math.min(datagram.length, len);
        System.arraycopy(datagram, 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) {
        if (!closed) {
            sender.send(buf, off, len);
        }
    }

    /** BC calls this when the connection ends; the UDP socket is shared and stays open. */
    @Override
    public void close() {
        // Nothing to release: sending stops with markClosed(), called by the session.
    }

    /** Stops sending and wakes a blocked receive. */
    void markClosed() {
        closed = true;
        queue.clear();
        queue.offer(WAKE_UP);
    }

    /** Ends a drain pass: the queue is empty. Shared and stackless, as it is control flow, not an error. */
    static final class QueueDrained extends InterruptedIOException {
        static final QueueDrained INSTANCE = new QueueDrained();

        private QueueDrained() {
            super("no more queued DTLS datagrams");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}

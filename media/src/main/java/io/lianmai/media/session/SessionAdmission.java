package io.lianmai.media.session;

import io.lianmai.media.MediaException;
import io.lianmai.media.MediaLimits;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether the node takes one more WebRTC session, decided when its offer is answered: at most
 * {@link MediaLimits#maxSessions()} sessions, and a DTLS handshake slot for each — at most
 * {@link MediaLimits#dtlsThreads()} handshakes running plus {@link MediaLimits#dtlsQueue()} waiting. Beyond either,
 * the offer is refused with {@link MediaException#full} (HTTP 503 with {@code Retry-After}) instead of piling up
 * threads or sessions.
 *
 * <p>Owns the DTLS executor: a fixed pool of {@code dtlsThreads} daemon threads named {@code lianmai-dtls-N}
 * (idle ones end after 30 s) over a bounded queue. A session holds its handshake slot from its offer until its
 * handshake connects or fails, or the session ends; it takes a thread only from its first valid ICE check (see
 * {@link WebRtcSession}), so offers whose clients never connect cost no thread. Post-handshake DTLS work (alerts,
 * close_notify) uses the same pool; the queue has room for it beyond the handshake slots.
 *
 * <p>Also owns the offer thread ({@code lianmai-offers}, ended after 30 s idle) that answers offers and builds
 * their sessions, so that the media loop only registers them: a burst of joins costs the loop a few map insertions
 * each, not an SDP answer and a session's state. Its queue holds as many offers as there are handshake slots
 * (beyond them an offer would be refused anyway); an offer beyond the queue is refused like one beyond the slots.
 *
 * <p>Thread-safe (counters are atomic).
 */
public final class SessionAdmission implements AutoCloseable {
    /** A burst of joins clears within a couple of seconds (handshakes take a round trip or two). */
    static final int HANDSHAKES_RETRY_AFTER_SECONDS = 2;
    /** Sessions end when their clients leave; a full node stays full for longer. */
    static final int SESSIONS_RETRY_AFTER_SECONDS = 10;
    /** Queue room beyond the handshake slots for the short post-handshake tasks. */
    private static final int DRAIN_HEADROOM = 64;

    private final int maxSessions;
    private final int handshakeSlots;
    private final ThreadPoolExecutor dtlsExecutor;
    private final ThreadPoolExecutor offerExecutor;
    private final AtomicInteger sessions = new AtomicInteger();
    private final AtomicInteger handshakes = new AtomicInteger();
    private final AtomicLong refusedSessions = new AtomicLong();
    private final AtomicLong refusedHandshakes = new AtomicLong();

    public SessionAdmission(MediaLimits limits) {
        this.maxSessions = limits.maxSessions();
        this.handshakeSlots = limits.dtlsThreads() + limits.dtlsQueue();
        AtomicInteger threadCount = new AtomicInteger();
        this.dtlsExecutor = new ThreadPoolExecutor(limits.dtlsThreads(), limits.dtlsThreads(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(limits.dtlsQueue() + limits.dtlsThreads() + DRAIN_HEADROOM), runnable -> {
                    Thread thread = new Thread(runnable, "lianmai-dtls-" + threadCount.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        dtlsExecutor.allowCoreThreadTimeOut(true);
        this.offerExecutor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(handshakeSlots), runnable -> {
                    Thread thread = new Thread(runnable, "lianmai-offers");
                    thread.setDaemon(true);
                    return thread;
                });
        offerExecutor.allowCoreThreadTimeOut(true);
    }

    /**
     * Runs {@code task} on the offer thread.
     *
     * @throws MediaException UNAVAILABLE when the offer queue is full (with a retry-after) or the server is closing
     */
    void executeOffer(Runnable task) {
        try {
            offerExecutor.execute(task);
        } catch (RejectedExecutionException e) {
            if (offerExecutor.isShutdown()) {
                throw new MediaException(MediaException.Reason.UNAVAILABLE, "the media server is shutting down", e);
            }
            refusedHandshakes.incrementAndGet();
            throw MediaException.full("this media server is busy connecting other sessions; try again in "
                    + HANDSHAKES_RETRY_AFTER_SECONDS + " s", HANDSHAKES_RETRY_AFTER_SECONDS);
        }
    }

    /** The executor DTLS sessions run on. */
    Executor dtlsExecutor() {
        return dtlsExecutor;
    }

    /**
     * Takes a session and a handshake slot, or refuses.
     *
     * @throws MediaException UNAVAILABLE, with a retry-after, when the node has {@code maxSessions} sessions or
     *     every handshake slot is taken
     */
    void admit() {
        if (sessions.incrementAndGet() > maxSessions) {
            sessions.decrementAndGet();
            refusedSessions.incrementAndGet();
            throw MediaException.full("this media server carries its maximum of " + maxSessions
                    + " sessions; try again later", SESSIONS_RETRY_AFTER_SECONDS);
        }
        if (handshakes.incrementAndGet() > handshakeSlots) {
            handshakes.decrementAndGet();
            sessions.decrementAndGet();
            refusedHandshakes.incrementAndGet();
            throw MediaException.full("this media server is busy connecting other sessions; try again in "
                    + HANDSHAKES_RETRY_AFTER_SECONDS + " s", HANDSHAKES_RETRY_AFTER_SECONDS);
        }
    }

    /** A session's handshake connected or failed, or the session ended first: its slot is free. Once per session. */
    void releaseHandshake() {
        handshakes.decrementAndGet();
    }

    /** A session admitted by {@link #admit()} ended. Once per session. */
    void releaseSession() {
        sessions.decrementAndGet();
    }

    /**
     * Takes no more offers and waits (up to 2 s) for those taken: each completes, registered or refused, rather
     * than leave its caller waiting. Idempotent.
     */
    public void stopOffers() {
        offerExecutor.shutdown();
        try {
            offerExecutor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public int sessions() {
        return sessions.get();
    }

    public int handshakesInProgress() {
        return handshakes.get();
    }

    /** Live DTLS pool threads. */
    public int dtlsThreadsAlive() {
        return dtlsExecutor.getPoolSize();
    }

    public long refusedSessions() {
        return refusedSessions.get();
    }

    public long refusedHandshakes() {
        return refusedHandshakes.get();
    }

    @Override
    public void close() {
        stopOffers();
        dtlsExecutor.shutdownNow();
    }
}

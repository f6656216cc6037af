package io.lianmai.server.callback;

import io.lianmai.store.AppLookup;
import io.lianmai.store.CallbackOutbox;
import io.lianmai.store.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes callback events to the outbox on a thread of its own: rooms hand events over under their locks ({@link
 * #accept}, a queue offer that never blocks), the writer gives each an id and appends them in batches, in the order
 * they were handed over, so one room's events keep the order of its changes. An event of an app with no callback URL
 * at that moment is not kept. While the database fails, the writer keeps its batch and tries again (growing waits up
 * to 5 s); the queue is bounded ({@code callbacks.queueSize}) and what does not fit is dropped, counted and logged.
 *
 * <p>Thread-safety: {@link #accept} from any thread; {@link #close} once, from any thread.
 */
public final class OutboxWriter implements Consumer<CallbackEvent>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxWriter.class);
    /** Events per transaction: large enough to keep up with thousands of joins a second on one connection. */
    static final int BATCH = 512;
    private static final long IDLE_POLL_MILLIS = 100;
    private static final long MAX_RETRY_MILLIS = 5_000;

    private final BlockingQueue<CallbackEvent> queue;
    private final CallbackOutbox outbox;
    private final AppLookup apps;
    private final Runnable onWritten;
    private final ExecutorService thread;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private volatile boolean closing;

    /**
     * Starts the writer thread.
     *
     * @param onWritten told (on the writer thread) after each batch is committed: wakes the sender
     */
    public OutboxWriter(CallbackOutbox outbox, AppLookup apps, int queueSize, Runnable onWritten) {
        this.queue = new ArrayBlockingQueue<>(queueSize);
        this.outbox = outbox;
        this.apps = apps;
        this.onWritten = onWritten;
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "lianmai-callback-writer");
            t.setDaemon(true);
            return t;
        });
        thread.execute(this::run);
    }

    /** Hands an event over; never blocks. Dropped (and counted) when the queue is full. */
    @Override
    public void accept(CallbackEvent event) {
        if (!queue.offer(event)) {
            long count = dropped.incrementAndGet();
            // Powers of two: the first drop is logged at once, a flood of them a few dozen times at most.
            if (Long.bitCount(count) == 1) {
                LOG.error("callback queue full ({} events waiting for the database): {} event(s) dropped so far",
                        queue.size(), count);
            }
        }
    }

    /** Events dropped because the queue was full, since start. */
    public long dropped() {
        return dropped.get();
    }

    /** Events written to the outbox, since start. */
    public long written() {
        return written.get();
    }

    /** Events handed over and not yet written. */
    public int queued() {
        return queue.size();
    }

    private void run() {
        List<CallbackEvent> batch = new ArrayList<>(BATCH);
        while (!closing || !queue.isEmpty()) {
            try {
                CallbackEvent first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                write(batch);
                batch.clear();
            } catch (InterruptedException e) {
                LOG.warn("callback writer interrupted with {} event(s) unwritten", queue.size() + batch.size());
                return;
            }
        }
    }

    private void write(List<CallbackEvent> batch) throws InterruptedException {
        List<CallbackOutbox.NewEvent> rows = new ArrayList<>(batch.size());
        for (CallbackEvent event : batch) {
            // The callback URL is read when the event happens: an app that had none does not get it later.
            if (apps.find(event.sdkAppId()).flatMap(app -> app.webhookUrl()).isPresent()) {
                rows.add(event.toOutbox(UUID.randomUUID().toString()));
            }
        }
        long wait = IDLE_POLL_MILLIS;
        while (true) {
            try {
                outbox.append(rows);
                written.addAndGet(rows.size());
                if (!rows.isEmpty()) {
                    onWritten.run();
                }
                return;
            } catch (StoreException e) {
                LOG.warn("cannot write {} callback event(s) to the outbox, retrying in {} ms: {}", rows.size(), wait,
                        e.getMessage());
                Thread.sleep(wait);
                wait = Math.min(wait * 2, MAX_RETRY_MILLIS);
            }
        }
    }

    /** Writes what was handed over before this call (waiting at most 5 s), then stops the thread. */
    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    /**
     * Writes what was handed over before this call, waiting at most {@code wait}, then stops the thread; events
     * handed over later are not written.
     *
     * @return whether every event was written in time
     */
    public boolean close(Duration wait) {
        closing = true;
        thread.shutdown();
        try {
            if (thread.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.warn("callback writer stopped with {} event(s) unwritten", queue.size());
        thread.shutdownNow();
        return false;
    }
}

package io.lianmai.server.db;

import io.lianmai.store.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * Hands items from threads that must not block (rooms, under their locks) to a thread of its own that writes them to
 * the database in batches, in the order they were handed over. {@link #accept} is a queue offer that never blocks;
 * the queue is bounded, and what does not fit is dropped, counted and logged (the database is down or far too slow).
 * While the database fails, the writer keeps its batch and tries it again (growing waits up to 5 s), so nothing
 * handed over is lost while the process lives.
 *
 * <p>Thread-safety: {@link #accept} from any thread; {@link #close} once, from any thread.
 *
 * @param <T> what is written
 */
public final class QueuedWriter<T> implements Consumer<T>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueuedWriter.class);
    private static final long IDLE_POLL_MILLIS = 100;
    private static final long MAX_RETRY_MILLIS = 5_000;

    /** Writes one batch, all or none; called on the writer thread only. */
    @FunctionalInterface
    public interface Sink<T> {
        /** @throws StoreException when the database failed: the same batch is tried again later */
        void write(List<T> batch);
    }

    private final String name;
    private final int batchSize;
    private final Sink<T> sink;
    private final BlockingQueue<T> queue;
    private final ExecutorService thread;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closing;

    /**
     * Starts the writer thread, {@code lianmai-NAME-writer}.
     *
     * @param name      what is written, for the thread's name and the log ({@code callback}, {@code history})
     * @param queueSize items accepted and not yet written at most
     * @param batchSize items per {@link Sink#write} at most
     */
    public QueuedWriter(String name, int queueSize, int batchSize, Sink<T> sink) {
        this.name = name;
        this.batchSize = batchSize;
        this.sink = sink;
        this.queue = new ArrayBlockingQueue<>(queueSize);
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "lianmai-" + name + "-writer");
            t.setDaemon(true);
            return t;
        });
        thread.execute(this::run);
    }

    /** Hands an item over; never blocks. Dropped (and counted) when the queue is full. */
    @Override
    public void accept(T item) {
        if (!queue.offer(item)) {
            long count = dropped.incrementAndGet();
            // Powers of two: the first drop is logged at once, a flood of them a few dozen times at most.
            if (Long.bitCount(count) == 1) {
                LOG.error("{} queue full ({} waiting for the database): {} dropped so far", name, queue.size(),
                        count);
            }
        }
    }

    /** Items dropped because the queue was full, since start. */
    public long dropped() {
        return dropped.get();
    }

    /** Items handed over and not yet written. */
    public int queued() {
        return queue.size();
    }

    private void run() {
        List<T> batch = new ArrayList<>(batchSize);
        while (!closing || !queue.isEmpty()) {
            try {
                T first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, batchSize - 1);
                write(batch);
                batch.clear();
            } catch (InterruptedException e) {
                LOG.warn("{} writer interrupted with {} unwritten", name, queue.size() + batch.size());
                return;
            }
        }
    }

    private void write(List<T> batch) throws InterruptedException {
        long wait = IDLE_POLL_MILLIS;
        while (true) {
            try {
                sink.write(batch);
                return;
            } catch (StoreException e) {
                LOG.warn("cannot write {} {} item(s) to the database, retrying in {} ms: {}", batch.size(), name,
                        wait, e.getMessage());
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
     * Writes what was handed over before this call, waiting at most {@code wait}, then stops the thread; items
     * handed over later are not written.
     *
     * @return whether every item was written in time
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
        LOG.warn("{} writer stopped with {} unwritten", name, queue.size());
        thread.shutdownNow();
        return false;
    }
}

package io.lianmai.server.callback;

import io.lianmai.server.db.QueuedWriter;
import io.lianmai.store.AppLookup;
import io.lianmai.store.CallbackOutbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Writes callback events to the outbox on a thread of its own (a {@link QueuedWriter}): rooms hand events over under
 * their locks ({@link #accept}, a queue offer that never blocks), the writer gives each an id and appends them in
 * batches, in the order they were handed over, so one room's events keep the order of its changes. An event of an
 * app with no callback URL at that moment is not kept. While the database fails, the writer keeps its batch and tries
 * again (growing waits up to 5 s); the queue is bounded ({@code callbacks.queueSize}) and what does not fit is
 * dropped, counted and logged.
 *
 * <p>Thread-safety: {@link #accept} from any thread; {@link #close} once, from any thread.
 */
public final class OutboxWriter implements Consumer<CallbackEvent>, AutoCloseable {
    /** Events per transaction: large enough to keep up with thousands of joins a second on one connection. */
    static final int BATCH = 512;

    private final CallbackOutbox outbox;
    private final AppLookup apps;
    private final Runnable onWritten;
    private final AtomicLong written = new AtomicLong();
    private final QueuedWriter<CallbackEvent> writer;

    /**
     * Starts the writer thread.
     *
     * @param onWritten told (on the writer thread) after each batch is committed: wakes the sender
     */
    public OutboxWriter(CallbackOutbox outbox, AppLookup apps, int queueSize, Runnable onWritten) {
        this.outbox = outbox;
        this.apps = apps;
        this.onWritten = onWritten;
        this.writer = new QueuedWriter<>("callback", queueSize, BATCH, this::write);
    }

    /** Hands an event over; never blocks. Dropped (and counted) when the queue is full. */
    @Override
    public void accept(CallbackEvent event) {
        writer.accept(event);
    }

    /** Events dropped because the queue was full, since start. */
    public long dropped() {
        return writer.dropped();
    }

    /** Events written to the outbox, since start. */
    public long written() {
        return written.get();
    }

    /** Events handed over and not yet written. */
    public int queued() {
        return writer.queued();
    }

    private void write(List<CallbackEvent> batch) {
        List<CallbackOutbox.NewEvent> rows = new ArrayList<>(batch.size());
        for (CallbackEvent event : batch) {
            // The callback URL is read when the event happens: an app that had none does not get it later.
            if (apps.find(event.sdkAppId()).flatMap(app -> app.webhookUrl()).isPresent()) {
                rows.add(event.toOutbox(UUID.randomUUID().toString()));
            }
        }
        outbox.append(rows);
        written.addAndGet(rows.size());
        if (!rows.isEmpty()) {
            onWritten.run();
        }
    }

    /** Writes what was handed over before this call (waiting at most 5 s), then stops the thread. */
    @Override
    public void close() {
        writer.close();
    }

    /**
     * Writes what was handed over before this call, waiting at most {@code wait}, then stops the thread; events
     * handed over later are not written.
     *
     * @return whether every event was written in time
     */
    public boolean close(Duration wait) {
        return writer.close(wait);
    }
}

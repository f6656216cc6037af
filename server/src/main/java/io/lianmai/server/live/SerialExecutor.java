package io.lianmai.server.live;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one bridge's tasks in order, one at a time, on a shared pool: many bridges share a few transcoding threads
 * without any bridge's work running concurrently with itself. The queue is bounded; a task that does not fit is
 * refused (a bridge that cannot keep up drops media rather than buffer it).
 */
final class SerialExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);
    /** Tasks run per turn before the bridge yields its pool thread to others. */
    private static final int TASKS_PER_TURN = 32;

    private final Executor pool;
    private final int capacity;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private final Runnable turn = this::runTurn;
    private boolean scheduled;

    SerialExecutor(Executor pool, int capacity) {
        this.pool = pool;
        this.capacity = capacity;
    }

    /** Queues {@code task}; false when the queue is full or the pool refused. */
    boolean offer(Runnable task) {
        return offer(task, false);
    }

    /**
     * Queues {@code task} even when the queue is full: for the one task that frees a bridge's native codec contexts,
     * which must run after the tasks that use them. False only when the pool refused (it is shut down).
     */
    boolean offerFinal(Runnable task) {
        return offer(task, true);
    }

    private boolean offer(Runnable task, boolean beyondCapacity) {
        synchronized (this) {
            if (queue.size() >= capacity && !beyondCapacity) {
                return false;
            }
            queue.add(task);
            if (scheduled) {
                return true;
            }
            scheduled = true;
        }
        return schedule();
    }

    private boolean schedule() {
        try {
            pool.execute(turn);
            return true;
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                queue.clear();
                scheduled = false;
            }
            return false;
        }
    }

    private void runTurn() {
        for (int i = 0; i < TASKS_PER_TURN; i++) {
            Runnable task;
            synchronized (this) {
                task = queue.poll();
                if (task == null) {
                    scheduled = false;
                    return;
                }
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("a bridge task failed", e);
            }
        }
        schedule();
    }
}

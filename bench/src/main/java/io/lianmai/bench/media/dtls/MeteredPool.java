package io.lianmai.bench.media.dtls;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A fixed pool of DTLS threads for one side of the benchmark, which can tell how much CPU time its threads used and
 * how many bytes they allocated, so the server's share of a handshake is known apart from the client's. All threads
 * are started at once and never retire, so no thread's figures are lost between two readings.
 */
final class MeteredPool implements AutoCloseable {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final ThreadPoolExecutor executor;

    MeteredPool(String name, int size) {
        if (!THREADS.isThreadCpuTimeSupported() || !THREADS.isThreadAllocatedMemorySupported()) {
            throw new IllegalStateException("this JVM cannot measure per-thread CPU time and allocation");
        }
        THREADS.setThreadCpuTimeEnabled(true);
        THREADS.setThreadAllocatedMemoryEnabled(true);
        executor = new ThreadPoolExecutor(size, size, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, name + "-" + (threads.size() + 1));
                    thread.setDaemon(true);
                    threads.add(thread);
                    return thread;
                });
        executor.prestartAllCoreThreads();
    }

    ThreadPoolExecutor executor() {
        return executor;
    }

    /** CPU time (user + system) all the pool's threads have used so far, in ns. */
    long cpuNanos() {
        long sum = 0;
        for (Thread thread : threads) {
            sum += Math.max(0, THREADS.getThreadCpuTime(thread.getId()));
        }
        return sum;
    }

    /** Bytes all the pool's threads have allocated so far. */
    long allocatedBytes() {
        long sum = 0;
        for (Thread thread : threads) {
            sum += Math.max(0, THREADS.getThreadAllocatedBytes(thread.getId()));
        }
        return sum;
    }

    @Override
    public void close() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }
}

package io.lianmai.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Samples a process's threads, open file descriptors ({@code /proc/PID/fd}) and resident memory every
 * {@link #INTERVAL_MILLIS} on a daemon thread of its own, and keeps the peaks since the last {@link #reset}.
 */
final class ServerSampler implements AutoCloseable {
    static final long INTERVAL_MILLIS = 100;

    /** Peaks since the last reset. */
    record Peak(int threads, int fds, double rssMb) {
    }

    private final long pid;
    private final Thread thread;
    private volatile boolean running = true;
    private int maxThreads;
    private int maxFds;
    private long maxRssKb;

    ServerSampler(long pid) {
        this.pid = pid;
        this.thread = new Thread(this::loop, "attack-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            sample();
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sample() {
        if (!ProcStat.readable(pid)) {
            return;
        }
        try {
            ProcStat stat = ProcStat.read(pid);
            int fds = fds(pid);
            synchronized (this) {
                maxThreads = Math.max(maxThreads, stat.threads());
                maxFds = Math.max(maxFds, fds);
                maxRssKb = Math.max(maxRssKb, stat.rssKb());
            }
        } catch (RuntimeException e) {
            // The process ended between the check and the read: the suite notices it.
        }
    }

    /** Open file descriptors of {@code pid}. */
    static int fds(long pid) {
        try (Stream<Path> entries = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) entries.count();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Starts new peaks from the current values. */
    synchronized void reset() {
        maxThreads = 0;
        maxFds = 0;
        maxRssKb = 0;
        sample();
    }

    /** The peaks since the last reset, including a sample now. */
    Peak peak() {
        sample();
        synchronized (this) {
            return new Peak(maxThreads, maxFds, maxRssKb / 1024.0);
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}

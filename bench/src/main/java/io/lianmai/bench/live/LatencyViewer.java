package io.lianmai.bench.live;

import java.util.Map;

/**
 * One way of watching the anchor (HTTP-FLV, WHEP with libwebrtc, a browser) that decodes each picture, reads its
 * barcode and records its latency. Started once, stopped by {@link #close()}; the result is read after.
 */
interface LatencyViewer extends AutoCloseable {
    /** The path's name in the report, e.g. {@code FLV ?lowlatency=1}. */
    String name();

    /**
     * Starts watching in the background; samples count from {@code warmupMillis} after playback was requested.
     * Failures are kept for {@link #failure()}, not thrown.
     */
    void start(double warmupMillis);

    /** When playback was requested (clock ms), NaN before. */
    double requestedAt();

    /** The glass-to-glass series. */
    LatencyRecorder latency();

    /** Steps of the figure and other series this path can observe (e.g. arrival, decode), by name. */
    Map<String, LatencyRecorder> breakdown();

    /** Other figures this path reports (e.g. libwebrtc's jitter-buffer delay), by name; read after close. */
    Map<String, Double> figures();

    /** What went wrong, or null. */
    Throwable failure();

    /** Stops watching and frees what the viewer holds; waits a bounded time for its threads. */
    @Override
    void close();
}

package io.lianmai.server.metrics;

import io.lianmai.media.MediaServer;
import io.lianmai.room.RoomRegistry;
import io.lianmai.server.HttpFrontDoor;
import io.lianmai.server.live.LiveService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;

/**
 * The node's meter registry (Micrometer, rendered in Prometheus's text format): the JVM's meters, and Lianmai's own
 * over the media plane, the rooms and live output.
 *
 * <p>Other components add their meters to {@link #registry()} (the callback outbox through {@link CallbackMeters}).
 * Thread-safe; scrapes are serialised so that each takes its snapshots once.
 */
public final class NodeMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<ScrapedMeters> scraped;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /**
     * Binds every meter. The front door's counts (signalling sockets, WHIP/WHEP) read 0 until it listens.
     */
    public NodeMetrics(MediaServer media, RoomRegistry rooms, LiveService live, HttpFrontDoor frontDoor) {
        scraped = List.of(new MediaMeters(media), new RoomMeters(rooms, frontDoor, live), new LiveMeters(live));
        for (ScrapedMeters meters : scraped) {
            meters.bindTo(registry);
        }
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** Where other components register their meters; names start with {@code lianmai.}. */
    public MeterRegistry registry() {
        return registry;
    }

    /**
     * Every meter in Prometheus's text exposition format 0.0.4. Blocks (up to ~2 s) for the media plane's
     * snapshot: call it on a worker thread, never an event loop.
     */
    public synchronized String scrape() {
        for (ScrapedMeters meters : scraped) {
            meters.refresh();
        }
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}

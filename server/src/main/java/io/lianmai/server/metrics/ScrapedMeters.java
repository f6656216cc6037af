package io.lianmai.server.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;

/**
 * Meters whose values are read from a snapshot taken once per scrape, not once per meter: reading the sources may
 * cost a hop onto the media loop or a lock per room.
 */
interface ScrapedMeters extends MeterBinder {
    /** Takes a fresh snapshot of the sources; called once before each scrape, on a worker thread. */
    void refresh();

    /** Registers a gauge over {@code meters} (held strongly) with {@code tags} as name/value pairs. */
    static <T extends ScrapedMeters> void gauge(MeterRegistry registry, String name, String description, T meters,
            ToDoubleFunction<T> value, String... tags) {
        Gauge.builder(name, meters, value)
                .description(description)
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }
}

package io.lianmai.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The event callback outbox's series, for the callback deliverer to feed: its depth (read at scrape time from
 * {@code pendingEvents}), each delivery's latency from the event to the receiver's 2xx, and failed attempts by
 * reason. Names and labels are fixed here so that docs/operations.md and the Grafana dashboard stay true.
 *
 * <p>Thread-safe; call {@link #delivered} and {@link #failed} from any thread, once per attempt (never per packet).
 */
public final class CallbackMeters {
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5),
        Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(1)};

    private final MeterRegistry registry;
    private final Timer latency;

    private CallbackMeters(MeterRegistry registry) {
        this.registry = registry;
        this.latency = Timer.builder("lianmai.callback.delivery")
                .description("Event callback latency: the event to its receiver's 2xx, retries included")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
    }

    /**
     * Registers the outbox series on {@code registry} ({@link NodeMetrics#registry()}).
     *
     * @param pendingEvents events written to the outbox and not yet delivered; read once per scrape, so it should
     *     be cheap (a counter kept by the deliverer, not a database query per scrape if avoidable)
     */
    public static CallbackMeters register(MeterRegistry registry, LongSupplier pendingEvents) {
        Gauge.builder("lianmai.callback.outbox.depth", pendingEvents, LongSupplier::getAsLong)
                .description("Event callbacks in the outbox not yet delivered")
                .strongReference(true)
                .register(registry);
        return new CallbackMeters(registry);
    }

    /** An event reached its receiver {@code latency} after it happened. */
    public void delivered(Duration latency) {
        this.latency.record(latency);
    }

    /**
     * A delivery attempt failed (it will be retried or given up).
     *
     * @param reason a short fixed word such as {@code timeout}, {@code connect}, {@code status_5xx}: a label, so
     *     never a URL or a message
     */
    public void failed(String reason) {
        Counter.builder("lianmai.callback.failures")
                .description("Event callback delivery attempts that failed, by reason")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }
}

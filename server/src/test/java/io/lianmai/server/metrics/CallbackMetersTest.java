package io.lianmai.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The callback outbox's series render under the names docs/operations.md and the Grafana dashboard use. */
class CallbackMetersTest {
    @Test
    void depthLatencyAndFailuresAreExposed() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AtomicLong pending = new AtomicLong(3);
        CallbackMeters meters = CallbackMeters.register(registry, pending::get);

        meters.delivered(Duration.ofMillis(120));
        meters.delivered(Duration.ofSeconds(2));
        meters.failed("timeout");
        meters.failed("timeout");
        meters.failed("status_5xx");
        pending.set(7);

        PrometheusText scrape = PrometheusText.parse(registry.scrape());
        assertThat(scrape.value("lianmai_callback_outbox_depth")).isEqualTo(7);
        assertThat(scrape.value("lianmai_callback_delivery_seconds_count")).isEqualTo(2);
        assertThat(scrape.value("lianmai_callback_delivery_seconds_sum")).isEqualTo(2.12, within());
        assertThat(scrape.value("lianmai_callback_delivery_seconds_bucket", "le", "0.25")).isEqualTo(1);
        assertThat(scrape.value("lianmai_callback_failures_total", "reason", "timeout")).isEqualTo(2);
        assertThat(scrape.value("lianmai_callback_failures_total", "reason", "status_5xx")).isEqualTo(1);
        registry.close();
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-9);
    }
}

package io.lianmai.bench.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.ExternalTools;
import org.junit.jupiter.api.Test;

/**
 * Runs the whole benchmark briefly (a node in-process, the Java pusher, every viewer) and checks that it measures
 * something sensible on every path; the figures themselves are for {@code docs/benchmarks.md}, not asserted.
 */
class LiveLatencyIT {
    @Test
    void measuresEveryPathForAFewSeconds() throws Exception {
        boolean chromium = ExternalTools.find("/usr/bin/chromium").isPresent()
                && ExternalTools.find("/usr/bin/chromedriver").isPresent();
        if (!chromium) {
            if (ExternalTools.isCi()) {
                throw new AssertionError("Chromium and chromedriver must be installed under CI");
            }
            System.err.println("SKIPPED (this path only): WebRTC Chromium, /usr/bin/chromium or chromedriver missing");
        }
        LiveLatency.Options options = LiveLatency.Options.DEFAULT.withSeconds(4).withWarmupMillis(1500)
                .withChromium(chromium);

        LatencyReport report = LiveLatency.run(options, System.out);

        assertThat(report.pusher().failure()).isNull();
        assertThat(report.pusher().frames()).isGreaterThan(100);
        assertThat(report.pusher().keyframes()).isGreaterThan(3);
        assertThat(report.pusher().encode().p50()).isBetween(0.0, 1000.0);
        assertThat(report.paths()).extracting(LatencyReport.PathResult::name).containsExactlyElementsOf(chromium
                ? java.util.List.of("FLV (GOP cache)", "FLV ?lowlatency=1", "WebRTC libwebrtc", "WebRTC Chromium")
                : java.util.List.of("FLV (GOP cache)", "FLV ?lowlatency=1", "WebRTC libwebrtc"));
        for (LatencyReport.PathResult path : report.paths()) {
            assertThat(path.failure()).as(path.name()).isNull();
            assertThat(path.pictures()).as(path.name() + " pictures").isGreaterThanOrEqualTo(30);
            assertThat(path.readable()).as(path.name() + " readable barcodes").isGreaterThanOrEqualTo(0.9);
            assertThat(path.latency().samples()).as(path.name() + " samples").isGreaterThanOrEqualTo(30);
            assertThat(path.latency().p50()).as(path.name() + " p50 ms").isGreaterThan(0).isLessThan(10_000);
            assertThat(path.latency().max()).as(path.name() + " max ms").isLessThan(10_000);
            assertThat(path.firstPictureLatency()).as(path.name() + " first picture ms").isBetween(0.0, 10_000.0);
        }
        assertThat(report.paths().get(0).steps()).containsKeys("sent -> tag read", "tag read -> decoded", "paced");
        assertThat(report.toJson()).contains("\"latencyMillis\"", "\"machine\"");
    }
}

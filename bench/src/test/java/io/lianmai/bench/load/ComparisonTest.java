package io.lianmai.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The side-by-side table: each server's figures and Lianmai ÷ each peer, unknown figures shown as such instead of
 * as a ratio of zeros, subscribers per core from the step-up's best load, and the differences (SRTP profile, RTX)
 * named; the --target list read strictly.
 */
class ComparisonTest {

    @Test
    void ratiosDivideLianmaiByThePeerAndRefuseUnknowns() {
        assertThat(Comparison.ratio(4.3, 27.1)).isCloseTo(0.1587, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(Comparison.ratio(0, 5)).isNaN();
        assertThat(Comparison.ratio(5, 0)).isNaN();
        assertThat(Comparison.ratio(Double.NaN, 5)).isNaN();
        assertThat(Comparison.ratio(5, Double.POSITIVE_INFINITY)).isNaN();
    }

    @Test
    void theTableHasAColumnPerServerAndARatioPerPeer() {
        LoadReport lianmai = Reports.of("lianmai", 200, 200, 100_000, 0, List.of(), 4.3, 232_000, 1_333, 4_000,
                12_700, 160, 82, "SRTP_AES128_CM_HMAC_SHA1_80", true);
        LoadReport janus = Reports.of("janus", 200, 200, 100_000, 0, List.of(), 27.1, 36_900, 211, 7_300, 38_800,
                120, 290, "SRTP_AES128_CM_HMAC_SHA1_80", false);
        LoadReport srs = Reports.of("srs", 200, 200, 100_000, 0, List.of(), 0, 0, 0, 3_100, 12_000, 60, 570,
                "SRTP_AES128_CM_HMAC_SHA1_80", false);
        StepUp.Step best = new StepUp.Step(450, 0.3, true, Reports.at(450, 0.3, 1_500));
        Comparison comparison = new Comparison("fanout: 1 × 200", "H.264", "subscribers", List.of(
                entry("lianmai", lianmai, best), entry("janus", janus, null), entry("srs", srs, null)));

        String table = print(comparison);
        assertThat(table).contains("| | lianmai | janus | srs | lianmai ÷ janus | lianmai ÷ srs |");
        assertThat(table).contains("| CPU per forwarded packet (µs, lower is better) | 4.30 | 27.10 | — | 0.16× | — |");
        assertThat(table).contains("| subscribers per core at < 1 % loss (higher is better) | 1,500 (at 450 "
                + "subscribers) | 211 | — | 7.11× | — |");
        assertThat(table).contains("| forward latency p99 (ms) | 12.7 | 38.8 | 12.0 | 0.33× | 1.06× |");
        assertThat(table).contains("| RTX with the players | negotiated | none | none | differs | differs |");
        assertThat(table).contains("| transport-cc feedback from the players | not negotiated | not negotiated | not "
                + "negotiated | same | same |");
        assertThat(table).contains("| SRTP profile negotiated | SRTP_AES128_CM_HMAC_SHA1_80 |")
                .contains("same | same |");
        assertThat(table).contains("step-up lianmai: 450 subscribers → 0.30 % loss");
    }

    @Test
    void withoutLianmaiThereAreNoRatios() {
        LoadReport janus = Reports.at(10, 0, 100);
        String table = print(new Comparison("fanout", "H.264", "subscribers", List.of(entry("janus", janus, null))));
        assertThat(table).contains("| | janus |").doesNotContain("÷");
    }

    @Test
    void targetsAreReadStrictly() {
        assertThat(CompareCommand.parseTargets(List.of())).extracting(CompareCommand.TargetSpec::label)
                .containsExactly("lianmai");
        assertThat(CompareCommand.parseTargets(List.of("lianmai", "srs=http://127.0.0.1:11985",
                "janus=http://127.0.0.1:8088/janus", "lianmai=http://127.0.0.1:8800")))
                .extracting(CompareCommand.TargetSpec::label).containsExactly("lianmai", "srs", "janus", "lianmai-2");
        assertThatThrownBy(() -> CompareCommand.parseTargets(List.of("mediasoup=http://x:1")))
                .hasMessageContaining("lianmai, srs or janus");
        assertThatThrownBy(() -> CompareCommand.parseTargets(List.of("srs"))).hasMessageContaining("needs its URL");
        assertThatThrownBy(() -> CompareCommand.parseTargets(List.of("janus=not a url")))
                .hasMessageContaining("not");
        assertThatThrownBy(() -> CompareCommand.parseTargets(List.of("janus=/janus")))
                .hasMessageContaining("not an http URL");
        List<CompareCommand.TargetSpec> loops = CompareCommand.parseTargets(List.of("lianmai@media.loops=1",
                "lianmai@media.loops=2, media.loopPlacementSlack=0"));
        assertThat(loops).extracting(CompareCommand.TargetSpec::label).containsExactly("lianmai media.loops=1",
                "lianmai media.loops=2,media.loopPlacementSlack=0");
        assertThat(loops.get(1).settings()).containsExactly("media.loops=2", "media.loopPlacementSlack=0");
        assertThat(loops.get(1).url()).isNull();
        assertThatThrownBy(() -> CompareCommand.parseTargets(List.of("lianmai@loops")))
                .hasMessageContaining("KEY=VALUE");
    }

    private static Comparison.Entry entry(String label, LoadReport report, StepUp.Step best) {
        List<Comparison.StepSummary> steps = best == null ? List.of() : List.of(Comparison.StepSummary.of(best));
        return new Comparison.Entry(label, report.serverKind(), report.target(), Comparison.Figures.of(report, best),
                steps, report);
    }

    private static String print(Comparison comparison) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        comparison.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}

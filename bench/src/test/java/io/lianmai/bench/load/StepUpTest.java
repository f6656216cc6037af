package io.lianmai.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The step-up that finds subscribers per core at under 1 % loss: loads grow by the factor (at least by one, never
 * past the bound), it stops at the first run at or over the loss limit or with a client that failed or got no
 * media, and it is bounded in runs and in time; the best step is the last that passed.
 */
class StepUpTest {
    private final List<Integer> ran = new ArrayList<>();

    @Test
    void stepsUpByTheFactorUntilLossReachesTheLimit() throws InterruptedException {
        StepUp stepUp = new StepUp(200, 1.5, 10_000, 10, 1.0, Long.MAX_VALUE);
        List<StepUp.Step> steps = stepUp.run(load -> {
            ran.add(load);
            return Reports.at(load, load < 600 ? 0.2 : 3.0, load * 2.0);
        }, () -> 0);
        assertThat(ran).containsExactly(200, 300, 450, 675);
        assertThat(steps).extracting(StepUp.Step::passed).containsExactly(true, true, true, false);
        assertThat(StepUp.best(steps).load()).isEqualTo(450);
        assertThat(StepUp.best(steps).report().perCore().subscribersPerCore()).isEqualTo(900);
    }

    @Test
    void exactlyTheLimitFailsAndAFailedClientFailsAStep() {
        StepUp stepUp = new StepUp(10, 2, 100, 5, 1.0, Long.MAX_VALUE);
        assertThat(stepUp.passed(Reports.at(10, 0.999, 1))).isTrue();
        assertThat(stepUp.passed(Reports.at(10, 1.0, 1))).isFalse();
        LoadReport oneWithoutMedia = Reports.of("janus", 10, 9, 1000, 0, List.of(), 1, 1, 1, 1, 1, 1, 1, "", false);
        assertThat(stepUp.passed(oneWithoutMedia)).isFalse();
        LoadReport failed = Reports.of("janus", 10, 10, 1000, 0, List.of("sub3: DTLS: timeout"), 1, 1, 1, 1, 1, 1, 1,
                "", false);
        assertThat(stepUp.passed(failed)).isFalse();
    }

    @Test
    void boundedByTheLargestLoadTheCountAndTheTime() throws InterruptedException {
        StepUp capped = new StepUp(100, 3, 500, 10, 1.0, Long.MAX_VALUE);
        capped.run(load -> {
            ran.add(load);
            return Reports.at(load, 0, 1);
        }, () -> 0);
        assertThat(ran).containsExactly(100, 300, 500);

        ran.clear();
        new StepUp(1, 1.1, 1000, 4, 1.0, Long.MAX_VALUE).run(load -> {
            ran.add(load);
            return Reports.at(load, 0, 1);
        }, () -> 0);
        assertThat(ran).as("at least one more each step; four runs").containsExactly(1, 2, 3, 4);

        ran.clear();
        long[] now = {0};
        new StepUp(10, 2, 1000, 10, 1.0, 25).run(load -> {
            ran.add(load);
            now[0] += 10;
            return Reports.at(load, 0, 1);
        }, () -> now[0]);
        assertThat(ran).as("no step starts after the budget").containsExactly(10, 20, 40);
    }

    @Test
    void nothingPassedMeansNoBest() throws InterruptedException {
        List<StepUp.Step> steps = new StepUp(10, 2, 100, 5, 1.0, Long.MAX_VALUE)
                .run(load -> Reports.at(load, 5, 1), () -> 0);
        assertThat(steps).hasSize(1);
        assertThat(StepUp.best(steps)).isNull();
    }

    @Test
    void wrongBoundsAreRefused() {
        assertThatThrownBy(() -> new StepUp(10, 1.0, 100, 5, 1, 1)).hasMessageContaining("--step");
        assertThatThrownBy(() -> new StepUp(10, 2, 5, 5, 1, 1)).hasMessageContaining("start <= max");
        assertThatThrownBy(() -> new StepUp(10, 2, 100, 0, 1, 1)).hasMessageContaining("--max-steps");
        assertThatThrownBy(() -> new StepUp(10, 2, 100, 5, 0, 1)).hasMessageContaining("loss limit");
    }
}

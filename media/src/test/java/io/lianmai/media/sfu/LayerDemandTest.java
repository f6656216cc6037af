package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Which simulcast layers the publisher is asked to send: the wanted ones, a layer nobody wants paused only after the
 * 3 s hold, resumed at once when wanted again, and never all of them paused.
 */
class LayerDemandTest {
    private static final int LOW = 0;
    private static final int HIGH = 1;
    private static final int BOTH = 0b11;

    private final FakeClock clock = new FakeClock();
    private final LayerDemand demand = new LayerDemand(2);

    @Test
    void everyLayerIsActiveAtTheStartAndTheHoldStartsAtTheFirstDecision() {
        assertThat(demand.activeLayers()).isEqualTo(BOTH);
        clock.advance(Duration.ofHours(1)); // however long before the first decision
        assertThat(demand.update(1 << LOW, LOW, clock.millis())).isFalse();
        assertThat(demand.activeLayers()).isEqualTo(BOTH);
    }

    @Test
    void aLayerNobodyWantsIsPausedAfterTheHoldAndNotBefore() {
        demand.update(1 << LOW, LOW, clock.millis());
        step(LayerDemand.HOLD_MILLIS - 1, 1 << LOW);
        assertThat(demand.isActive(HIGH)).as("2.999 s unwanted").isTrue();

        assertThat(demand.update(1 << LOW, LOW, advance(1))).as("3 s unwanted: changed").isTrue();
        assertThat(demand.activeLayers()).isEqualTo(1 << LOW);
        assertThat(demand.update(1 << LOW, LOW, advance(250))).as("no change: no repeat").isFalse();
    }

    @Test
    void aPausedLayerWantedAgainIsResumedAtOnce() {
        demand.update(1 << LOW, LOW, clock.millis());
        step(LayerDemand.HOLD_MILLIS, 1 << LOW);
        assertThat(demand.isActive(HIGH)).isFalse();

        assertThat(demand.update(1 << HIGH, LOW, advance(1))).isTrue();
        assertThat(demand.activeLayers()).as("high resumed, low held").isEqualTo(BOTH);
        step(LayerDemand.HOLD_MILLIS, 1 << HIGH);
        assertThat(demand.activeLayers()).as("low unwanted for 3 s").isEqualTo(1 << HIGH);
    }

    @Test
    void aLayerWantedWithinTheHoldIsNeverPaused() {
        demand.update(1 << LOW, LOW, clock.millis());
        for (int i = 0; i < 20; i++) { // someone flips between big and small every 2 s for 40 s
            step(2000, 1 << (i % 2 == 0 ? HIGH : LOW));
            assertThat(demand.activeLayers()).isEqualTo(BOTH);
        }
    }

    @Test
    void withNobodyWantingAnyTheLowestRankedLayerStaysActive() {
        demand.update(0, LOW, clock.millis());
        step(LayerDemand.HOLD_MILLIS, 0);
        assertThat(demand.activeLayers()).isEqualTo(1 << LOW);
        assertThat(demand.update(1 << HIGH, LOW, advance(250))).isTrue();
        assertThat(demand.activeLayers()).as("the kept layer is held for the new subscriber's switch")
                .isEqualTo(BOTH);
        step(LayerDemand.HOLD_MILLIS, 1 << HIGH);
        assertThat(demand.activeLayers()).isEqualTo(1 << HIGH);

        // The ranking is by measured bitrate, not by position: here the first layer is the big one.
        LayerDemand bigFirst = new LayerDemand(3);
        bigFirst.update(0, 2, clock.millis());
        bigFirst.update(0, 2, advance(LayerDemand.HOLD_MILLIS));
        assertThat(bigFirst.activeLayers()).isEqualTo(1 << 2);
    }

    @Test
    void layersNotRankedYetAreNotPausedWhenNobodyWantsAny() {
        demand.update(0, -1, clock.millis());
        step(10_000, 0, -1);
        assertThat(demand.activeLayers()).isEqualTo(BOTH);
    }

    @Test
    void neverEveryLayerIsPaused() {
        demand.update(1 << HIGH, LOW, clock.millis());
        for (int i = 0; i < 200; i++) { // any sequence of wants, fallbacks and waits
            int wanted = (i * 7) % 4;
            demand.update(wanted, i % 3 - 1, advance((i * 577) % 4000));
            assertThat(demand.activeLayers()).isNotZero();
            assertThat(demand.activeLayers() & wanted).isEqualTo(wanted);
        }
    }

    /** Decides every 250 ms for {@code millis} with {@code wanted}, the low layer ranked lowest. */
    private void step(long millis, int wanted) {
        step(millis, wanted, LOW);
    }

    private void step(long millis, int wanted, int fallback) {
        long end = clock.millis() + millis;
        while (clock.millis() < end) {
            demand.update(wanted, fallback, advance(Math.min(250, end - clock.millis())));
        }
    }

    private long advance(long millis) {
        clock.advance(Duration.ofMillis(millis));
        return clock.millis();
    }
}

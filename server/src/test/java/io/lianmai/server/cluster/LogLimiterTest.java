package io.lianmai.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A failure retried every 250 ms for a minute is logged 7 times (the first, then once per 10 s with the count held
 * back), its recovery once; keys are independent; keys that never recover do not pile up.
 */
class LogLimiterTest {
    private final FakeClock clock = new FakeClock();
    private final LogLimiter limiter = new LogLimiter(clock, Duration.ofSeconds(10));

    @Test
    void aFailureRetriedEvery250MillisIsLoggedFirstThenOncePer10SecondsWithTheCountHeldBack() {
        List<Long> logged = new ArrayList<>();
        for (int retry = 0; retry < 240; retry++) { // 60 s
            long verdict = limiter.failure("alice_main");
            if (verdict >= 0) {
                logged.add(verdict);
            }
            clock.advance(Duration.ofMillis(250));
        }
        assertThat(logged).as("the first, then one per 10 s telling the 39 held back since the last")
                .containsExactly(0L, 39L, 39L, 39L, 39L, 39L);
        assertThat(limiter.recovered("alice_main")).as("failures since the first: logged with the recovery")
                .isEqualTo(240);
        assertThat(limiter.recovered("alice_main")).as("a recovery is told once").isZero();
        assertThat(limiter.failure("alice_main")).as("after recovering, a new failure is logged at once").isZero();
    }

    @Test
    void keysAreIndependentAndAKeyThatNeverFailedHasNoRecovery() {
        assertThat(limiter.failure("a")).isZero();
        assertThat(limiter.failure("a")).isEqualTo(-1);
        assertThat(limiter.failure("b")).as("another stream's first failure").isZero();
        assertThat(limiter.recovered("c")).isZero();
        clock.advance(Duration.ofSeconds(10));
        assertThat(limiter.failure("a")).as("one held back").isEqualTo(1);
        limiter.forget("b");
        assertThat(limiter.recovered("b")).as("forgotten: no recovery to tell").isZero();
    }

    @Test
    void keysThatNeverRecoverDoNotPileUp() {
        for (int i = 0; i < LogLimiter.MAX_KEYS; i++) {
            limiter.failure("stream" + i);
        }
        clock.advance(Duration.ofSeconds(20));
        assertThat(limiter.failure("one more")).isZero();
        assertThat(limiter.size()).as("the silent keys were dropped").isEqualTo(1);
    }
}

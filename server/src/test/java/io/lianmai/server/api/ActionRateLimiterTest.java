package io.lianmai.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** TRTC's 20 requests per second per action per credential. */
class ActionRateLimiterTest {
    @Test
    void twentyASecondPerActionPerCredential() {
        FakeClock clock = new FakeClock();
        ActionRateLimiter limiter = new ActionRateLimiter(20, clock);

        for (int i = 0; i < 20; i++) {
            assertThat(limiter.tryAcquire("AKID1", "DismissRoom")).as("request %d", i).isTrue();
        }
        assertThat(limiter.tryAcquire("AKID1", "DismissRoom")).isFalse();
        assertThat(limiter.tryAcquire("AKID1", "RemoveUser")).isTrue();
        assertThat(limiter.tryAcquire("AKID2", "DismissRoom")).isTrue();

        clock.advance(Duration.ofMillis(50));
        assertThat(limiter.tryAcquire("AKID1", "DismissRoom")).isTrue();
        assertThat(limiter.tryAcquire("AKID1", "DismissRoom")).isFalse();
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 20; i++) {
            assertThat(limiter.tryAcquire("AKID1", "DismissRoom")).isTrue();
        }
        assertThat(limiter.tryAcquire("AKID1", "DismissRoom")).isFalse();
    }
}

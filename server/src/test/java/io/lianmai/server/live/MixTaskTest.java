package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The NTP arithmetic a mix task's clock mapping rests on. */
class MixTaskTest {
    @Test
    void ntpTimestampsBecomeUnixMilliseconds() {
        long unixEpochSeconds = 2_208_988_800L; // 1970-01-01 in NTP seconds
        assertThat(MixTask.ntpMillis(unixEpochSeconds << 32)).isZero();
        assertThat(MixTask.ntpMillis((unixEpochSeconds + 1) << 32 | 0x8000_0000L)).isEqualTo(1_500);
        long now = 1_796_658_773_020L;
        long ntp = (now / 1000 + unixEpochSeconds) << 32 | ((now % 1000) << 32) / 1000 + 1;
        assertThat(MixTask.ntpMillis(ntp)).isEqualTo(now);
    }
}

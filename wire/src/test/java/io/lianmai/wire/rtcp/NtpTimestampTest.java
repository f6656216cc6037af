package io.lianmai.wire.rtcp;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class NtpTimestampTest {
    @Test
    void unixEpoch() {
        assertThat(NtpTimestamp.fromUnixNanos(0)).isEqualTo(0x83AA7E80_00000000L);
        assertThat(NtpTimestamp.toUnixNanos(0x83AA7E80_00000000L)).isZero();
    }

    @Test
    void halfASecond() {
        long ntp = NtpTimestamp.fromUnixNanos(500_000_000L);
        assertThat(ntp & 0xFFFF_FFFFL).isEqualTo(0x8000_0000L);
        assertThat(NtpTimestamp.middle32(ntp)).isEqualTo(0x7E80_8000L);
    }

    @Property(tries = 500)
    void roundTripsWithinANanosecond(@ForAll @LongRange(min = 0, max = 2_000_000_000_000_000_000L) long nanos) {
        long back = NtpTimestamp.toUnixNanos(NtpTimestamp.fromUnixNanos(nanos));
        assertThat(back).isBetween(nanos - 1, nanos);
    }
}

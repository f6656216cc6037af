package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NackGeneratorTest {
    private final NackGenerator nacks = new NackGenerator(256, 3, 1000, 100);
    private final int[] out = new int[64];

    @Test
    void aGapIsNackedAtOnceThenRetriedEveryIntervalUntilGivenUp() {
        nacks.onPacket(10, 0);
        assertThat(nacks.onPacket(13, 5)).isEqualTo(NackGenerator.NEW);

        assertThat(poll(5)).containsExactlyInAnyOrder(11, 12);
        assertThat(poll(50)).isEmpty();
        assertThat(poll(105)).containsExactlyInAnyOrder(11, 12);
        assertThat(poll(205)).containsExactlyInAnyOrder(11, 12);
        assertThat(poll(305)).as("three retries, then given up").isEmpty();
        assertThat(nacks.missingCount()).isZero();
    }

    @Test
    void arrivalStopsTheNacks() {
        nacks.onPacket(65534, 0);
        nacks.onPacket(1, 0);

        assertThat(nacks.onPacket(65535, 10)).isEqualTo(NackGenerator.RECOVERED);
        assertThat(poll(10)).containsExactly(0);
        assertThat(nacks.onPacket(0, 20)).isEqualTo(NackGenerator.RECOVERED);
        assertThat(nacks.onPacket(0, 21)).isEqualTo(NackGenerator.OLD);
        assertThat(poll(500)).isEmpty();
    }

    @Test
    void oldMissingPacketsAreGivenUp() {
        NackGenerator patient = new NackGenerator(16, 100, 300, 100);
        patient.onPacket(1, 0);
        patient.onPacket(3, 0);

        assertThat(patient.poll(0, out)).isEqualTo(1);
        assertThat(patient.poll(301, out)).isZero();
    }

    @Test
    void aHugeGapAsksForAKeyframeInstead() {
        nacks.onPacket(0, 0);

        assertThat(nacks.onPacket(1000, 0)).isEqualTo(NackGenerator.GAP_TOO_LARGE);
        assertThat(nacks.missingCount()).isZero();
        assertThat(nacks.onPacket(1001, 0)).isEqualTo(NackGenerator.NEW);
    }

    @Test
    void roundTripTimeSetsTheRetryInterval() {
        nacks.setRoundTripTime(30);
        nacks.onPacket(1, 0);
        nacks.onPacket(3, 0);

        assertThat(poll(0)).containsExactly(2);
        assertThat(poll(30)).containsExactly(2);
    }

    private int[] poll(long now) {
        return Arrays.copyOf(out, nacks.poll(now, out));
    }
}

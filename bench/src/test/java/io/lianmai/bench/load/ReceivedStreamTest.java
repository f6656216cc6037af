package io.lianmai.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReceivedStreamTest {
    private static final long MS = 1_000_000L;

    @Test
    void inOrderPacketsAcrossTheWrapAreNeitherLostNorNacked() {
        ReceivedStream stream = new ReceivedStream(1, true, true);
        for (int i = 0; i < 3000; i++) {
            assertThat(stream.onPacket((65_000 + i) & 0xFFFF, 100)).isEqualTo(ReceivedStream.FRESH);
        }
        assertThat(stream.expected()).isEqualTo(3000);
        assertThat(stream.lost()).isZero();
        assertThat(stream.pollNacks(0, new int[64])).isZero();
    }

    @Test
    void aGapIsNackedAtOnceThenRepeatedAndTheRetransmissionCountsAsRecovered() {
        ReceivedStream stream = new ReceivedStream(1, true, true);
        stream.onPacket(10, 100);
        stream.onPacket(13, 100);
        int[] out = new int[64];
        assertThat(stream.pollNacks(0, out)).isEqualTo(2);
        assertThat(out[0]).isEqualTo(11);
        assertThat(out[1]).isEqualTo(12);
        assertThat(stream.pollNacks(10 * MS, out)).as("not before the retry interval").isZero();
        assertThat(stream.lost()).isEqualTo(2);

        assertThat(stream.onPacket(11, 100)).isEqualTo(ReceivedStream.RECOVERED);
        assertThat(stream.pollNacks(ReceivedStream.NACK_RETRY_NANOS, out)).isEqualTo(1);
        assertThat(out[0]).isEqualTo(12);
        assertThat(stream.onPacket(12, 100)).isEqualTo(ReceivedStream.RECOVERED);
        assertThat(stream.onPacket(12, 100)).isEqualTo(ReceivedStream.DUPLICATE);
        assertThat(stream.lost()).isZero();
        assertThat(stream.recovered()).isEqualTo(2);
        assertThat(stream.duplicates()).isEqualTo(1);
        assertThat(stream.nackedSequenceNumbers()).isEqualTo(3);
    }

    @Test
    void aPacketThatOvertakesItsPredecessorBeforeAnyNackIsReorderedNotRecovered() {
        ReceivedStream stream = new ReceivedStream(1, true, true);
        stream.onPacket(1, 100);
        stream.onPacket(3, 100);
        assertThat(stream.onPacket(2, 100)).isEqualTo(ReceivedStream.REORDERED);
        assertThat(stream.reordered()).isEqualTo(1);
        assertThat(stream.pollNacks(0, new int[64])).isZero();
    }

    @Test
    void audioGapsCountAsLossButAreNeverNacked() {
        ReceivedStream stream = new ReceivedStream(1, false, false);
        stream.onPacket(100, 100);
        stream.onPacket(105, 100);
        assertThat(stream.lost()).isEqualTo(4);
        assertThat(stream.pollNacks(0, new int[64])).isZero();
    }

    @Test
    void nackingStopsAfterTheLastTry() {
        ReceivedStream stream = new ReceivedStream(1, true, true);
        stream.onPacket(1, 100);
        stream.onPacket(3, 100);
        int[] out = new int[64];
        int sent = 0;
        for (int i = 0; i < 20; i++) {
            sent += stream.pollNacks(i * ReceivedStream.NACK_RETRY_NANOS, out);
        }
        assertThat(sent).isEqualTo(ReceivedStream.NACK_TRIES);
        assertThat(stream.nackGaveUp()).isEqualTo(1);
        assertThat(stream.onPacket(2, 100)).isEqualTo(ReceivedStream.REORDERED);
    }
}

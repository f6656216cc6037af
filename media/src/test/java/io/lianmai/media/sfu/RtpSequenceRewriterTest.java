package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class RtpSequenceRewriterTest {
    private final RtpSequenceRewriter rewriter = new RtpSequenceRewriter(90000);

    @Test
    void firstSourcePassesThroughUnchanged() {
        assertThat(rewriter.rewrite(111, 5000, 123456, 0)).isTrue();
        assertThat(rewriter.sequenceNumber()).isEqualTo(5000);
        assertThat(rewriter.timestamp()).isEqualTo(123456);
    }

    @Test
    void sourceSwitchContinuesTheSequenceAndAdvancesTimeByWallClock() {
        rewriter.rewrite(111, 100, 9000, 1000);
        rewriter.rewrite(111, 101, 12000, 1033);

        assertThat(rewriter.rewrite(222, 40000, 777, 1066)).isTrue();

        assertThat(rewriter.sequenceNumber()).isEqualTo(102);
        assertThat(rewriter.timestamp()).isEqualTo(12000 + 33 * 90);
        assertThat(rewriter.rewrite(222, 40001, 777 + 3000, 1099)).isTrue();
        assertThat(rewriter.sequenceNumber()).isEqualTo(103);
        assertThat(rewriter.timestamp()).isEqualTo(12000 + 33 * 90 + 3000);
    }

    @Test
    void aRestartedStreamGoesOnFromItsLastPacketWithoutAGapForWhatWasSkipped() {
        rewriter.rewrite(111, 100, 9000, 1000);
        rewriter.rewrite(111, 101, 12000, 1033);
        rewriter.restartAtNextPacket();

        // A pause of 2 s: 600 packets of the same source were not forwarded.
        assertThat(rewriter.rewrite(111, 702, 12000 + 60 * 3000, 3033)).isTrue();
        assertThat(rewriter.sequenceNumber()).as("no gap the receiver would NACK").isEqualTo(102);
        assertThat(rewriter.timestamp()).isEqualTo(12000 + 2000 * 90);
        assertThat(rewriter.rewrite(111, 101, 12000, 3040)).as("from before the pause").isFalse();
    }

    @Test
    void packetsFromBeforeTheSwitchAreRefused() {
        rewriter.rewrite(111, 100, 0, 0);
        rewriter.rewrite(222, 500, 0, 10);

        assertThat(rewriter.rewrite(222, 499, 0, 12)).isFalse();
        assertThat(rewriter.rewrite(222, 501, 0, 13)).isTrue();
        assertThat(rewriter.sequenceNumber()).isEqualTo(102);
    }

    @Test
    void switchingBackToAnEarlierSourceContinuesToo() {
        rewriter.rewrite(111, 100, 0, 0);
        rewriter.rewrite(222, 500, 0, 10);

        assertThat(rewriter.rewrite(111, 130, 0, 20)).isTrue();
        assertThat(rewriter.sequenceNumber()).isEqualTo(102);
    }

    @Test
    void reorderedPacketsKeepTheirOrderAndMapBack() {
        rewriter.rewrite(111, 65534, 0, 0);
        rewriter.rewrite(111, 1, 0, 1);

        assertThat(rewriter.rewrite(111, 0, 0, 2)).isTrue();
        assertThat(rewriter.sequenceNumber()).isEqualTo(0);
        assertThat(rewriter.rewrite(111, 65535, 0, 3)).isTrue();
        assertThat(rewriter.sourceSequenceNumber(65535)).isEqualTo(65535);
        assertThat(rewriter.isCurrentSource(1)).isTrue();
    }

    @Test
    void packetsFarBehindTheNewestAreRefused() {
        rewriter.rewrite(111, 3000, 0, 0);
        rewriter.rewrite(111, 5000, 0, 1);

        assertThat(rewriter.rewrite(111, 3500, 0, 2)).isFalse();
        assertThat(rewriter.rewrite(111, 4500, 0, 3)).isTrue();
    }

    @Test
    void aLongRunOfOneSourceIsNeverRefused() {
        for (int i = 0; i < 200_000; i++) {
            assertThat(rewriter.rewrite(111, (65_000 + i) & 0xFFFF, 3000L * i & 0xFFFF_FFFFL, 33L * i))
                    .as("packet %d", i).isTrue();
        }
        assertThat(rewriter.isCurrentSource((65_000 + 199_990) & 0xFFFF)).isTrue();
        assertThat(rewriter.rewrite(111, (65_000 + 199_999 - 1_001) & 0xFFFF, 0, 0)).isFalse();
    }

    @Property
    void outputIsContiguousForContiguousInputAcrossSwitches(@ForAll @IntRange(min = 0, max = 65535) int start1,
            @ForAll @IntRange(min = 0, max = 65535) int start2, @ForAll @LongRange(min = 0, max = 0xFFFFFFFFL) long ts,
            @ForAll @IntRange(min = 1, max = 300) int count) {
        RtpSequenceRewriter rewriter = new RtpSequenceRewriter(48000);
        int expected = -1;
        for (int i = 0; i < count; i++) {
            assertThat(rewriter.rewrite(1, (start1 + i) & 0xFFFF, ts, i)).isTrue();
            if (expected >= 0) {
                assertThat(rewriter.sequenceNumber()).isEqualTo(expected);
            }
            expected = (rewriter.sequenceNumber() + 1) & 0xFFFF;
        }
        for (int i = 0; i < count; i++) {
            assertThat(rewriter.rewrite(2, (start2 + i) & 0xFFFF, ts, count + i)).isTrue();
            assertThat(rewriter.sequenceNumber()).isEqualTo(expected);
            expected = (expected + 1) & 0xFFFF;
        }
    }
}

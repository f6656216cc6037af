package io.lianmai.media.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.wire.rtcp.PictureLossIndication;
import io.lianmai.wire.rtcp.ReceiverEstimatedMaximumBitrate;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** A player's REMB as its downlink estimate: the latest well-formed one counts; anything else is counted. */
class RembEstimateTest {
    private final RembEstimate estimate = new RembEstimate();

    @Test
    void noEstimateUntilTheFirstRembThenTheLatestOne() {
        assertThat(estimate.bitrate()).isEqualTo(-1);
        assertThat(estimate.lastReportMillis()).isEqualTo(-1);

        byte[] first = remb(1_500_000, 0x1111_1111L);
        assertThat(estimate.onFeedback(first, 0, first.length, 1000)).isTrue();
        assertThat(estimate.bitrate()).isEqualTo(1_500_000);
        byte[] second = remb(420_000, 0x1111_1111L, 0x2222_2222L);
        assertThat(estimate.onFeedback(second, 0, second.length, 1500)).isTrue();
        assertThat(estimate.bitrate()).isEqualTo(420_000);
        assertThat(estimate.lastReportMillis()).isEqualTo(1500);
        assertThat(estimate.reports()).isEqualTo(2);
        assertThat(estimate.ignored()).isZero();
    }

    @Test
    void reportsAreAnEstimateOfThePathTwoSecondsAfterTheFirstOrAtOnceWithACut() {
        report(600_000, 3000);
        assertThat(estimate.known()).as("the first report is what came, not what the path carries").isFalse();
        report(648_000, 3500);
        report(700_000, 4900);
        assertThat(estimate.known()).isFalse();
        report(760_000, 5000);
        assertThat(estimate.known()).isTrue();
        assertThat(estimate.targetBitrate()).isEqualTo(760_000);

        RembEstimate cutAtOnce = new RembEstimate();
        byte[] first = remb(1_500_000);
        byte[] cut = remb(255_000);
        cutAtOnce.onFeedback(first, 0, first.length, 3000);
        cutAtOnce.onFeedback(cut, 0, cut.length, 3500);
        assertThat(cutAtOnce.known()).isTrue();
        assertThat(cutAtOnce.congested()).isTrue();
    }

    @Test
    void aCutUnder97PercentOfThePreviousReportIsCongestionUntilAReport2sAfterIt() {
        report(1_000_000, 0);
        report(980_000, 500);
        assertThat(estimate.congested()).as("a 2 % dip is noise").isFalse();
        report(850_000, 1000);
        assertThat(estimate.congested()).isTrue();
        assertThat(estimate.cuts()).isEqualTo(1);
        report(850_000, 1500);
        report(880_000, 2900);
        assertThat(estimate.congested()).as("held").isTrue();
        report(900_000, 3000);
        assertThat(estimate.congested()).isFalse();
    }

    @Test
    void aRampPadsUpTo1point5TimesTheEstimateAndNoMoreThanWanted() {
        report(400_000, 0);
        assertThat(estimate.probeRate(2_000_000)).isEqualTo(600_000);
        assertThat(estimate.probeRate(500_000)).isEqualTo(500_000);
        assertThat(estimate.probeMillis()).isEqualTo(RembEstimate.RAMP_MILLIS);
        assertThat(estimate.probing()).isFalse();
        estimate.startProbe();
        assertThat(estimate.probing()).isTrue();
        estimate.endProbe(5000);
        assertThat(estimate.probing()).as("nothing to wait for after a ramp").isFalse();
    }

    private void report(long bitrate, long nowMillis) {
        byte[] packet = remb(bitrate);
        assertThat(estimate.onFeedback(packet, 0, packet.length, nowMillis)).isTrue();
    }

    @Test
    void aRembAtAnOffsetInsideALargerBufferIsRead() {
        byte[] remb = remb(800_000);
        byte[] buf = new byte[remb.length + 40];
        System.arraycopy(remb, 0, buf, 24, remb.length);
        assertThat(estimate.onFeedback(buf, 24, remb.length, 7)).isTrue();
        assertThat(estimate.bitrate()).isEqualTo(800_000);
    }

    @Test
    void malformedRembsAreCountedAndLeaveTheEstimate() {
        byte[] good = remb(2_000_000);
        estimate.onFeedback(good, 0, good.length, 0);

        byte[] badCount = remb(100_000, 0x1111_1111L);
        badCount[16] = 5; // announces five SSRCs, holds one
        byte[] badIdentifier = remb(100_000);
        badIdentifier[12] = 'X';
        byte[] pli = new byte[12];
        PictureLossIndication.write(pli, 0, 1, 2);
        byte[] full = remb(100_000);
        byte[] truncated = Arrays.copyOf(full, 16);
        for (byte[] bad : new byte[][] {badCount, badIdentifier, pli, new byte[0]}) {
            assertThat(estimate.onFeedback(bad, 0, bad.length, 10)).isFalse();
        }
        assertThat(estimate.onFeedback(full, 0, 16, 10)).as("cut short").isFalse();
        assertThat(estimate.onFeedback(truncated, 0, 20, 10)).as("length past the array").isFalse();
        assertThat(estimate.onFeedback(null, 0, 20, 10)).isFalse();
        assertThat(estimate.onFeedback(full, -4, 20, 10)).isFalse();

        assertThat(estimate.bitrate()).isEqualTo(2_000_000);
        assertThat(estimate.lastReportMillis()).isZero();
        assertThat(estimate.ignored()).isEqualTo(8);
        assertThat(estimate.reports()).isEqualTo(1);
    }

    @Property(tries = 2000)
    void garbageNeverThrowsAndOnlyAWellFormedRembChangesTheEstimate(@ForAll @Size(max = 64) byte[] garbage,
            @ForAll @IntRange(min = -2, max = 70) int offset, @ForAll @IntRange(min = -2, max = 70) int length) {
        RembEstimate fresh = new RembEstimate();
        boolean read = fresh.onFeedback(garbage, offset, length, 5);
        assertThat(fresh.reports() + fresh.ignored()).isEqualTo(1);
        assertThat(fresh.bitrate() >= 0).isEqualTo(read);
        if (read) {
            ReceiverEstimatedMaximumBitrate view = new ReceiverEstimatedMaximumBitrate();
            assertThat(view.wrap(garbage, offset, length)).isTrue();
            assertThat(fresh.bitrate()).isEqualTo(view.bitrate());
        }
    }

    @Property(tries = 500)
    void anyBitrateRoundTripsWithinTheMantissasPrecision(@ForAll @IntRange(min = 0, max = 2_000_000_000) int bps) {
        byte[] packet = remb(bps);
        RembEstimate fresh = new RembEstimate();
        assertThat(fresh.onFeedback(packet, 0, packet.length, 0)).isTrue();
        // An 18-bit mantissa: rounded down by less than 2^-17 of the value.
        assertThat(fresh.bitrate()).isLessThanOrEqualTo(bps).isGreaterThanOrEqualTo(bps - bps / (1 << 17) - 1);
    }

    static byte[] remb(long bitrate, long... ssrcs) {
        byte[] packet = new byte[ReceiverEstimatedMaximumBitrate.lengthFor(ssrcs.length)];
        ReceiverEstimatedMaximumBitrate.write(packet, 0, 0xABCD, bitrate, ssrcs, 0, ssrcs.length);
        return packet;
    }
}

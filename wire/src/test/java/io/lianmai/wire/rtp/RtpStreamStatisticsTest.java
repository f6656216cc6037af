package io.lianmai.wire.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.wire.rtcp.NtpTimestamp;
import io.lianmai.wire.rtcp.ReportBlock;
import org.junit.jupiter.api.Test;

/** Drives the statistics with a fake clock: arrival times are plain numbers the test advances. */
class RtpStreamStatisticsTest {
    private static final long MS = 1_000_000L;
    private static final int OPUS_FRAME = 960;

    private final RtpStreamStatistics stats = new RtpStreamStatistics(0xCAFEBABEL, 48_000);
    private long now = 5_000 * MS;

    private void receive(int seq, long ts) {
        receive(seq, ts, 0);
    }

    private void receive(int seq, long ts, long lateNanos) {
        stats.onPacket(seq, ts, 100, now + lateNanos);
    }

    @Test
    void inOrderStreamAcrossTheWrapHasNoLossAndNoJitter() {
        for (int i = 0; i < 100; i++) {
            receive((65_500 + i) & 0xFFFF, 1_000_000L + (long) i * OPUS_FRAME);
            now += 20 * MS;
        }
        assertThat(stats.received()).isEqualTo(100);
        assertThat(stats.receivedBytes()).isEqualTo(10_000);
        assertThat(stats.expected()).isEqualTo(100);
        assertThat(stats.cumulativeLost()).isZero();
        assertThat(stats.fractionLost()).isZero();
        assertThat(stats.extendedHighestSequenceNumber()).isEqualTo(65_536 + 63);
        assertThat(stats.jitter()).isZero();
    }

    @Test
    void lossPerIntervalAndCumulative() {
        for (int seq = 0; seq < 100; seq++) {
            if (seq % 10 != 5) {
                receive(seq, (long) seq * OPUS_FRAME);
            }
            now += 20 * MS;
        }
        assertThat(stats.expected()).isEqualTo(100);
        assertThat(stats.received()).isEqualTo(90);
        assertThat(stats.cumulativeLost()).isEqualTo(10);
        assertThat(stats.fractionLost()).isEqualTo(10 * 256 / 100);

        byte[] block = new byte[ReportBlock.LENGTH];
        assertThat(stats.writeReportBlock(block, 0, now)).isEqualTo(ReportBlock.LENGTH);
        assertThat(ReportBlock.ssrc(block, 0)).isEqualTo(0xCAFEBABEL);
        assertThat(ReportBlock.fractionLost(block, 0)).isEqualTo(25);
        assertThat(ReportBlock.cumulativeLost(block, 0)).isEqualTo(10);
        assertThat(ReportBlock.extendedHighestSequenceNumber(block, 0)).isEqualTo(99);
        assertThat(ReportBlock.lastSenderReport(block, 0)).isZero();
        assertThat(ReportBlock.delaySinceLastSenderReport(block, 0)).isZero();

        for (int seq = 100; seq < 200; seq++) {
            receive(seq, (long) seq * OPUS_FRAME);
            now += 20 * MS;
        }
        assertThat(stats.fractionLost()).as("new interval without loss").isZero();
        assertThat(stats.cumulativeLost()).isEqualTo(10);
    }

    @Test
    void duplicatesMakeLossNegativeAndTheBlockCarriesTheSign() {
        receive(1, 0);
        receive(2, 960);
        receive(2, 960);
        assertThat(stats.cumulativeLost()).isEqualTo(-1);
        assertThat(stats.fractionLost()).isZero();
        byte[] block = new byte[30];
        stats.writeReportBlock(block, 6, now);
        assertThat(ReportBlock.cumulativeLost(block, 6)).isEqualTo(-1);
    }

    @Test
    void jitterFollowsRfc3550() {
        double reference = 0;
        long previousTransit = 0;
        for (int i = 0; i < 300; i++) {
            long late = (i % 2 == 0) ? 0 : 5 * MS;
            long ts = (long) i * OPUS_FRAME;
            receive(i, ts, late);
            long arrivalTicks = (now + late - 5_000 * MS) / 1_000 * 48_000 / 1_000_000;
            long transit = arrivalTicks - ts;
            if (i > 0) {
                reference += (Math.abs(transit - previousTransit) - reference) / 16;
            }
            previousTransit = transit;
            now += 20 * MS;
        }
        // Every other packet is 5 ms (240 ticks) late, so |D| is always 240 and J converges to it.
        assertThat((double) stats.jitter()).isCloseTo(reference, org.assertj.core.data.Offset.offset(2.0));
        assertThat(stats.jitter()).isBetween(235L, 240L);
    }

    @Test
    void reorderedPacketsCountButDoNotAddJitter() {
        int[] order = {0, 1, 3, 2, 4, 5};
        for (int seq : order) {
            long late = seq == 2 ? 40 * MS : 0;
            receive(seq, (long) seq * OPUS_FRAME, late);
            now += 20 * MS;
        }
        assertThat(stats.received()).isEqualTo(6);
        assertThat(stats.cumulativeLost()).isZero();
        assertThat(stats.extendedHighestSequenceNumber()).isEqualTo(5);
    }

    @Test
    void aVeryLargeJumpIsConfirmedByTheNextPacketAndRestarts() {
        for (int seq = 0; seq <= 100; seq++) {
            receive(seq, seq);
        }
        assertThat(stats.onPacket(20_000, 0, 100, now)).isFalse();
        assertThat(stats.received()).isEqualTo(101);
        assertThat(stats.onPacket(20_001, 0, 100, now)).isTrue();
        assertThat(stats.received()).isEqualTo(1);
        assertThat(stats.expected()).isEqualTo(1);
        assertThat(stats.extendedHighestSequenceNumber()).isEqualTo(20_001);
    }

    @Test
    void aLoneStrayPacketIsIgnored() {
        for (int seq = 0; seq <= 100; seq++) {
            receive(seq, seq);
        }
        assertThat(stats.onPacket(40_000, 0, 100, now)).isFalse();
        assertThat(stats.onPacket(101, 0, 100, now)).isTrue();
        assertThat(stats.expected()).isEqualTo(102);
        assertThat(stats.cumulativeLost()).isZero();
    }

    @Test
    void lastSenderReportAndDelaySinceIt() {
        receive(1, 0);
        long ntp = NtpTimestamp.fromUnixNanos(1_700_000_000_123_000_000L);
        stats.onSenderReport(ntp, now);
        now += 1_500 * MS;
        byte[] block = new byte[ReportBlock.LENGTH];
        stats.writeReportBlock(block, 0, now);
        assertThat(ReportBlock.lastSenderReport(block, 0)).isEqualTo(NtpTimestamp.middle32(ntp));
        assertThat(ReportBlock.delaySinceLastSenderReport(block, 0)).isEqualTo(3 * 65_536 / 2);
    }

    @Test
    void aFailedWriteDoesNotStartANewInterval() {
        receive(0, 0);
        receive(2, 1920);
        assertThat(stats.writeReportBlock(new byte[10], 0, now)).isEqualTo(-1);
        assertThat(stats.fractionLost()).isEqualTo(256 / 3);
    }

    @Test
    void rejectsANonPositiveClockRate() {
        assertThatThrownBy(() -> new RtpStreamStatistics(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new RtpStreamStatistics(-1, 90_000).ssrc()).isEqualTo(0xFFFF_FFFFL);
    }
}

package io.lianmai.wire.rtcp;

import io.lianmai.testkit.Hex;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Hex;
import org.junit.jupiter.api.Test;

class ReceiverReportTest {
    private final ReceiverReport rr = new ReceiverReport();

    @Test
    void emptyReceiverReport() {
        byte[] bytes = Hex.bytes("80 c9 00 01 | de ad be ef");
        assertThat(rr.wrap(bytes, 0, bytes.length)).isTrue();
        assertThat(rr.senderSsrc()).isEqualTo(0xdeadbeefL);
        assertThat(rr.reportCount()).isZero();
        assertThat(rr.length()).isEqualTo(8);
    }

    @Test
    void writerRoundTripsWithBlocks() {
        byte[] bytes = new byte[ReceiverReport.lengthFor(3)];
        int length = ReceiverReport.write(bytes, 0, 0x1234, 3);
        assertThat(length).isEqualTo(80);
        for (int i = 0; i < 3; i++) {
            ReportBlock.write(bytes, 8 + 24 * i, 100 + i, 10 * i, -i, 1000 + i, 20 + i, 30 + i, 40 + i);
        }
        assertThat(rr.wrap(bytes, 0, length)).isTrue();
        assertThat(rr.senderSsrc()).isEqualTo(0x1234);
        assertThat(rr.reportCount()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            int block = rr.reportBlockOffset(i);
            assertThat(ReportBlock.ssrc(bytes, block)).isEqualTo(100 + i);
            assertThat(ReportBlock.fractionLost(bytes, block)).isEqualTo(10 * i);
            assertThat(ReportBlock.cumulativeLost(bytes, block)).isEqualTo(-i);
            assertThat(ReportBlock.extendedHighestSequenceNumber(bytes, block)).isEqualTo(1000 + i);
            assertThat(ReportBlock.jitter(bytes, block)).isEqualTo(20 + i);
            assertThat(ReportBlock.lastSenderReport(bytes, block)).isEqualTo(30 + i);
            assertThat(ReportBlock.delaySinceLastSenderReport(bytes, block)).isEqualTo(40 + i);
        }
        rr.setSenderSsrc(9);
        rr.setReportBlockSsrc(2, 0x8000_0000L);
        assertThat(rr.senderSsrc()).isEqualTo(9);
        assertThat(ReportBlock.ssrc(bytes, rr.reportBlockOffset(2))).isEqualTo(0x8000_0000L);
        assertThat(ReportBlock.ssrc(bytes, rr.reportBlockOffset(1))).isEqualTo(101);
    }

    @Test
    void rejectsInvalidReports() {
        assertThat(rr.wrap(Hex.bytes("81 c9 00 01 | de ad be ef"), 0, 8)).as("announced block missing").isFalse();
        assertThat(rr.wrap(Hex.bytes("80 c9 00 00"), 0, 4)).as("no sender SSRC").isFalse();
        assertThat(rr.wrap(Hex.bytes("80 c8 00 01 | de ad be ef"), 0, 8)).as("an SR").isFalse();
        assertThat(rr.wrap(Hex.bytes("a0 c9 00 01 | de ad be 04"), 0, 8)).as("padding eats the SSRC").isFalse();
        assertThat(ReceiverReport.write(new byte[7], 0, 1, 0)).isEqualTo(-1);
        assertThat(ReceiverReport.write(new byte[8], 1, 1, 0)).isEqualTo(-1);
    }
}

package io.lianmai.wire.rtcp;

import io.lianmai.testkit.Hex;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Hex;
import org.junit.jupiter.api.Test;

class SenderReportTest {
    private final SenderReport sr = new SenderReport();

    @Test
    void readsAHandBuiltSenderReport() {
        byte[] bytes = Hex.bytes(RtcpIteratorTest.SR);
        assertThat(sr.wrap(bytes, 0, bytes.length)).isTrue();
        assertThat(sr.length()).isEqualTo(52);
        assertThat(sr.senderSsrc()).isEqualTo(0x5e3c91a7L);
        assertThat(sr.ntpTimestamp()).isEqualTo(0xe94b1c2a_80000000L);
        assertThat(sr.rtpTimestamp()).isEqualTo(123_456);
        assertThat(sr.packetCount()).isEqualTo(100);
        assertThat(sr.octetCount()).isEqualTo(4000);
        assertThat(sr.reportCount()).isEqualTo(1);
        int block = sr.reportBlockOffset(0);
        assertThat(block).isEqualTo(28);
        assertThat(ReportBlock.ssrc(bytes, block)).isEqualTo(0x11223344L);
        assertThat(ReportBlock.fractionLost(bytes, block)).isEqualTo(5);
        assertThat(ReportBlock.cumulativeLost(bytes, block)).isEqualTo(-2);
        assertThat(ReportBlock.extendedHighestSequenceNumber(bytes, block)).isEqualTo(65_552);
        assertThat(ReportBlock.jitter(bytes, block)).isEqualTo(32);
        assertThat(ReportBlock.lastSenderReport(bytes, block)).isEqualTo(0x1c2a8000L);
        assertThat(ReportBlock.delaySinceLastSenderReport(bytes, block)).isEqualTo(0x18000L);
        assertThat(NtpTimestamp.middle32(sr.ntpTimestamp())).isEqualTo(0x1c2a8000L);
    }

    @Test
    void writerRoundTripsWithReportBlocks() {
        byte[] bytes = new byte[200];
        int off = 16;
        int length = SenderReport.write(bytes, off, 0xF000_0001L, 0x0123_4567_89AB_CDEFL, 0xFFFF_FFFFL, 7, 8_000_000_000L,
                2);
        assertThat(length).isEqualTo(SenderReport.lengthFor(2)).isEqualTo(76);
        assertThat(ReportBlock.write(bytes, off + 28, 0xAAL, 255, 0x7F_FFFF, 0xFFFF_FFFFL, 1, 2, 3)).isEqualTo(24);
        assertThat(ReportBlock.write(bytes, off + 52, 0xBBL, 0, -0x80_0000, 0, 0, 0, 0)).isEqualTo(24);

        assertThat(sr.wrap(bytes, off, length)).isTrue();
        assertThat(sr.senderSsrc()).isEqualTo(0xF000_0001L);
        assertThat(sr.ntpTimestamp()).isEqualTo(0x0123_4567_89AB_CDEFL);
        assertThat(sr.rtpTimestamp()).isEqualTo(0xFFFF_FFFFL);
        assertThat(sr.packetCount()).isEqualTo(7);
        assertThat(sr.octetCount()).as("low 32 bits").isEqualTo(8_000_000_000L & 0xFFFF_FFFFL);
        assertThat(sr.reportCount()).isEqualTo(2);
        assertThat(ReportBlock.ssrc(bytes, sr.reportBlockOffset(0))).isEqualTo(0xAA);
        assertThat(ReportBlock.fractionLost(bytes, sr.reportBlockOffset(0))).isEqualTo(255);
        assertThat(ReportBlock.cumulativeLost(bytes, sr.reportBlockOffset(0))).isEqualTo(0x7F_FFFF);
        assertThat(ReportBlock.extendedHighestSequenceNumber(bytes, sr.reportBlockOffset(0))).isEqualTo(0xFFFF_FFFFL);
        assertThat(ReportBlock.jitter(bytes, sr.reportBlockOffset(0))).isEqualTo(1);
        assertThat(ReportBlock.lastSenderReport(bytes, sr.reportBlockOffset(0))).isEqualTo(2);
        assertThat(ReportBlock.delaySinceLastSenderReport(bytes, sr.reportBlockOffset(0))).isEqualTo(3);
        assertThat(ReportBlock.ssrc(bytes, sr.reportBlockOffset(1))).isEqualTo(0xBB);
        assertThat(ReportBlock.cumulativeLost(bytes, sr.reportBlockOffset(1))).isEqualTo(-0x80_0000);

        RtcpIterator iterator = new RtcpIterator();
        iterator.reset(bytes, off, length);
        assertThat(iterator.next()).isTrue();
        assertThat(iterator.packetLength()).isEqualTo(length);
        assertThat(iterator.next()).isFalse();
        assertThat(iterator.isMalformed()).isFalse();
    }

    @Test
    void reportBlockClampsCumulativeLost() {
        byte[] bytes = new byte[24];
        ReportBlock.write(bytes, 0, 1, 0, Integer.MAX_VALUE, 0, 0, 0, 0);
        assertThat(ReportBlock.cumulativeLost(bytes, 0)).isEqualTo(0x7F_FFFF);
        ReportBlock.write(bytes, 0, 1, 0, Integer.MIN_VALUE, 0, 0, 0, 0);
        assertThat(ReportBlock.cumulativeLost(bytes, 0)).isEqualTo(-0x80_0000);
        assertThat(ReportBlock.write(bytes, 1, 1, 0, 0, 0, 0, 0, 0)).isEqualTo(-1);
    }

    @Test
    void translatesSsrcsInPlace() {
        byte[] bytes = Hex.bytes(RtcpIteratorTest.SR);
        sr.wrap(bytes, 0, bytes.length);
        sr.setSenderSsrc(0x0A0B0C0DL);
        sr.setReportBlockSsrc(0, 0xFFFF_FFFEL);
        sr.setRtpTimestamp(42);
        sr.setNtpTimestamp(-1L);
        sr.setPacketCount(5);
        sr.setOctetCount(6);

        SenderReport reread = new SenderReport();
        assertThat(reread.wrap(bytes, 0, bytes.length)).isTrue();
        assertThat(reread.senderSsrc()).isEqualTo(0x0A0B0C0DL);
        assertThat(ReportBlock.ssrc(bytes, reread.reportBlockOffset(0))).isEqualTo(0xFFFF_FFFEL);
        assertThat(reread.rtpTimestamp()).isEqualTo(42);
        assertThat(reread.ntpTimestamp()).isEqualTo(-1L);
        assertThat(reread.packetCount()).isEqualTo(5);
        assertThat(reread.octetCount()).isEqualTo(6);
        assertThat(ReportBlock.fractionLost(bytes, 28)).as("rest of the block untouched").isEqualTo(5);
    }

    @Test
    void rejectsInvalidReports() {
        byte[] bytes = Hex.bytes(RtcpIteratorTest.SR);
        assertThat(sr.wrap(bytes, 0, bytes.length - 4)).as("length field beyond len").isFalse();
        byte[] tooManyBlocks = Hex.bytes(RtcpIteratorTest.SR);
        tooManyBlocks[0] = (byte) 0x82;
        assertThat(sr.wrap(tooManyBlocks, 0, tooManyBlocks.length)).isFalse();
        byte[] shortLength = Hex.bytes(RtcpIteratorTest.SR);
        shortLength[3] = 0x0b;
        assertThat(sr.wrap(shortLength, 0, shortLength.length)).as("block cut by the length field").isFalse();
        assertThat(sr.wrap(Hex.bytes(RtcpIteratorTest.PLI), 0, 12)).as("not an SR").isFalse();
        assertThat(sr.wrap(Hex.bytes("80 c8 00 01 00 00 00 01"), 0, 8)).as("no sender info").isFalse();
        assertThat(sr.wrap(null, 0, 0)).isFalse();
        assertThat(sr.buffer()).isNull();
    }

    @Test
    void writerRefusesWhatDoesNotFit() {
        assertThat(SenderReport.write(new byte[27], 0, 1, 2, 3, 4, 5, 0)).isEqualTo(-1);
        assertThat(SenderReport.write(new byte[28], 0, 1, 2, 3, 4, 5, 0)).isEqualTo(28);
        assertThat(SenderReport.write(new byte[100], 0, 1, 2, 3, 4, 5, 32)).isEqualTo(-1);
        assertThat(SenderReport.write(new byte[100], 0, 1, 2, 3, 4, 5, -1)).isEqualTo(-1);
    }
}

package io.lianmai.wire.rtcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Hex;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ExtendedReportTest {
    /** An XR from Chromium's receiver: SSRC 1, an RRTR block with NTP time 0xE9C3A1B2.C4D5E6F7. */
    private static final String CHROMIUM_RRTR = "80 cf 00 04 00 00 00 01 04 00 00 02 e9 c3 a1 b2 c4 d5 e6 f7";

    @Test
    void readsTheMiddle32BitsOfAnRrtrAndItsSender() {
        byte[] xr = Hex.bytes(CHROMIUM_RRTR);
        assertThat(ExtendedReport.senderSsrc(xr, 0, xr.length)).isEqualTo(1);
        assertThat(ExtendedReport.receiverReferenceTimeMiddle32(xr, 0, xr.length)).isEqualTo(0xA1B2C4D5L);
    }

    @Test
    void findsTheRrtrAfterAnotherBlockAndNoneWhereThereIsNone() {
        // A DLRR block first (type 5, 3 words), then the RRTR.
        byte[] both = Hex.bytes("80 cf 00 08 00 00 00 01 05 00 00 03 00 00 00 02 00 00 00 03 00 00 00 04"
                + " 04 00 00 02 00 00 12 34 56 78 00 00");
        assertThat(ExtendedReport.receiverReferenceTimeMiddle32(both, 0, both.length)).isEqualTo(0x12345678L);
        byte[] onlyDlrr = new byte[ExtendedReport.dlrrLength(1)];
        dlrr(onlyDlrr, 0, 9, 1, 7, 8);
        assertThat(ExtendedReport.receiverReferenceTimeMiddle32(onlyDlrr, 0, onlyDlrr.length)).isEqualTo(-1);
    }

    @Test
    void writesADlrrAnsweringTheRrtr() {
        byte[] out = new byte[40];
        int len = dlrr(out, 4, 0xCAFEBABEL, 1, 0xA1B2C4D5L, 0x8000);
        assertThat(len).isEqualTo(24);
        assertThat(java.util.Arrays.copyOfRange(out, 4, 4 + len))
                .isEqualTo(Hex.bytes("80 cf 00 05 ca fe ba be 05 00 00 03 00 00 00 01 a1 b2 c4 d5 00 00 80 00"));
        assertThat(RtcpHeader.isRtcp(out, 4, len)).isTrue();
        assertThat(ExtendedReport.senderSsrc(out, 4, len)).isEqualTo(0xCAFEBABEL);
        int capped = dlrr(out, 0, 1, 1, 1, Long.MAX_VALUE);
        assertThat(io.lianmai.common.BigEndian.u32(out, capped - 4)).as("delay capped").isEqualTo(0xFFFF_FFFFL);
    }

    @Test
    void writesOneDlrrBlockWithASubBlockPerReceiver() {
        byte[] out = new byte[ExtendedReport.dlrrLength(2)];
        assertThat(ExtendedReport.writeDlrrHeader(out, 0, 5, 2)).isEqualTo(36);
        ExtendedReport.writeDlrrSubBlock(out, 0, 0, 7, 0x11, 0x22);
        ExtendedReport.writeDlrrSubBlock(out, 0, 1, 8, 0x33, 0x44);
        assertThat(out).isEqualTo(Hex.bytes("80 cf 00 08 00 00 00 05 05 00 00 06"
                + " 00 00 00 07 00 00 00 11 00 00 00 22 00 00 00 08 00 00 00 33 00 00 00 44"));
        assertThat(ExtendedReport.receiverReferenceTimeMiddle32(out, 0, out.length)).as("no RRTR in it").isEqualTo(-1);
    }

    /** One DLRR sub-block in its own XR packet. */
    private static int dlrr(byte[] buf, int off, long sender, long receiver, long lastRr, long delay) {
        int len = ExtendedReport.writeDlrrHeader(buf, off, sender, 1);
        ExtendedReport.writeDlrrSubBlock(buf, off, 0, receiver, lastRr, delay);
        return len;
    }

    @Test
    void refusesTruncatedAndForeignPackets() {
        byte[] xr = Hex.bytes(CHROMIUM_RRTR);
        for (int len = 0; len < xr.length; len++) {
            assertThat(ExtendedReport.receiverReferenceTimeMiddle32(xr, 0, len)).as("cut at %d", len).isEqualTo(-1);
        }
        byte[] wrongType = Hex.bytes("80 c9 00 04 00 00 00 01 04 00 00 02 e9 c3 a1 b2 c4 d5 e6 f7");
        assertThat(ExtendedReport.senderSsrc(wrongType, 0, wrongType.length)).isEqualTo(-1);
        // A block claiming more words than the packet holds.
        byte[] overlong = Hex.bytes("80 cf 00 04 00 00 00 01 04 00 00 09 e9 c3 a1 b2 c4 d5 e6 f7");
        assertThat(ExtendedReport.receiverReferenceTimeMiddle32(overlong, 0, overlong.length)).isEqualTo(-1);
    }

    /** Garbage in: never an exception, and an answer is always a 32-bit value or -1. */
    @Property(tries = 3000)
    void garbageNeverThrows(@ForAll byte[] bytes, @ForAll boolean asXr) {
        if (asXr && bytes.length >= 4) {
            bytes[0] = (byte) 0x80;
            bytes[1] = (byte) RtcpPacketType.XR;
            bytes[2] = 0;
            bytes[3] = (byte) (bytes.length / 4 - 1);
        }
        long middle = ExtendedReport.receiverReferenceTimeMiddle32(bytes, 0, bytes.length);
        assertThat(middle).isBetween(-1L, 0xFFFF_FFFFL);
        assertThat(ExtendedReport.senderSsrc(bytes, 0, bytes.length)).isBetween(-1L, 0xFFFF_FFFFL);
    }
}

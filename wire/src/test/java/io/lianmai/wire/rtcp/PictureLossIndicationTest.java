package io.lianmai.wire.rtcp;

import io.lianmai.testkit.Hex;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Hex;
import org.junit.jupiter.api.Test;

class PictureLossIndicationTest {
    private final PictureLossIndication pli = new PictureLossIndication();

    @Test
    void writerRoundTripsAndMatchesTheWireBytes() {
        byte[] bytes = new byte[12];
        assertThat(PictureLossIndication.write(bytes, 0, 0x5e3c91a7L, 0x11223344L)).isEqualTo(12);
        assertThat(bytes).isEqualTo(Hex.bytes(RtcpIteratorTest.PLI));
        assertThat(pli.wrap(bytes, 0, 12)).isTrue();
        assertThat(pli.senderSsrc()).isEqualTo(0x5e3c91a7L);
        assertThat(pli.mediaSsrc()).isEqualTo(0x11223344L);
        pli.setMediaSsrc(7);
        pli.setSenderSsrc(8);
        assertThat(RtcpFeedback.mediaSsrc(bytes, 0)).isEqualTo(7);
        assertThat(RtcpFeedback.senderSsrc(bytes, 0)).isEqualTo(8);
        assertThat(RtcpFeedback.format(bytes, 0)).isEqualTo(RtcpFeedback.FMT_PLI);
    }

    @Test
    void rejectsOtherMessages() {
        assertThat(pli.wrap(Hex.bytes("84 ce 00 02 | 00 00 00 01 | 00 00 00 02"), 0, 12)).as("FIR").isFalse();
        assertThat(pli.wrap(Hex.bytes("81 cd 00 02 | 00 00 00 01 | 00 00 00 02"), 0, 12)).as("NACK").isFalse();
        assertThat(pli.wrap(Hex.bytes("81 ce 00 01 | 00 00 00 01"), 0, 8)).as("no media SSRC").isFalse();
        assertThat(PictureLossIndication.write(new byte[11], 0, 1, 2)).isEqualTo(-1);
    }
}

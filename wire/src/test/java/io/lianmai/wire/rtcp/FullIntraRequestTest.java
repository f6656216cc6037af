package io.lianmai.wire.rtcp;

import io.lianmai.testkit.Hex;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Hex;
import org.junit.jupiter.api.Test;

class FullIntraRequestTest {
    private final FullIntraRequest fir = new FullIntraRequest();

    @Test
    void singleEntryMatchesTheWireBytes() {
        byte[] bytes = new byte[20];
        assertThat(FullIntraRequest.write(bytes, 0, 0x01020304L, 0xA1A2A3A4L, 0x1FF)).isEqualTo(20);
        assertThat(bytes).isEqualTo(Hex.bytes("84 ce 00 04 | 01 02 03 04 | 00 00 00 00 | a1 a2 a3 a4 | ff 00 00 00"));
        assertThat(fir.wrap(bytes, 0, bytes.length)).isTrue();
        assertThat(fir.senderSsrc()).isEqualTo(0x01020304L);
        assertThat(fir.entryCount()).isEqualTo(1);
        assertThat(fir.ssrc(0)).isEqualTo(0xA1A2A3A4L);
        assertThat(fir.sequenceNumber(0)).as("8 bits, kept by the caller").isEqualTo(255);
    }

    @Test
    void severalEntries() {
        byte[] bytes = new byte[FullIntraRequest.lengthFor(3) + 4];
        int length = FullIntraRequest.write(bytes, 4, 9, new long[] {0, 10, 20, 30}, new int[] {0, 1, 2, 3}, 1, 3);
        assertThat(length).isEqualTo(36);
        assertThat(fir.wrap(bytes, 4, length)).isTrue();
        assertThat(fir.entryCount()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(fir.ssrc(i)).isEqualTo(10L * (i + 1));
            assertThat(fir.sequenceNumber(i)).isEqualTo(i + 1);
        }
        fir.setSsrc(2, 0xFFFF_FFFFL);
        fir.setSenderSsrc(77);
        assertThat(fir.ssrc(2)).isEqualTo(0xFFFF_FFFFL);
        assertThat(fir.senderSsrc()).isEqualTo(77);
        assertThat(FullIntraRequest.write(bytes, 5, 9, new long[] {1, 2, 3}, new int[] {1, 2, 3}, 0, 3))
                .isEqualTo(-1);
        assertThat(FullIntraRequest.write(bytes, 0, 9, new long[0], new int[0], 0, 0)).isEqualTo(-1);
    }

    @Test
    void rejectsEmptyOrCutRequests() {
        assertThat(fir.wrap(Hex.bytes("84 ce 00 02 | 00 00 00 01 | 00 00 00 00"), 0, 12)).isFalse();
        assertThat(fir.wrap(Hex.bytes("84 ce 00 03 | 00 00 00 01 | 00 00 00 00 | 00 00 00 05"), 0, 16)).isFalse();
    }
}

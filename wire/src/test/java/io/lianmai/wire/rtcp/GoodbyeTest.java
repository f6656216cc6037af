package io.lianmai.wire.rtcp;

import io.lianmai.testkit.Hex;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Hex;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GoodbyeTest {
    private final Goodbye bye = new Goodbye();

    @Test
    void writerRoundTrips() {
        byte[] bytes = new byte[32];
        int length = Goodbye.write(bytes, 0, new long[] {9, 0xAAAA_BBBBL, 0xCCCC_DDDDL}, 1, 2);
        assertThat(length).isEqualTo(Goodbye.lengthFor(2)).isEqualTo(12);
        assertThat(bye.wrap(bytes, 0, length)).isTrue();
        assertThat(bye.sourceCount()).isEqualTo(2);
        assertThat(bye.ssrc(0)).isEqualTo(0xAAAA_BBBBL);
        assertThat(bye.ssrc(1)).isEqualTo(0xCCCC_DDDDL);
        assertThat(bye.reasonOffset()).isEqualTo(-1);
        assertThat(bye.reasonLength()).isZero();
        bye.setSsrc(1, 5);
        assertThat(bye.ssrc(1)).isEqualTo(5);
        assertThat(Goodbye.write(bytes, 0, new long[0], 0, 0)).isEqualTo(-1);
        assertThat(Goodbye.write(new byte[7], 0, new long[] {1}, 0, 1)).isEqualTo(-1);
    }

    @Test
    void readsTheReason() {
        byte[] bytes = Hex.bytes("81 cb 00 03 | 00 00 00 01 | 05 62 79 65 21 | 21 00 00");
        assertThat(bye.wrap(bytes, 0, bytes.length)).isTrue();
        assertThat(new String(bytes, bye.reasonOffset(), bye.reasonLength(), StandardCharsets.US_ASCII))
                .isEqualTo("bye!!");
    }

    @Test
    void rejectsTruncatedByes() {
        assertThat(bye.wrap(Hex.bytes("82 cb 00 01 | 00 00 00 01"), 0, 8)).as("second SSRC missing").isFalse();
        assertThat(bye.wrap(Hex.bytes("81 cb 00 02 | 00 00 00 01 | 09 61 62 63"), 0, 12)).as("reason cut")
                .isFalse();
        assertThat(bye.wrap(Hex.bytes("80 cb 00 00"), 0, 4)).as("no sources is allowed").isTrue();
    }
}

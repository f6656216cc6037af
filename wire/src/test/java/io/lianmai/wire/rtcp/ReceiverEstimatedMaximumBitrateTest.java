package io.lianmai.wire.rtcp;

import io.lianmai.testkit.Hex;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Hex;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class ReceiverEstimatedMaximumBitrateTest {
    private final ReceiverEstimatedMaximumBitrate remb = new ReceiverEstimatedMaximumBitrate();

    @Test
    void readsAHandBuiltRemb() {
        // 1.5 Mbit/s = 0x2DC6C * 2^3 + ... : exponent 3, mantissa 187500 (0x2DC6C), for two SSRCs.
        byte[] bytes = Hex.bytes("8f ce 00 06 | 00 00 00 01 | 00 00 00 00 | 52 45 4d 42 | 02 0e dc 6c"
                + " | 11 11 11 11 | 22 22 22 22");
        assertThat(remb.wrap(bytes, 0, bytes.length)).isTrue();
        assertThat(ReceiverEstimatedMaximumBitrate.isRemb(bytes, 0, bytes.length)).isTrue();
        assertThat(remb.senderSsrc()).isEqualTo(1);
        assertThat(remb.bitrate()).isEqualTo(1_500_000);
        assertThat(remb.ssrcCount()).isEqualTo(2);
        assertThat(remb.ssrc(0)).isEqualTo(0x11111111L);
        assertThat(remb.ssrc(1)).isEqualTo(0x22222222L);
        remb.setSsrc(1, 3);
        remb.setSenderSsrc(4);
        assertThat(remb.ssrc(1)).isEqualTo(3);
        assertThat(remb.senderSsrc()).isEqualTo(4);
    }

    @Test
    void writerRoundTrips() {
        byte[] bytes = new byte[64];
        int length = ReceiverEstimatedMaximumBitrate.write(bytes, 0, 9, 1_500_000, new long[] {0x11111111L,
            0x22222222L}, 0, 2);
        assertThat(length).isEqualTo(28);
        assertThat(java.util.Arrays.copyOf(bytes, length)).isEqualTo(Hex.bytes("8f ce 00 06 | 00 00 00 09"
                + " | 00 00 00 00 | 52 45 4d 42 | 02 0e dc 6c | 11 11 11 11 | 22 22 22 22"));
        assertThat(ReceiverEstimatedMaximumBitrate.write(bytes, 0, 9, 0, new long[0], 0, 0)).isEqualTo(20);
        assertThat(remb.wrap(bytes, 0, 20)).isTrue();
        assertThat(remb.bitrate()).isZero();
        assertThat(remb.ssrcCount()).isZero();
        assertThat(ReceiverEstimatedMaximumBitrate.write(bytes, 0, 9, -1, new long[0], 0, 0)).isEqualTo(-1);
        assertThat(ReceiverEstimatedMaximumBitrate.write(new byte[23], 0, 9, 1, new long[1], 0, 1)).isEqualTo(-1);
    }

    @Property(tries = 500)
    void bitrateRoundsDownByLessThanOnePartIn2To17(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long bitrate) {
        byte[] bytes = new byte[20];
        ReceiverEstimatedMaximumBitrate.write(bytes, 0, 1, bitrate, new long[0], 0, 0);
        assertThat(remb.wrap(bytes, 0, 20)).isTrue();
        long decoded = remb.bitrate();
        assertThat(decoded).isLessThanOrEqualTo(bitrate);
        assertThat(bitrate - decoded).isLessThanOrEqualTo(bitrate >>> 17);
    }

    @Test
    void hugeExponentsSaturate() {
        byte[] bytes = Hex.bytes("8f ce 00 04 | 00 00 00 01 | 00 00 00 00 | 52 45 4d 42 | 00 ff ff ff");
        assertThat(remb.wrap(bytes, 0, bytes.length)).isTrue();
        assertThat(remb.bitrate()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void rejectsOtherApplicationFeedbackAndMissingSsrcs() {
        assertThat(remb.wrap(Hex.bytes("8f ce 00 04 | 00 00 00 01 | 00 00 00 00 | 52 45 4d 43 | 00 00 00 01"), 0,
                20)).isFalse();
        assertThat(remb.wrap(Hex.bytes("8f ce 00 04 | 00 00 00 01 | 00 00 00 00 | 52 45 4d 42 | 01 00 00 01"), 0,
                20)).as("announced SSRC missing").isFalse();
        assertThat(remb.wrap(Hex.bytes("8f ce 00 03 | 00 00 00 01 | 00 00 00 00 | 52 45 4d 42"), 0, 16))
                .isFalse();
    }
}

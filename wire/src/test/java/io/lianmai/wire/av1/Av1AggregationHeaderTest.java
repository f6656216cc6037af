package io.lianmai.wire.av1;

import io.lianmai.testkit.Hex;
import io.lianmai.wire.rtp.Codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Hex;
import org.junit.jupiter.api.Test;

class Av1AggregationHeaderTest {
    // OBU headers with obu_has_size_field 0: 0x08 sequence header, 0x10 temporal delimiter, 0x18 frame header,
    // 0x20 tile group, 0x30 frame.
    private static byte[] b(String hex) {
        return Hex.bytes(hex);
    }

    @Test
    void firstPacketOfACodedVideoSequence() {
        // Z=0 Y=0 W=2 N=1 | size 3 | sequence header | frame OBU
        byte[] p = b("28 | 03 08 00 00 | 30 11 22");
        assertThat(Av1AggregationHeader.isKeyframe(p, 0, p.length)).isTrue();
        assertThat(Codec.AV1.isKeyframe(p, 0, p.length)).isTrue();
        assertThat(Av1AggregationHeader.isStartOfFrame(p, 0, p.length)).isTrue();
        assertThat(Av1AggregationHeader.firstObuType(p, 0, p.length))
                .isEqualTo(Av1AggregationHeader.OBU_SEQUENCE_HEADER);
        assertThat(Av1AggregationHeader.obuElementCount(p, 0, p.length)).isEqualTo(2);
        assertThat(Av1AggregationHeader.startsWithFragment(p, 0, p.length)).isFalse();
    }

    @Test
    void singleElementHasNoLengthField() {
        byte[] p = b("10 | 30 aa bb");
        assertThat(Av1AggregationHeader.isKeyframe(p, 0, p.length)).isFalse();
        assertThat(Av1AggregationHeader.isStartOfFrame(p, 0, p.length)).isTrue();
        assertThat(Av1AggregationHeader.firstObuType(p, 0, p.length)).isEqualTo(Av1AggregationHeader.OBU_FRAME);
    }

    @Test
    void lengthFieldsWithWZeroAndMultiByteLeb128() {
        byte[] p = b("00 | 80 01 18" + " 00".repeat(128));
        assertThat(Av1AggregationHeader.firstObuType(p, 0, p.length))
                .isEqualTo(Av1AggregationHeader.OBU_FRAME_HEADER);
        assertThat(Av1AggregationHeader.isStartOfFrame(p, 0, p.length)).isTrue();
    }

    @Test
    void continuationsAndLaterTileGroupsAreNotFrameStarts() {
        byte[] continuation = b("d0 | 99 88 77");
        assertThat(Av1AggregationHeader.startsWithFragment(continuation, 0, continuation.length)).isTrue();
        assertThat(Av1AggregationHeader.endsWithFragment(continuation, 0, continuation.length)).isTrue();
        assertThat(Av1AggregationHeader.isStartOfFrame(continuation, 0, continuation.length)).isFalse();
        byte[] tileGroup = b("10 | 20 01 02");
        assertThat(Av1AggregationHeader.isStartOfFrame(tileGroup, 0, tileGroup.length)).isFalse();
    }

    @Test
    void malformed() {
        for (String hex : new String[] {"", "28", "00 | 80", "00 | 80 80 80 80 80 80 80 80 01 18", "00 | 00 18",
                "00 | 02"}) {
            byte[] p = b(hex);
            assertThat(Av1AggregationHeader.isStartOfFrame(p, 0, p.length)).as(hex).isFalse();
        }
        assertThat(Av1AggregationHeader.isKeyframe(b("28"), 0, 1)).as("no OBU data").isFalse();
    }
}

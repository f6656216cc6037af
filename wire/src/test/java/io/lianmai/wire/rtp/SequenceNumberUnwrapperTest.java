package io.lianmai.wire.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SequenceNumberUnwrapperTest {
    private final SequenceNumberUnwrapper unwrapper = new SequenceNumberUnwrapper();

    @Test
    void firstValueUnwrapsToItself() {
        assertThat(unwrapper.last()).isEqualTo(-1);
        assertThat(unwrapper.unwrap(1234)).isEqualTo(1234);
        assertThat(unwrapper.last()).isEqualTo(1234);
    }

    @Test
    void countsOnAcrossTheWrap() {
        unwrapper.unwrap(65534);
        assertThat(unwrapper.unwrap(65535)).isEqualTo(65535);
        assertThat(unwrapper.unwrap(0)).isEqualTo(65536);
        assertThat(unwrapper.unwrap(1)).isEqualTo(65537);
        assertThat(unwrapper.unwrap(65535)).as("reordered from before the wrap").isEqualTo(65535);
        assertThat(unwrapper.unwrap(2)).isEqualTo(65538);
    }

    @Test
    void manyWraps() {
        long expected = 0;
        unwrapper.unwrap(0);
        for (int i = 0; i < 10 * 65536; i += 1000) {
            expected = i;
            assertThat(unwrapper.unwrap(i & 0xFFFF)).isEqualTo(expected);
        }
        assertThat(unwrapper.last()).isEqualTo(expected);
    }

    @Test
    void gapsUpToHalfTheSpaceGoForward() {
        unwrapper.unwrap(100);
        assertThat(unwrapper.unwrap(100 + 32767)).isEqualTo(100 + 32767);
        unwrapper.reset();
        unwrapper.unwrap(100);
        assertThat(unwrapper.unwrap(100 + 32768)).as("half-way is taken as older").isEqualTo(100 - 32768);
    }

    @Test
    void packetsOlderThanTheFirstGoNegative() {
        unwrapper.unwrap(2);
        assertThat(unwrapper.unwrap(65534)).isEqualTo(-2);
    }

    @Test
    void peekDoesNotMoveTheReference() {
        unwrapper.unwrap(65535);
        assertThat(unwrapper.peek(10)).isEqualTo(65546);
        assertThat(unwrapper.last()).isEqualTo(65535);
        assertThat(unwrapper.unwrap(0x1_0003)).as("only the low 16 bits count").isEqualTo(65539);
    }

    @Test
    void resetStartsOver() {
        unwrapper.unwrap(65535);
        unwrapper.unwrap(5);
        unwrapper.reset();
        assertThat(unwrapper.last()).isEqualTo(-1);
        assertThat(unwrapper.unwrap(7)).isEqualTo(7);
    }
}

package io.lianmai.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FfmpegTest {
    @Test
    void theBridgeCodecsAreThere() {
        assertThat(Ffmpeg.version()).startsWith("7.");
        for (String encoder : new String[] {"libopus", "aac", "libopenh264"}) {
            assertThat(Ffmpeg.hasEncoder(encoder)).as(encoder).isTrue();
        }
        for (String decoder : new String[] {"aac", "opus", "vp8", "h264"}) {
            assertThat(Ffmpeg.hasDecoder(decoder)).as(decoder).isTrue();
        }
        assertThat(Ffmpeg.hasEncoder("no-such-encoder")).isFalse();
    }
}

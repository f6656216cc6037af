package io.lianmai.live.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class AudioSpecificConfigTest {
    @Test
    void parsesLowComplexityAndExplicitHeAac() throws HlsException {
        AudioSpecificConfig lc = parse(0x11, 0x90); // LC, 48 kHz, stereo
        assertThat(lc.objectType()).isEqualTo(2);
        assertThat(lc.sampleRate()).isEqualTo(48_000);
        assertThat(lc.channels()).isEqualTo(2);
        assertThat(lc.frameMillis()).isEqualTo(21);

        AudioSpecificConfig mono = parse(FlvBodies.ASC[0], FlvBodies.ASC[1]);
        assertThat(mono.sampleRate()).isEqualTo(44_100);
        assertThat(mono.channels()).isEqualTo(1);

        // SBR (5), 24 kHz core, stereo, 48 kHz extension, core LC
        AudioSpecificConfig he = parse(0x2B, 0x11, 0x88, 0x00);
        assertThat(he.objectType()).isEqualTo(2);
        assertThat(he.sampleRate()).isEqualTo(24_000);
    }

    @Test
    void rejectsWhatAdtsCannotCarry() {
        assertRejected("truncated", 0x12);
        assertRejected("object type 0", 0x01, 0x90);
        assertRejected("object type 23", 0xB9, 0x90);
        assertRejected("sampling frequency index 15", 0x17, 0x90);
        assertRejected("channel configuration 0", 0x11, 0x80);
        assertRejected("960-sample", 0x11, 0x94);
        assertRejected("core coder", 0x11, 0x92);
        assertRejected("too long", new byte[65]);
    }

    private static void assertRejected(String reason, int... bytes) {
        byte[] config = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            config[i] = (byte) bytes[i];
        }
        assertRejected(reason, config);
    }

    private static void assertRejected(String reason, byte[] config) {
        assertThatThrownBy(() -> AudioSpecificConfig.parse(Unpooled.wrappedBuffer(config)))
                .isInstanceOf(HlsException.class).hasMessageContaining(reason);
    }

    private static AudioSpecificConfig parse(int... bytes) throws HlsException {
        byte[] config = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            config[i] = (byte) bytes[i];
        }
        return AudioSpecificConfig.parse(Unpooled.wrappedBuffer(config));
    }
}

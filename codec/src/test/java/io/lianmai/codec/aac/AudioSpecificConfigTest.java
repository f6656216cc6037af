package io.lianmai.codec.aac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.codec.CodecException;
import io.lianmai.testkit.Hex;
import org.junit.jupiter.api.Test;

class AudioSpecificConfigTest {
    @Test
    void commonConfigsBuildToTheirWellKnownBytes() {
        assertThat(AudioSpecificConfig.of(2, 44_100, 2).toBytes()).isEqualTo(Hex.bytes("12 10"));
        assertThat(AudioSpecificConfig.of(2, 48_000, 2).toBytes()).isEqualTo(Hex.bytes("11 90"));
        assertThat(AudioSpecificConfig.of(2, 48_000, 1).toBytes()).isEqualTo(Hex.bytes("11 88"));
        // a rate without an index is written explicitly: 5 + 4 + 24 + 4 + 3 bits
        byte[] explicit = AudioSpecificConfig.of(2, 50_000, 2).toBytes();
        assertThat(explicit).hasSize(5);
        AudioSpecificConfig parsed = AudioSpecificConfig.parse(explicit);
        assertThat(parsed.sampleRate()).isEqualTo(50_000);
        assertThat(parsed.samplingFrequencyIndex()).isEqualTo(15);
        assertThat(parsed.channelConfiguration()).isEqualTo(2);
    }

    @Test
    void parsesPlainAndExplicitSbrConfigs() {
        AudioSpecificConfig lc = AudioSpecificConfig.parse(Hex.bytes("12 10"));
        assertThat(lc.objectType()).isEqualTo(AudioSpecificConfig.AAC_LC);
        assertThat(lc.sampleRate()).isEqualTo(44_100);
        assertThat(lc.channelConfiguration()).isEqualTo(2);
        assertThat(lc.extensionSampleRate()).isZero();
        assertThat(lc.samplingFrequencyIndex()).isEqualTo(4);
        assertThat(lc.toBytes()).isEqualTo(Hex.bytes("12 10"));
        // HE-AAC: object type 5, core 24 kHz stereo, SBR at 48 kHz, core object type 2
        AudioSpecificConfig he = AudioSpecificConfig.parse(Hex.bytes("2b 11 88 00"));
        assertThat(he.objectType()).isEqualTo(2);
        assertThat(he.sampleRate()).isEqualTo(24_000);
        assertThat(he.extensionSampleRate()).isEqualTo(48_000);
        assertThat(he.channelConfiguration()).isEqualTo(2);
        // escaped object type 32 + n
        assertThat(AudioSpecificConfig.parse(Hex.bytes("f8 11 90 00")).objectType()).isEqualTo(32);
    }

    @Test
    void readsTheGaSpecificConfigFlags() {
        AudioSpecificConfig lc = AudioSpecificConfig.parse(Hex.bytes("11 90"));
        assertThat(lc.frameLengthFlag()).isFalse();
        assertThat(lc.dependsOnCoreCoder()).isFalse();
        assertThat(lc.extensionFlag()).isFalse();
        assertThat(AudioSpecificConfig.parse(Hex.bytes("11 94")).frameLengthFlag()).isTrue();
        assertThat(AudioSpecificConfig.parse(Hex.bytes("11 91")).extensionFlag()).isTrue();
        // dependsOnCoreCoder, then 14 bits of coreCoderDelay before the extensionFlag
        AudioSpecificConfig scalable = AudioSpecificConfig.parse(Hex.bytes("11 92 00 04"));
        assertThat(scalable.dependsOnCoreCoder()).isTrue();
        assertThat(scalable.extensionFlag()).isTrue();
        assertThat(AudioSpecificConfig.parse(Hex.bytes("2b 11 8a 00")).frameLengthFlag()).isTrue();
        // object type 32 (Layer-1) has no GASpecificConfig
        assertThat(AudioSpecificConfig.parse(Hex.bytes("f8 11 90 00")).frameLengthFlag()).isFalse();
    }

    @Test
    void refusesTruncatedOrReservedConfigs() {
        assertThatThrownBy(() -> AudioSpecificConfig.parse(Hex.bytes("12"))).isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> AudioSpecificConfig.parse(Hex.bytes("16 90"))).isInstanceOf(CodecException.class)
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> AudioSpecificConfig.parse(Hex.bytes("17 80"))).isInstanceOf(CodecException.class);
        // GASpecificConfig cut short: explicit SBR needs 25 bits, a core coder's delay 14 more
        assertThatThrownBy(() -> AudioSpecificConfig.parse(Hex.bytes("2b 11 88"))).isInstanceOf(CodecException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> AudioSpecificConfig.parse(Hex.bytes("11 92"))).isInstanceOf(CodecException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> AudioSpecificConfig.of(5, 48_000, 2)).isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> AudioSpecificConfig.of(2, 48_000, 0)).isInstanceOf(CodecException.class);
    }
}

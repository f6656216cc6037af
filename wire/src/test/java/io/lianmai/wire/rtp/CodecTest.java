package io.lianmai.wire.rtp;

import io.lianmai.testkit.Hex;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Hex;
import org.junit.jupiter.api.Test;

class CodecTest {
    @Test
    void encodingNamesAndClockRates() {
        assertThat(Codec.fromEncodingName("opus")).contains(Codec.OPUS);
        assertThat(Codec.fromEncodingName("OPUS")).contains(Codec.OPUS);
        assertThat(Codec.fromEncodingName("vp8")).contains(Codec.VP8);
        assertThat(Codec.fromEncodingName("H264")).contains(Codec.H264);
        assertThat(Codec.fromEncodingName("rtx")).isEmpty();
        assertThat(Codec.OPUS.clockRate()).isEqualTo(48_000);
        assertThat(Codec.G722.clockRate()).isEqualTo(8_000);
        assertThat(Codec.AV1.clockRate()).isEqualTo(90_000);
        assertThat(Codec.OPUS.isVideo()).isFalse();
        assertThat(Codec.VP9.isVideo()).isTrue();
    }

    @Test
    void audioHasNoKeyframesAndEveryPacketStartsAFrame() {
        byte[] opus = Hex.bytes("78 0b e4 c1");
        for (Codec audio : new Codec[] {Codec.OPUS, Codec.G722, Codec.PCMU, Codec.PCMA}) {
            assertThat(audio.isKeyframe(opus, 0, opus.length)).isFalse();
            assertThat(audio.isStartOfFrame(opus, 0, opus.length)).isTrue();
            assertThat(audio.isStartOfFrame(opus, 0, 0)).isFalse();
        }
    }

    @Test
    void dispatchesOnAWrappedPacket() {
        byte[] bytes = new RtpBuilder().payload(Hex.bytes("7c 85 88 84 00")).padding(4).build();
        RtpPacket packet = new RtpPacket();
        assertThat(packet.wrap(bytes, 0, bytes.length)).isTrue();
        assertThat(Codec.H264.isKeyframe(packet)).isTrue();
        assertThat(Codec.H264.isStartOfFrame(packet)).isTrue();
        assertThat(Codec.VP8.isKeyframe(packet)).isFalse();
    }
}

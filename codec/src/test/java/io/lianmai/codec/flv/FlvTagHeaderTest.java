package io.lianmai.codec.flv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.codec.CodecException;
import io.lianmai.testkit.Hex;
import io.lianmai.codec.aac.AudioSpecificConfig;
import io.lianmai.codec.h264.AvcDecoderConfigurationRecord;
import org.junit.jupiter.api.Test;

class FlvTagHeaderTest {
    @Test
    void videoPrefixRoundTripsWithASignedCompositionTime() {
        byte[] body = new byte[5];
        assertThat(FlvVideoTagHeader.writeAvc(body, 0, true, FlvVideoTagHeader.AVC_NALU, 40)).isEqualTo(5);
        assertThat(body).isEqualTo(Hex.bytes("17 01 000028"));
        FlvVideoTagHeader header = FlvVideoTagHeader.parse(body, 0, 5);
        assertThat(header.isKeyframe()).isTrue();
        assertThat(header.codecId()).isEqualTo(FlvVideoTagHeader.CODEC_AVC);
        assertThat(header.avcPacketType()).isEqualTo(FlvVideoTagHeader.AVC_NALU);
        assertThat(header.compositionTime()).isEqualTo(40);

        FlvVideoTagHeader.writeAvc(body, 0, false, FlvVideoTagHeader.AVC_NALU, -33);
        assertThat(body).isEqualTo(Hex.bytes("27 01 ffffdf"));
        assertThat(FlvVideoTagHeader.parse(body, 0, 5).compositionTime()).isEqualTo(-33);
    }

    @Test
    void sequenceHeaderBodyIsPrefixPlusRecord() {
        AvcDecoderConfigurationRecord record = AvcDecoderConfigurationRecord.of(Hex.bytes("6742c01e8c8d40501ed00f08846a"),
                Hex.bytes("68ce3c80"));
        byte[] body = FlvVideoTagHeader.sequenceHeaderBody(record);
        assertThat(body).startsWith(Hex.bytes("17 00 000000 01 42 c0 1e"));
        assertThat(AvcDecoderConfigurationRecord.parse(body, 5, body.length - 5)).isEqualTo(record);
        byte[] nalu = FlvVideoTagHeader.naluBody(false, 0, Hex.bytes("00000002 4101"), 0, 6);
        assertThat(nalu).isEqualTo(Hex.bytes("27 01 000000 00000002 4101"));
    }

    @Test
    void otherCodecsAndShortBodies() {
        FlvVideoTagHeader vp6 = FlvVideoTagHeader.parse(Hex.bytes("24"), 0, 1);
        assertThat(vp6.codecId()).isEqualTo(4);
        assertThat(vp6.avcPacketType()).isEqualTo(-1);
        assertThatThrownBy(() -> FlvVideoTagHeader.parse(new byte[0], 0, 0)).isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> FlvVideoTagHeader.parse(Hex.bytes("17 01 00"), 0, 3))
                .isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> FlvVideoTagHeader.parse(Hex.bytes("90 68766331"), 0, 5))
                .isInstanceOf(CodecException.class).hasMessageContaining("enhanced");
    }

    @Test
    void audioPrefixAndAacSequenceHeader() {
        AudioSpecificConfig config = AudioSpecificConfig.of(AudioSpecificConfig.AAC_LC, 48_000, 2);
        byte[] body = FlvAudioTagHeader.sequenceHeaderBody(config);
        assertThat(body).isEqualTo(Hex.bytes("af 00 11 90"));
        FlvAudioTagHeader header = FlvAudioTagHeader.parse(body, 0, body.length);
        assertThat(header.isAacSequenceHeader()).isTrue();
        assertThat(header.soundFormat()).isEqualTo(FlvAudioTagHeader.FORMAT_AAC);
        assertThat(header.soundRate()).isEqualTo(3);
        assertThat(header.soundSize()).isEqualTo(1);
        assertThat(header.soundType()).isEqualTo(1);
        assertThat(FlvAudioTagHeader.rawBody(Hex.bytes("21 00 49"), 0, 3)).isEqualTo(Hex.bytes("af 01 21 00 49"));
        assertThat(FlvAudioTagHeader.parse(Hex.bytes("2f"), 0, 1).aacPacketType()).isEqualTo(-1);
        assertThatThrownBy(() -> FlvAudioTagHeader.parse(Hex.bytes("af"), 0, 1)).isInstanceOf(CodecException.class);
    }
}

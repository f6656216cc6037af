package io.lianmai.codec.h264;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.codec.CodecException;
import io.lianmai.testkit.Hex;
import java.util.List;
import org.junit.jupiter.api.Test;

class AvcDecoderConfigurationRecordTest {
    /** x264's SPS for 1280x720 High 3.1 (with cropping from 1280x736 coded). */
    static final byte[] HIGH_SPS = Hex.bytes("67 64 00 1f ac d9 40 50 05 bb 01 10 00 00 03 00 10 00 00 03 03 c0 f1 83"
            + " 19 60");
    static final byte[] HIGH_PPS = Hex.bytes("68 eb e3 cb 22 c0");
    /** A Constrained Baseline 3.0 SPS for 640x480 (openh264 style). */
    static final byte[] BASELINE_SPS = Hex.bytes("67 42 c0 1e 8c 8d 40 50 1e d0 0f 08 84 6a");
    static final byte[] BASELINE_PPS = Hex.bytes("68 ce 3c 80");

    @Test
    void buildsTheRecordFromSpsAndPpsWithTheHighProfileExtension() {
        AvcDecoderConfigurationRecord record = AvcDecoderConfigurationRecord.of(HIGH_SPS, HIGH_PPS);
        byte[] bytes = record.toBytes();
        assertThat(bytes).startsWith(Hex.bytes("01 64 00 1f ff e1 00 1a"));
        int ppsAt = 8 + HIGH_SPS.length;
        assertThat(bytes[ppsAt]).isEqualTo((byte) 1);
        // chroma_format 1 (4:2:0), 8-bit luma and chroma, no SPS extensions
        assertThat(bytes).endsWith(Hex.bytes("00 06 68 eb e3 cb 22 c0 fd f8 f8 00"));
        assertThat(record.profileLevelId()).isEqualTo("64001f");
        assertThat(record.codecsString()).isEqualTo("avc1.64001f");

        AvcDecoderConfigurationRecord parsed = AvcDecoderConfigurationRecord.parse(bytes);
        assertThat(parsed).isEqualTo(record);
        assertThat(parsed.nalLengthSize()).isEqualTo(4);
        assertThat(parsed.sps()).isEqualTo(HIGH_SPS);
        assertThat(parsed.pps()).isEqualTo(HIGH_PPS);
        assertThat(parsed.toAnnexB()).startsWith(Hex.bytes("00 00 00 01 67 64")).hasSize(4 + 26 + 4 + 6);
    }

    @Test
    void baselineRecordsHaveNoExtensionAndKeepTheLengthSize() {
        AvcDecoderConfigurationRecord record = AvcDecoderConfigurationRecord.of(List.of(BASELINE_SPS),
                List.of(BASELINE_PPS), 2);
        byte[] bytes = record.toBytes();
        assertThat(bytes).isEqualTo(Hex.bytes("01 42 c0 1e fd e1 000e 6742c01e8c8d40501ed00f08846a 01 0004 68ce3c80"));
        AvcDecoderConfigurationRecord parsed = AvcDecoderConfigurationRecord.parse(bytes);
        assertThat(parsed.nalLengthSize()).isEqualTo(2);
        assertThat(parsed.profileIndication()).isEqualTo(66);
        assertThat(parsed.profileCompatibility()).isEqualTo(0xc0);
        assertThat(parsed.levelIndication()).isEqualTo(30);
    }

    @Test
    void parsesTheSpsFieldsContainersNeed() {
        SequenceParameterSet high = SequenceParameterSet.parse(HIGH_SPS, 0, HIGH_SPS.length);
        assertThat(high.profileIdc()).isEqualTo(100);
        assertThat(high.levelIdc()).isEqualTo(31);
        assertThat(high.chromaFormatIdc()).isEqualTo(1);
        assertThat(high.bitDepthLuma()).isEqualTo(8);
        assertThat(high.width()).isEqualTo(1280);
        assertThat(high.height()).isEqualTo(720);
        SequenceParameterSet baseline = SequenceParameterSet.parse(BASELINE_SPS, 0, BASELINE_SPS.length);
        assertThat(baseline.profileIdc()).isEqualTo(66);
        assertThat(baseline.width()).isEqualTo(640);
        assertThat(baseline.height()).isEqualTo(480);
    }

    @Test
    void refusesMalformedRecords() {
        assertThatThrownBy(() -> AvcDecoderConfigurationRecord.parse(Hex.bytes("01 42 c0 1e ff")))
                .isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> AvcDecoderConfigurationRecord.parse(Hex.bytes("02 42 c0 1e ff e1 00 01 67 01 00 01 68")))
                .isInstanceOf(CodecException.class).hasMessageContaining("version");
        assertThatThrownBy(() -> AvcDecoderConfigurationRecord.parse(Hex.bytes("01 42 c0 1e ff e1 00 09 67 01 00 01 68")))
                .isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> AvcDecoderConfigurationRecord.parse(Hex.bytes("01 42 c0 1e ff e0 01 00 01 68")))
                .isInstanceOf(CodecException.class).hasMessageContaining("without SPS");
        assertThatThrownBy(() -> AvcDecoderConfigurationRecord.parse(Hex.bytes("01 42 c0 1e ff e1 00 01 68 01 00 01 68")))
                .isInstanceOf(CodecException.class).hasMessageContaining("NAL type");
        assertThatThrownBy(() -> AvcDecoderConfigurationRecord.of(BASELINE_PPS, BASELINE_SPS))
                .isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> SequenceParameterSet.parse(BASELINE_SPS, 0, 6)).isInstanceOf(CodecException.class);
    }
}

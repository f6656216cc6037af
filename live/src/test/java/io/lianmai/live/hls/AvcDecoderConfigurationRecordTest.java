package io.lianmai.live.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AvcDecoderConfigurationRecordTest {
    @Test
    void parsesX264sRecordIntoAnnexBParameterSets() throws HlsException {
        AvcDecoderConfigurationRecord record = parse(FlvBodies.avcConfigRecord(FlvBodies.SPS, FlvBodies.PPS));

        assertThat(record.lengthSize()).isEqualTo(4);
        assertThat(record.profile()).isEqualTo(66);
        assertThat(record.level()).isEqualTo(10);
        assertThat(HexFormat.of().formatHex(record.parameterSetsAnnexB()))
                .isEqualTo("00000001" + HexFormat.of().formatHex(FlvBodies.SPS) + "00000001"
                        + HexFormat.of().formatHex(FlvBodies.PPS));
        assertThat(record).isEqualTo(parse(FlvBodies.avcConfigRecord(FlvBodies.SPS, FlvBodies.PPS)));
    }

    @Test
    void rejectsWhatCannotBeRight() {
        byte[] valid = FlvBodies.avcConfigRecord(FlvBodies.SPS, FlvBodies.PPS);
        assertRejected(new byte[] {1, 66, 0, 10, -1, -31}, "truncated");
        assertRejected(with(valid, 0, 2), "version 2");
        assertRejected(with(valid, 4, 0xFE), "length size 3");
        assertRejected(with(valid, 5, 0xE0), "0 SPS");
        assertRejected(with(valid, 7, 0xFF), "does not fit");
        assertRejected(with(valid, 8, 0x68), "expected type 7");
        assertRejected(java.util.Arrays.copyOf(valid, valid.length - 2), "does not fit");
        assertRejected(java.util.Arrays.copyOf(valid, 8 + FlvBodies.SPS.length), "before its PPS count");
    }

    private static byte[] with(byte[] bytes, int index, int value) {
        byte[] copy = bytes.clone();
        copy[index] = (byte) value;
        return copy;
    }

    private static void assertRejected(byte[] record, String reason) {
        assertThatThrownBy(() -> parse(record)).isInstanceOf(HlsException.class).hasMessageContaining(reason);
    }

    private static AvcDecoderConfigurationRecord parse(byte[] record) throws HlsException {
        return AvcDecoderConfigurationRecord.parse(Unpooled.wrappedBuffer(record));
    }
}

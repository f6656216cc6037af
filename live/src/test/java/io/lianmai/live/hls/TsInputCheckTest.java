package io.lianmai.live.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.codec.aac.AudioSpecificConfig;
import io.lianmai.codec.h264.AvcDecoderConfigurationRecord;
import io.lianmai.codec.h264.NalUnits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TsInputCheckTest {
    @Test
    void parsesX264sRecordIntoAnnexBParameterSets() throws HlsException {
        AvcDecoderConfigurationRecord record = avc(FlvBodies.avcConfigRecord(FlvBodies.SPS, FlvBodies.PPS));

        assertThat(record.nalLengthSize()).isEqualTo(4);
        assertThat(record.profileIndication()).isEqualTo(66);
        assertThat(record.levelIndication()).isEqualTo(10);
        assertThat(HexFormat.of().formatHex(record.toAnnexB()))
                .isEqualTo("00000001" + HexFormat.of().formatHex(FlvBodies.SPS) + "00000001"
                        + HexFormat.of().formatHex(FlvBodies.PPS));
        assertThat(record).isEqualTo(avc(FlvBodies.avcConfigRecord(FlvBodies.SPS, FlvBodies.PPS)));
    }

    @Test
    void readsTheRecordAtItsIndexInADirectBuffer() throws HlsException {
        byte[] record = FlvBodies.avcConfigRecord(FlvBodies.SPS, FlvBodies.PPS);
        ByteBuf body = Unpooled.directBuffer().writeBytes(new byte[] {0x17, 0, 0, 0, 0}).writeBytes(record);
        assertThat(TsInputCheck.avcConfiguration(body, 5, record.length)).isEqualTo(avc(record));
        body.release();
    }

    @Test
    void rejectsAvcRecordsThatCannotBeRight() {
        byte[] valid = FlvBodies.avcConfigRecord(FlvBodies.SPS, FlvBodies.PPS);
        assertAvcRejected(new byte[] {1, 66, 0, 10, -1, -31}, "too short");
        assertAvcRejected(with(valid, 0, 2), "version 2");
        assertAvcRejected(with(valid, 4, 0xFE), "3-byte NAL lengths");
        assertAvcRejected(with(valid, 5, 0xE0), "without SPS or PPS");
        assertAvcRejected(with(valid, 7, 0xFF), "runs past the end");
        assertAvcRejected(with(valid, 8, 0x68), "NAL type 8 in the SPS list");
        assertAvcRejected(Arrays.copyOf(valid, valid.length - 2), "runs past the end");
        assertAvcRejected(Arrays.copyOf(valid, 8 + FlvBodies.SPS.length), "before the PPS count");
        // what the codec parser lets through but FFmpeg must not get
        assertAvcRejected(FlvBodies.avcConfigRecord(new byte[] {0x67}, FlvBodies.PPS), "bare NAL header");
        assertAvcRejected(FlvBodies.avcConfigRecord(FlvBodies.SPS, with(FlvBodies.PPS, 0, 0xE8)),
                "PPS has its forbidden_zero_bit set");
    }

    @Test
    void parsesLowComplexityAndExplicitHeAac() throws HlsException {
        AudioSpecificConfig lc = aac(0x11, 0x90); // LC, 48 kHz, stereo
        assertThat(lc.objectType()).isEqualTo(2);
        assertThat(lc.sampleRate()).isEqualTo(48_000);
        assertThat(lc.channelConfiguration()).isEqualTo(2);

        AudioSpecificConfig mono = aac(FlvBodies.ASC[0], FlvBodies.ASC[1]);
        assertThat(mono.sampleRate()).isEqualTo(44_100);
        assertThat(mono.channelConfiguration()).isEqualTo(1);

        // SBR (5), 24 kHz core, stereo, 48 kHz extension, core LC
        AudioSpecificConfig he = aac(0x2B, 0x11, 0x88, 0x00);
        assertThat(he.objectType()).isEqualTo(2);
        assertThat(he.sampleRate()).isEqualTo(24_000);
    }

    @Test
    void rejectsWhatAdtsCannotCarry() {
        assertAacRejected("shorter than 2 bytes", 0x12);
        assertAacRejected("object type 0", 0x01, 0x90);
        assertAacRejected("object type 23", 0xB9, 0x90);
        assertAacRejected("no sampling frequency index", AudioSpecificConfig.of(2, 50_000, 2).toBytes());
        assertAacRejected("truncated", 0x17, 0x90); // index 15 announces a 24-bit rate that is not there
        assertAacRejected("channel configuration 0", 0x11, 0x80);
        assertAacRejected("960-sample", 0x11, 0x94);
        assertAacRejected("core coder", 0x11, 0x92, 0x00, 0x00);
        assertAacRejected("extension flag", 0x11, 0x91);
        assertAacRejected("too long", new byte[65]);
    }

    @Test
    void aNalUnitWithItsForbiddenBitSetIsRejected() throws HlsException {
        NalUnits nals = new NalUnits();
        byte[] frame = {0, 0, 0, 2, 0x65, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x41};
        assertThat(nals.scanAvcc(frame, 0, frame.length, 4)).isEqualTo(2); // the empty NAL unit is skipped
        assertThat(TsInputCheck.annexBSize(nals)).isEqualTo(4 + 2 + 4 + 1);

        frame[14] = (byte) 0xC1;
        nals.scanAvcc(frame, 0, frame.length, 4);
        assertThatThrownBy(() -> TsInputCheck.annexBSize(nals)).isInstanceOf(HlsException.class)
                .hasMessageContaining("forbidden_zero_bit");
    }

    private static byte[] with(byte[] bytes, int index, int value) {
        byte[] copy = bytes.clone();
        copy[index] = (byte) value;
        return copy;
    }

    private static void assertAvcRejected(byte[] record, String reason) {
        assertThatThrownBy(() -> avc(record)).isInstanceOf(HlsException.class).hasMessageContaining(reason);
    }

    private static AvcDecoderConfigurationRecord avc(byte[] record) throws HlsException {
        return TsInputCheck.avcConfiguration(Unpooled.wrappedBuffer(record), 0, record.length);
    }

    private static void assertAacRejected(String reason, int... bytes) {
        assertAacRejected(reason, bytes(bytes));
    }

    private static void assertAacRejected(String reason, byte[] config) {
        assertThatThrownBy(() -> TsInputCheck.aacConfiguration(Unpooled.wrappedBuffer(config), 0, config.length))
                .isInstanceOf(HlsException.class).hasMessageContaining(reason);
    }

    private static AudioSpecificConfig aac(int... bytes) throws HlsException {
        byte[] config = bytes(bytes);
        return TsInputCheck.aacConfiguration(Unpooled.wrappedBuffer(config), 0, config.length);
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }
}

package io.lianmai.wire.h264;

import io.lianmai.testkit.Hex;
import io.lianmai.wire.rtp.Codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Hex;
import org.junit.jupiter.api.Test;

class H264PayloadTest {
    // NAL headers: 0x67 SPS, 0x68 PPS, 0x65 IDR, 0x41 non-IDR slice, 0x06 SEI, 0x09 AUD, 0x78 STAP-A, 0x7c FU-A.
    private static final String SPS = "67 42 c0 1f 8c 68 05 00 5b a0";
    private static final String PPS = "68 ce 3c 80";

    private static byte[] b(String hex) {
        return Hex.bytes(hex);
    }

    private static boolean key(String hex) {
        byte[] p = b(hex);
        return H264Payload.isKeyframe(p, 0, p.length) && Codec.H264.isKeyframe(p, 0, p.length);
    }

    private static boolean start(String hex) {
        byte[] p = b(hex);
        return H264Payload.isStartOfFrame(p, 0, p.length);
    }

    @Test
    void singleNalUnits() {
        assertThat(key(SPS)).isTrue();
        assertThat(key("65 88 84 00 33")).as("IDR").isTrue();
        assertThat(key(PPS)).isFalse();
        assertThat(key("41 9a 02 03")).isFalse();
        assertThat(start(SPS)).isTrue();
        assertThat(start("09 f0")).as("AUD").isTrue();
        assertThat(start("06 05 ff")).as("SEI").isTrue();
        assertThat(start("65 88 84")).as("IDR, first_mb_in_slice 0").isTrue();
        assertThat(start("41 9a 02")).as("slice, first_mb_in_slice 0").isTrue();
        assertThat(start("41 4d 02")).as("slice, first_mb_in_slice 1").isFalse();
        assertThat(start("41")).isFalse();
        byte[] p = b(SPS);
        assertThat(H264Payload.nalUnitType(p, 0, p.length)).isEqualTo(NalUnit.SPS);
    }

    @Test
    void stapAWithSpsPpsAndIdrAsBrowsersSendKeyframes() {
        String stapA = "78 | 00 0a " + SPS + " | 00 04 " + PPS + " | 00 05 65 88 84 00 33";
        assertThat(key(stapA)).isTrue();
        assertThat(start(stapA)).isTrue();
        assertThat(key("78 | 00 04 " + PPS + " | 00 03 41 9a 02")).isFalse();
        assertThat(key("78 | 00 04 " + PPS + " | 00 03 65 88 84")).as("IDR second").isTrue();
        assertThat(start("78 | 00 04 " + PPS)).isTrue();
        assertThat(start("78 | 00 02 41 4d")).isFalse();
    }

    @Test
    void malformedStapA() {
        assertThat(key("78 | 00 00 67 42")).as("zero size").isFalse();
        assertThat(key("78 | 00 04 " + PPS + " | 00 09 65 88 84")).as("IDR size beyond payload").isFalse();
        assertThat(key("78 | 00 0f " + SPS)).isFalse();
        assertThat(start("78 | 00 0f " + SPS)).isFalse();
        assertThat(start("78 | 00")).isFalse();
        assertThat(key("78")).isFalse();
    }

    @Test
    void fuA() {
        assertThat(key("7c 85 88 84 00")).as("start of IDR").isTrue();
        assertThat(start("7c 85 88 84 00")).isTrue();
        assertThat(key("7c 05 11 22")).as("middle of IDR").isFalse();
        assertThat(start("7c 05 11 22")).isFalse();
        assertThat(key("7c 45 11 22")).as("end of IDR").isFalse();
        assertThat(key("7c 81 9a 02")).as("start of non-IDR").isFalse();
        assertThat(start("7c 81 9a 02")).isTrue();
        assertThat(start("7c 81 4d 02")).as("later slice of the frame").isFalse();
        assertThat(key("7c")).isFalse();
        assertThat(start("7c 85")).isFalse();
    }

    @Test
    void empty() {
        assertThat(key("")).isFalse();
        assertThat(start("")).isFalse();
        assertThat(H264Payload.nalUnitType(new byte[0], 0, 0)).isEqualTo(-1);
    }
}

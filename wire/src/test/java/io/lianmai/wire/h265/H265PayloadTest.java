package io.lianmai.wire.h265;

import io.lianmai.testkit.Hex;
import io.lianmai.wire.rtp.Codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Hex;
import org.junit.jupiter.api.Test;

class H265PayloadTest {
    // Two-byte NAL headers (type << 1, then LayerId 0 / TID 1): 40 01 VPS, 42 01 SPS, 44 01 PPS, 26 01 IDR_W_RADL,
    // 02 01 TRAIL_R, 60 01 AP, 62 01 FU.
    private static byte[] b(String hex) {
        return Hex.bytes(hex);
    }

    private static boolean key(String hex) {
        byte[] p = b(hex);
        return H265Payload.isKeyframe(p, 0, p.length) && Codec.H265.isKeyframe(p, 0, p.length);
    }

    private static boolean start(String hex) {
        byte[] p = b(hex);
        return H265Payload.isStartOfFrame(p, 0, p.length);
    }

    @Test
    void singleNalUnits() {
        assertThat(key("40 01 0c 01")).as("VPS").isTrue();
        assertThat(key("42 01 01 01")).as("SPS").isTrue();
        assertThat(key("44 01 c1 72")).as("PPS").isFalse();
        assertThat(key("26 01 af 09")).as("IDR").isTrue();
        assertThat(key("2a 01 af 09")).as("CRA").isTrue();
        assertThat(key("02 01 d0 09")).as("TRAIL_R").isFalse();
        assertThat(start("26 01 af 09")).isTrue();
        assertThat(start("02 01 d0 09")).isTrue();
        assertThat(start("02 01 50 09")).as("not the first slice segment").isFalse();
        assertThat(start("46 01 50")).as("AUD").isTrue();
        byte[] p = b("62 01 93");
        assertThat(H265Payload.nalUnitType(p, 0, p.length)).isEqualTo(H265Payload.FU);
    }

    @Test
    void aggregationPackets() {
        String ap = "60 01 | 00 04 40 01 0c 01 | 00 04 42 01 01 01 | 00 03 44 01 c1";
        assertThat(key(ap)).isTrue();
        assertThat(start(ap)).isTrue();
        assertThat(key("60 01 | 00 03 44 01 c1 | 00 03 02 01 d0")).isFalse();
        assertThat(key("60 01 | 00 09 40 01")).as("size beyond payload").isFalse();
        assertThat(start("60 01 | 00 09 40 01")).isFalse();
        assertThat(key("60 01 | 00 01 40")).as("NAL shorter than its header").isFalse();
    }

    @Test
    void fragmentationUnits() {
        assertThat(key("62 01 93 af 09")).as("start of IDR_W_RADL").isTrue();
        assertThat(start("62 01 93 af 09")).isTrue();
        assertThat(key("62 01 13 af 09")).as("middle").isFalse();
        assertThat(start("62 01 13 af 09")).isFalse();
        assertThat(key("62 01 81 d0")).as("start of TRAIL_R").isFalse();
        assertThat(start("62 01 81 d0")).isTrue();
        assertThat(start("62 01 81 50")).isFalse();
        assertThat(key("62 01")).isFalse();
    }

    @Test
    void tooShort() {
        assertThat(key("")).isFalse();
        assertThat(key("26")).isFalse();
        assertThat(start("26 01")).isFalse();
    }
}

package io.lianmai.wire.vp9;

import io.lianmai.testkit.Hex;
import io.lianmai.wire.rtp.Codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Hex;
import org.junit.jupiter.api.Test;

class Vp9PayloadDescriptorTest {
    private static byte[] b(String hex) {
        return Hex.bytes(hex);
    }

    @Test
    void nonFlexibleKeyframeWithScalabilityStructure() {
        // I L B V | M PID=0x0123 | TID=0 U=0 SID=0 D=0 | TL0PICIDX=7 | SS: N_S=1 (2 layers) Y G, 2x(W,H), N_G=1,
        // group: TID=0 U=0 R=1, P_DIFF=1 | payload
        byte[] p = b("aa 81 23 00 07 38 01 40 00 b4 02 80 01 68 01 04 01 | 82 49 83 42");
        assertThat(Vp9PayloadDescriptor.length(p, 0, p.length)).isEqualTo(17);
        assertThat(Vp9PayloadDescriptor.isFlexibleMode(p, 0, p.length)).isFalse();
        assertThat(Vp9PayloadDescriptor.pictureId(p, 0, p.length)).isEqualTo(0x123);
        assertThat(Vp9PayloadDescriptor.spatialLayerId(p, 0, p.length)).isZero();
        assertThat(Vp9PayloadDescriptor.temporalLayerId(p, 0, p.length)).isZero();
        assertThat(Vp9PayloadDescriptor.tl0PicIdx(p, 0, p.length)).isEqualTo(7);
        assertThat(Vp9PayloadDescriptor.isStartOfFrame(p, 0, p.length)).isTrue();
        assertThat(Vp9PayloadDescriptor.isInterPicturePredicted(p, 0, p.length)).isFalse();
        assertThat(Vp9PayloadDescriptor.isKeyframe(p, 0, p.length)).isTrue();
        assertThat(Codec.VP9.isKeyframe(p, 0, p.length)).isTrue();
        assertThat(Codec.VP9.isStartOfFrame(p, 0, p.length)).isTrue();
    }

    @Test
    void upperSpatialLayerOfAKeyPictureIsNotTheKeyframe() {
        // I L B | PID=5 | TID=0 U=0 SID=1 D=1 | TL0PICIDX
        byte[] p = b("a8 05 03 07 00");
        assertThat(Vp9PayloadDescriptor.spatialLayerId(p, 0, p.length)).isEqualTo(1);
        assertThat(Vp9PayloadDescriptor.isInterLayerDependent(p, 0, p.length)).isTrue();
        assertThat(Vp9PayloadDescriptor.isKeyframe(p, 0, p.length)).isFalse();
        assertThat(Vp9PayloadDescriptor.isStartOfFrame(p, 0, p.length)).isTrue();
    }

    @Test
    void flexibleModeDeltaFrameWithReferences() {
        // I P L F B E | PID=0x7f | TID=2 U=1 SID=0 D=0 | P_DIFF=1 N=1 | P_DIFF=2 N=0 | payload
        byte[] p = b("fc 7f 50 03 04 99");
        assertThat(Vp9PayloadDescriptor.length(p, 0, p.length)).isEqualTo(5);
        assertThat(Vp9PayloadDescriptor.isFlexibleMode(p, 0, p.length)).isTrue();
        assertThat(Vp9PayloadDescriptor.pictureId(p, 0, p.length)).isEqualTo(0x7f);
        assertThat(Vp9PayloadDescriptor.temporalLayerId(p, 0, p.length)).isEqualTo(2);
        assertThat(Vp9PayloadDescriptor.isSwitchingUpPoint(p, 0, p.length)).isTrue();
        assertThat(Vp9PayloadDescriptor.tl0PicIdx(p, 0, p.length)).as("not in flexible mode").isEqualTo(-1);
        assertThat(Vp9PayloadDescriptor.isEndOfFrame(p, 0, p.length)).isTrue();
        assertThat(Vp9PayloadDescriptor.isKeyframe(p, 0, p.length)).isFalse();
    }

    @Test
    void middlePacketOfAKeyframeIsNotAStart() {
        byte[] p = b("a0 05 00 07 00");
        assertThat(Vp9PayloadDescriptor.isStartOfFrame(p, 0, p.length)).isFalse();
        assertThat(Vp9PayloadDescriptor.isKeyframe(p, 0, p.length)).isFalse();
    }

    @Test
    void keyframeWithoutLayerIndices() {
        byte[] p = b("88 05 00");
        assertThat(Vp9PayloadDescriptor.spatialLayerId(p, 0, p.length)).isEqualTo(-1);
        assertThat(Vp9PayloadDescriptor.isKeyframe(p, 0, p.length)).isTrue();
    }

    @Test
    void truncatedDescriptors() {
        for (String hex : new String[] {"", "80", "80 80", "a0 05", "a0 05 00", "d8 05 01", "d8 05 01 03 05",
                "8a 05", "8a 05 10 00", "8a 05 08", "8a 05 08 02 04"}) {
            byte[] p = b(hex);
            assertThat(Vp9PayloadDescriptor.length(p, 0, p.length)).as(hex).isEqualTo(-1);
            assertThat(Vp9PayloadDescriptor.isKeyframe(p, 0, p.length)).as(hex).isFalse();
        }
        byte[] fourReferences = b("d8 05 01 03 05 07 09");
        assertThat(Vp9PayloadDescriptor.length(fourReferences, 0, fourReferences.length))
                .as("at most three P_DIFF").isEqualTo(-1);
    }
}

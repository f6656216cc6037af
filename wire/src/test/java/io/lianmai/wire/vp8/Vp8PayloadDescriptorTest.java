package io.lianmai.wire.vp8;

import io.lianmai.testkit.Hex;
import io.lianmai.wire.rtp.Codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Hex;
import org.junit.jupiter.api.Test;

class Vp8PayloadDescriptorTest {
    private static final String KEY_HEADER = "10 02 00 9d 01 2a 80 02 e0 01";
    private static final String DELTA_HEADER = "31 0e 00 ff ff ff";

    private static byte[] b(String hex) {
        return Hex.bytes(hex);
    }

    @Test
    void minimalDescriptorKeyframe() {
        byte[] p = b("10 " + KEY_HEADER);
        assertThat(Vp8PayloadDescriptor.length(p, 0, p.length)).isEqualTo(1);
        assertThat(Vp8PayloadDescriptor.isStartOfPartition(p, 0, p.length)).isTrue();
        assertThat(Vp8PayloadDescriptor.partitionIndex(p, 0, p.length)).isZero();
        assertThat(Vp8PayloadDescriptor.isStartOfFrame(p, 0, p.length)).isTrue();
        assertThat(Vp8PayloadDescriptor.isKeyframe(p, 0, p.length)).isTrue();
        assertThat(Vp8PayloadDescriptor.pictureId(p, 0, p.length)).isEqualTo(-1);
        assertThat(Vp8PayloadDescriptor.tl0PicIdx(p, 0, p.length)).isEqualTo(-1);
        assertThat(Vp8PayloadDescriptor.temporalLayerId(p, 0, p.length)).isEqualTo(-1);
    }

    @Test
    void fullDescriptorAsChromeSendsWithTemporalLayers() {
        // X S | I L T | M PictureID=0x1234 | TL0PICIDX=0x56 | TID=2 Y KEYIDX=0
        byte[] p = b("90 e0 92 34 56 a0 " + KEY_HEADER);
        assertThat(Vp8PayloadDescriptor.length(p, 0, p.length)).isEqualTo(6);
        assertThat(Vp8PayloadDescriptor.pictureId(p, 0, p.length)).isEqualTo(0x1234);
        assertThat(Vp8PayloadDescriptor.tl0PicIdx(p, 0, p.length)).isEqualTo(0x56);
        assertThat(Vp8PayloadDescriptor.temporalLayerId(p, 0, p.length)).isEqualTo(2);
        assertThat(Vp8PayloadDescriptor.isLayerSync(p, 0, p.length)).isTrue();
        assertThat(Vp8PayloadDescriptor.isKeyframe(p, 0, p.length)).isTrue();
        assertThat(Codec.VP8.isKeyframe(p, 0, p.length)).isTrue();
    }

    @Test
    void sevenBitPictureIdAndKeyIndexWithoutTemporalId() {
        byte[] p = b("90 90 7f 1f " + DELTA_HEADER);
        assertThat(Vp8PayloadDescriptor.length(p, 0, p.length)).isEqualTo(4);
        assertThat(Vp8PayloadDescriptor.pictureId(p, 0, p.length)).isEqualTo(0x7f);
        assertThat(Vp8PayloadDescriptor.temporalLayerId(p, 0, p.length)).as("K without T").isEqualTo(-1);
        assertThat(Vp8PayloadDescriptor.isStartOfFrame(p, 0, p.length)).isTrue();
        assertThat(Vp8PayloadDescriptor.isKeyframe(p, 0, p.length)).as("P bit set").isFalse();
    }

    @Test
    void continuationAndOtherPartitionsAreNotFrameStarts() {
        byte[] middle = b("80 80 81 00 " + KEY_HEADER);
        assertThat(Vp8PayloadDescriptor.isStartOfFrame(middle, 0, middle.length)).isFalse();
        assertThat(Vp8PayloadDescriptor.isKeyframe(middle, 0, middle.length)).isFalse();
        byte[] partition1 = b("11 " + KEY_HEADER);
        assertThat(Vp8PayloadDescriptor.partitionIndex(partition1, 0, partition1.length)).isEqualTo(1);
        assertThat(Vp8PayloadDescriptor.isStartOfPartition(partition1, 0, partition1.length)).isTrue();
        assertThat(Vp8PayloadDescriptor.isStartOfFrame(partition1, 0, partition1.length)).isFalse();
        assertThat(Vp8PayloadDescriptor.isKeyframe(partition1, 0, partition1.length)).isFalse();
    }

    @Test
    void keyframeNeedsTheStartCode() {
        byte[] noStartCode = b("10 10 02 00 9d 01 2b 80 02");
        assertThat(Vp8PayloadDescriptor.isKeyframe(noStartCode, 0, noStartCode.length)).isFalse();
        byte[] cut = b("10 10 02 00 9d 01");
        assertThat(Vp8PayloadDescriptor.isKeyframe(cut, 0, cut.length)).isFalse();
    }

    @Test
    void truncatedDescriptors() {
        for (String hex : new String[] {"", "90", "90 80", "90 80 80", "90 40", "90 20", "90 f0 80 01 02"}) {
            byte[] p = b(hex);
            assertThat(Vp8PayloadDescriptor.length(p, 0, p.length)).as(hex).isEqualTo(-1);
            assertThat(Vp8PayloadDescriptor.isStartOfFrame(p, 0, p.length)).as(hex).isFalse();
            assertThat(Vp8PayloadDescriptor.isKeyframe(p, 0, p.length)).as(hex).isFalse();
            assertThat(Vp8PayloadDescriptor.pictureId(p, 0, p.length)).as(hex).isEqualTo(-1);
            assertThat(Vp8PayloadDescriptor.tl0PicIdx(p, 0, p.length)).as(hex).isEqualTo(-1);
            assertThat(Vp8PayloadDescriptor.temporalLayerId(p, 0, p.length)).as(hex).isEqualTo(-1);
        }
    }

    @Test
    void readsAtAnOffset() {
        byte[] p = b("ff ff ff 10 " + KEY_HEADER + " ee");
        assertThat(Vp8PayloadDescriptor.isKeyframe(p, 3, p.length - 4)).isTrue();
    }

    /** The descriptor lengths the bridges' VP8 depacketizer relies on (from codec's former copy of this parser). */
    @Test
    void descriptorLengthsWithOptionalFields() {
        assertThat(Vp8PayloadDescriptor.length(Hex.bytes("10"), 0, 1)).isEqualTo(1);
        assertThat(Vp8PayloadDescriptor.length(Hex.bytes("90 80 7f"), 0, 3)).isEqualTo(3);
        assertThat(Vp8PayloadDescriptor.length(Hex.bytes("90 e0 80 01 05 20"), 0, 6)).isEqualTo(6);
        assertThat(Vp8PayloadDescriptor.length(Hex.bytes("90 e0 80 01"), 0, 4)).isEqualTo(-1);
        assertThat(Vp8PayloadDescriptor.length(Hex.bytes("90"), 0, 1)).isEqualTo(-1);
    }
}

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

    @Test
    void rewritesTheFifteenBitPictureIdAndTheTl0PicIdxInPlaceLeavingTheRestAlone() {
        byte[] p = b("90 e0 92 34 56 a0 " + KEY_HEADER);
        byte[] before = p.clone();
        assertThat(Vp8PayloadDescriptor.hasLongPictureId(p, 0, p.length)).isTrue();
        assertThat(Vp8PayloadDescriptor.setPictureId(p, 0, p.length, 0x7ffe)).isTrue();
        assertThat(Vp8PayloadDescriptor.setTl0PicIdx(p, 0, p.length, 0x1ff)).as("low 8 bits").isTrue();
        assertThat(Vp8PayloadDescriptor.pictureId(p, 0, p.length)).isEqualTo(0x7ffe);
        assertThat(Vp8PayloadDescriptor.tl0PicIdx(p, 0, p.length)).isEqualTo(0xff);
        assertThat(Vp8PayloadDescriptor.temporalLayerId(p, 0, p.length)).isEqualTo(2);
        assertThat(Vp8PayloadDescriptor.isLayerSync(p, 0, p.length)).isTrue();
        assertThat(Vp8PayloadDescriptor.isKeyframe(p, 0, p.length)).isTrue();
        assertThat(p[0]).isEqualTo(before[0]);
        assertThat(p[2] & 0x80).as("M bit kept").isEqualTo(0x80);
        assertThat(java.util.Arrays.copyOfRange(p, 5, p.length)).isEqualTo(java.util.Arrays.copyOfRange(before, 5, p.length));
    }

    @Test
    void aSevenBitPictureIdKeepsItsWidthAndAbsentFieldsAreNotWritten() {
        byte[] seven = b("90 90 7f 1f " + DELTA_HEADER);
        assertThat(Vp8PayloadDescriptor.hasLongPictureId(seven, 0, seven.length)).isFalse();
        assertThat(Vp8PayloadDescriptor.setPictureId(seven, 0, seven.length, 0x1234)).isTrue();
        assertThat(Vp8PayloadDescriptor.pictureId(seven, 0, seven.length)).isEqualTo(0x34);
        assertThat(Vp8PayloadDescriptor.length(seven, 0, seven.length)).isEqualTo(4);
        assertThat(Vp8PayloadDescriptor.setTl0PicIdx(seven, 0, seven.length, 7)).as("no L bit").isFalse();

        byte[] minimal = b("10 " + KEY_HEADER);
        byte[] before = minimal.clone();
        assertThat(Vp8PayloadDescriptor.setPictureId(minimal, 0, minimal.length, 5)).isFalse();
        assertThat(Vp8PayloadDescriptor.setTl0PicIdx(minimal, 0, minimal.length, 5)).isFalse();
        assertThat(minimal).isEqualTo(before);
    }

    /** Garbage in: writing never reaches outside the payload it is given, and a short payload is refused. */
    @net.jqwik.api.Property(tries = 2000)
    void writesStayWithinTheGivenPayload(@net.jqwik.api.ForAll byte[] payload, @net.jqwik.api.ForAll int pictureId,
            @net.jqwik.api.ForAll int tl0) {
        byte[] framed = new byte[payload.length + 4];
        System.arraycopy(payload, 0, framed, 2, payload.length);
        java.util.Arrays.fill(framed, 0, 2, (byte) 0x5a);
        java.util.Arrays.fill(framed, framed.length - 2, framed.length, (byte) 0x5a);
        boolean wrotePicture = Vp8PayloadDescriptor.setPictureId(framed, 2, payload.length, pictureId);
        boolean wroteTl0 = Vp8PayloadDescriptor.setTl0PicIdx(framed, 2, payload.length, tl0);
        assertThat(framed[0]).isEqualTo((byte) 0x5a);
        assertThat(framed[1]).isEqualTo((byte) 0x5a);
        assertThat(framed[framed.length - 2]).isEqualTo((byte) 0x5a);
        assertThat(framed[framed.length - 1]).isEqualTo((byte) 0x5a);
        if (wrotePicture) {
            int mask = Vp8PayloadDescriptor.hasLongPictureId(framed, 2, payload.length) ? 0x7fff : 0x7f;
            assertThat(Vp8PayloadDescriptor.pictureId(framed, 2, payload.length)).isEqualTo(pictureId & mask);
        }
        if (wroteTl0) {
            assertThat(Vp8PayloadDescriptor.tl0PicIdx(framed, 2, payload.length)).isEqualTo(tl0 & 0xff);
        }
        if (wrotePicture || wroteTl0) {
            assertThat(Vp8PayloadDescriptor.length(framed, 2, payload.length)).as("only into a whole descriptor")
                    .isPositive();
        }
    }
}

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

    @Test
    void rewritesTheFifteenBitPictureIdAndTheTl0PicIdxInPlaceLeavingTheRestAlone() {
        byte[] p = b("aa 81 23 00 07 38 01 40 00 b4 02 80 01 68 01 04 01 | 82 49 83 42");
        byte[] expected = b("aa ff fe 00 ff 38 01 40 00 b4 02 80 01 68 01 04 01 | 82 49 83 42");
        assertThat(Vp9PayloadDescriptor.hasLongPictureId(p, 0, p.length)).isTrue();
        assertThat(Vp9PayloadDescriptor.setPictureId(p, 0, p.length, 0xfffe)).as("low 15 bits").isTrue();
        assertThat(Vp9PayloadDescriptor.setTl0PicIdx(p, 0, p.length, 0x1ff)).as("low 8 bits").isTrue();
        assertThat(p).isEqualTo(expected);
        assertThat(Vp9PayloadDescriptor.pictureId(p, 0, p.length)).isEqualTo(0x7ffe);
        assertThat(Vp9PayloadDescriptor.tl0PicIdx(p, 0, p.length)).isEqualTo(0xff);
        assertThat(Vp9PayloadDescriptor.length(p, 0, p.length)).isEqualTo(17);
        assertThat(Vp9PayloadDescriptor.isKeyframe(p, 0, p.length)).isTrue();
    }

    @Test
    void aSevenBitPictureIdKeepsItsWidthAndFlexibleModeHasNoTl0PicIdx() {
        // I P L F B E | PID=0x7f (7 bits) | TID=2 U=1 SID=0 D=0 | P_DIFF=1 N=1 | P_DIFF=2 N=0 | payload
        byte[] p = b("fc 7f 50 03 04 99");
        assertThat(Vp9PayloadDescriptor.hasLongPictureId(p, 0, p.length)).isFalse();
        assertThat(Vp9PayloadDescriptor.setPictureId(p, 0, p.length, 0x1234)).isTrue();
        assertThat(p).isEqualTo(b("fc 34 50 03 04 99"));
        assertThat(Vp9PayloadDescriptor.setTl0PicIdx(p, 0, p.length, 7)).as("flexible mode").isFalse();
        assertThat(p).isEqualTo(b("fc 34 50 03 04 99"));
    }

    @Test
    void absentOrTruncatedFieldsAreNotWritten() {
        // No I bit; L without I, truncated; I L truncated; flexible references truncated; SS truncated; …
        for (String hex : new String[] {"08 99", "28 03", "a0 05", "d8 05 01", "8a 05 08 02 04", "80", "", "a8 05 03"}) {
            byte[] p = b(hex);
            assertThat(Vp9PayloadDescriptor.setPictureId(p, 0, p.length, 5)).as(hex).isFalse();
            assertThat(Vp9PayloadDescriptor.setTl0PicIdx(p, 0, p.length, 5)).as(hex).isFalse();
            assertThat(p).as(hex).isEqualTo(b(hex));
        }
    }

    /** Garbage in: writing never reaches outside the payload it is given, and changes nothing but the two fields. */
    @net.jqwik.api.Property(tries = 3000)
    void writesStayWithinTheGivenPayload(@net.jqwik.api.ForAll byte[] payload, @net.jqwik.api.ForAll int pictureId,
            @net.jqwik.api.ForAll int tl0) {
        byte[] framed = new byte[payload.length + 4];
        System.arraycopy(payload, 0, framed, 2, payload.length);
        java.util.Arrays.fill(framed, 0, 2, (byte) 0x5a);
        java.util.Arrays.fill(framed, framed.length - 2, framed.length, (byte) 0x5a);
        int length = Vp9PayloadDescriptor.length(framed, 2, payload.length);
        int spatial = Vp9PayloadDescriptor.spatialLayerId(framed, 2, payload.length);
        int temporal = Vp9PayloadDescriptor.temporalLayerId(framed, 2, payload.length);
        boolean wrotePicture = Vp9PayloadDescriptor.setPictureId(framed, 2, payload.length, pictureId);
        boolean wroteTl0 = Vp9PayloadDescriptor.setTl0PicIdx(framed, 2, payload.length, tl0);
        assertThat(framed[0]).isEqualTo((byte) 0x5a);
        assertThat(framed[1]).isEqualTo((byte) 0x5a);
        assertThat(framed[framed.length - 2]).isEqualTo((byte) 0x5a);
        assertThat(framed[framed.length - 1]).isEqualTo((byte) 0x5a);
        if (wrotePicture) {
            int mask = Vp9PayloadDescriptor.hasLongPictureId(framed, 2, payload.length) ? 0x7fff : 0x7f;
            assertThat(Vp9PayloadDescriptor.pictureId(framed, 2, payload.length)).isEqualTo(pictureId & mask);
        }
        if (wroteTl0) {
            assertThat(Vp9PayloadDescriptor.tl0PicIdx(framed, 2, payload.length)).isEqualTo(tl0 & 0xff);
        }
        if (wrotePicture || wroteTl0) {
            assertThat(length).as("only into a whole descriptor").isPositive();
            assertThat(framed[2]).isEqualTo(payload[0]);
            assertThat(Vp9PayloadDescriptor.length(framed, 2, payload.length)).isEqualTo(length);
            assertThat(Vp9PayloadDescriptor.spatialLayerId(framed, 2, payload.length)).isEqualTo(spatial);
            assertThat(Vp9PayloadDescriptor.temporalLayerId(framed, 2, payload.length)).isEqualTo(temporal);
            assertThat(java.util.Arrays.copyOfRange(framed, 2 + length, 2 + payload.length))
                    .isEqualTo(java.util.Arrays.copyOfRange(payload, length, payload.length));
        } else {
            assertThat(java.util.Arrays.copyOfRange(framed, 2, 2 + payload.length)).isEqualTo(payload);
        }
    }

    /**
     * Valid descriptors of every shape (7- or 15-bit or no picture id, flexible or not, with or without layer indices,
     * references and a scalability structure): writing the two fields gives exactly the descriptor built with the new
     * values, so nothing else moved and the length stayed.
     */
    @net.jqwik.api.Property(tries = 2000)
    void roundTripsOnValidDescriptors(@net.jqwik.api.ForAll boolean hasPictureId, @net.jqwik.api.ForAll boolean longId,
            @net.jqwik.api.ForAll boolean flexible, @net.jqwik.api.ForAll boolean layerIndices,
            @net.jqwik.api.ForAll boolean predicted, @net.jqwik.api.ForAll boolean scalability,
            @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 3) int references,
            @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 0x7fff) int pictureId,
            @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 0xff) int tl0,
            @net.jqwik.api.ForAll int newPictureId, @net.jqwik.api.ForAll int newTl0) {
        byte[] p = descriptor(hasPictureId, longId, flexible, layerIndices, predicted, scalability, references,
                pictureId, tl0);
        int mask = longId ? 0x7fff : 0x7f;
        boolean hasTl0 = layerIndices && !flexible;
        int length = Vp9PayloadDescriptor.length(p, 0, p.length);
        assertThat(length).isEqualTo(p.length - 3);
        assertThat(Vp9PayloadDescriptor.pictureId(p, 0, p.length)).isEqualTo(hasPictureId ? pictureId & mask : -1);
        assertThat(Vp9PayloadDescriptor.hasLongPictureId(p, 0, p.length)).isEqualTo(hasPictureId && longId);
        assertThat(Vp9PayloadDescriptor.tl0PicIdx(p, 0, p.length)).isEqualTo(hasTl0 ? tl0 : -1);

        assertThat(Vp9PayloadDescriptor.setPictureId(p, 0, p.length, newPictureId)).isEqualTo(hasPictureId);
        assertThat(Vp9PayloadDescriptor.setTl0PicIdx(p, 0, p.length, newTl0)).isEqualTo(hasTl0);
        assertThat(p).isEqualTo(descriptor(hasPictureId, longId, flexible, layerIndices, predicted, scalability,
                references, hasPictureId ? newPictureId & mask : pictureId, hasTl0 ? newTl0 & 0xff : tl0));
        assertThat(Vp9PayloadDescriptor.length(p, 0, p.length)).isEqualTo(length);
    }

    /** A descriptor as RFC 9628 §4.2 lays it out, then three bytes of VP9 payload. */
    private static byte[] descriptor(boolean hasPictureId, boolean longId, boolean flexible, boolean layerIndices,
            boolean predicted, boolean scalability, int references, int pictureId, int tl0) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write((hasPictureId ? 0x80 : 0) | (predicted ? 0x40 : 0) | (layerIndices ? 0x20 : 0) | (flexible ? 0x10 : 0)
                | 0x08 | 0x04 | (scalability ? 0x02 : 0));
        if (hasPictureId && longId) {
            out.write(0x80 | (pictureId >>> 8) & 0x7f);
            out.write(pictureId & 0xff);
        } else if (hasPictureId) {
            out.write(pictureId & 0x7f);
        }
        if (layerIndices) {
            out.write(0x30); // TID=1 U=1 SID=0 D=0
            if (!flexible) {
                out.write(tl0);
            }
        }
        if (predicted && flexible) {
            for (int i = 1; i <= references; i++) {
                out.write(i << 1 | (i < references ? 1 : 0));
            }
        }
        if (scalability) {
            // N_S=0 Y G | WIDTH HEIGHT | N_G=1 | TID=0 U=0 R=1 | P_DIFF=1
            out.writeBytes(new byte[] {0x18, 0x02, (byte) 0x80, 0x01, 0x68, 0x01, 0x04, 0x01});
        }
        out.writeBytes(new byte[] {(byte) 0x82, 0x49, (byte) 0x83});
        return out.toByteArray();
    }
}

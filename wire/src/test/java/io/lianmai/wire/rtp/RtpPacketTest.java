package io.lianmai.wire.rtp;

import io.lianmai.wire.vp8.Vp8PayloadDescriptor;
import io.lianmai.testkit.Hex;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Hex;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RtpPacketTest {
    /**
     * An Opus packet laid out as Chrome sends it: one-byte extensions ssrc-audio-level (1), abs-send-time (2),
     * transport-wide-cc (3) and mid (4), one padding byte to close the block, then 8 payload bytes.
     */
    static final String OPUS_WITH_EXTENSIONS = """
            90 6f 1a 2b | 00 01 e2 40 | 5e 3c 91 a7
            be de 00 03 | 10 9e 22 12 | 34 56 31 04 | d2 40 30 00
            78 0b e4 c1 36 ec c5 8d
            """;

    /** The first packet of a VP8 640x480 key frame with abs-send-time (2) and transport-wide-cc (3). */
    static final String VP8_KEYFRAME_START = """
            90 60 00 64 | 00 00 17 70 | 0a 0b 0c 0d
            be de 00 02 | 22 00 40 00 | 31 00 07 00
            90 80 80 2a | 10 02 00 9d 01 2a 80 02 e0 01 | 11 22 33 44
            """;

    private final RtpPacket packet = new RtpPacket();

    /** A copy bound without a second parse reads, finds and grows exactly as the same bytes wrapped afresh. */
    @Test
    void aCopyBoundWithoutReparsingReadsAsTheSameBytesWrapped() {
        byte[] source = new byte[100];
        byte[] bytes = Hex.bytes(OPUS_WITH_EXTENSIONS);
        System.arraycopy(bytes, 0, source, 7, bytes.length);
        assertThat(packet.wrap(source, 7, bytes.length)).isTrue();
        byte[] copy = new byte[100];
        RtpPacket bound = new RtpPacket();

        assertThat(bound.wrapCopy(packet, copy, 3)).isTrue();

        assertThat(Arrays.copyOfRange(copy, 3, 3 + bytes.length)).isEqualTo(bytes);
        byte[] fresh = copy.clone();
        RtpPacket wrapped = new RtpPacket();
        assertThat(wrapped.wrap(fresh, 3, bytes.length)).isTrue();
        assertThat(bound.offset()).isEqualTo(3);
        assertThat(bound.length()).isEqualTo(wrapped.length());
        assertThat(bound.headerLength()).isEqualTo(wrapped.headerLength());
        assertThat(bound.extensionOffset()).isEqualTo(wrapped.extensionOffset());
        assertThat(bound.extensionLength()).isEqualTo(wrapped.extensionLength());
        assertThat(bound.findExtension(3)).isEqualTo(wrapped.findExtension(3));
        assertThat(bound.addExtension(5, 2, 100)).isEqualTo(wrapped.addExtension(5, 2, 100));
        assertThat(bound.payloadOffset()).isEqualTo(wrapped.payloadOffset());
        assertThat(copy).isEqualTo(fresh);
    }

    @Test
    void aCopyThatDoesNotFitOrOfAnUnboundViewIsRefusedAndWritesNothing() {
        byte[] bytes = Hex.bytes(OPUS_WITH_EXTENSIONS);
        byte[] small = new byte[bytes.length + 2];
        RtpPacket bound = new RtpPacket();

        assertThat(bound.wrapCopy(packet, small, 0)).as("an unbound source").isFalse();
        assertThat(packet.wrap(bytes, 0, bytes.length)).isTrue();
        assertThat(bound.wrapCopy(packet, small, 3)).isFalse();
        assertThat(bound.wrapCopy(packet, small, -1)).isFalse();
        assertThat(bound.isWrapped()).isFalse();
        assertThat(small).containsOnly(0);
        assertThat(bound.wrapCopy(packet, small, 2)).isTrue();
    }

    @Test
    void readsTheFixedHeaderAndChromeStyleExtensions() {
        byte[] bytes = Hex.bytes(OPUS_WITH_EXTENSIONS);
        assertThat(packet.wrap(bytes, 0, bytes.length)).isTrue();

        assertThat(packet.version()).isEqualTo(2);
        assertThat(packet.hasPadding()).isFalse();
        assertThat(packet.hasExtension()).isTrue();
        assertThat(packet.csrcCount()).isZero();
        assertThat(packet.marker()).isFalse();
        assertThat(packet.payloadType()).isEqualTo(111);
        assertThat(packet.sequenceNumber()).isEqualTo(0x1a2b);
        assertThat(packet.timestamp()).isEqualTo(123_456L);
        assertThat(packet.ssrc()).isEqualTo(0x5e3c91a7L);
        assertThat(packet.headerLength()).isEqualTo(28);
        assertThat(packet.payloadOffset()).isEqualTo(28);
        assertThat(packet.payloadLength()).isEqualTo(8);
        assertThat(packet.extensionProfile()).isEqualTo(RtpPacket.ONE_BYTE_PROFILE);
        assertThat(packet.hasOneByteExtensions()).isTrue();
        assertThat(packet.hasTwoByteExtensions()).isFalse();
        assertThat(packet.extensionOffset()).isEqualTo(16);
        assertThat(packet.extensionLength()).isEqualTo(12);

        int level = AudioLevelExtension.read(packet, 1);
        assertThat(AudioLevelExtension.voiceActivity(level)).isTrue();
        assertThat(AudioLevelExtension.level(level)).isEqualTo(30);
        assertThat(AbsSendTimeExtension.read(packet, 2)).isEqualTo(0x123456);
        assertThat(TransportSequenceNumberExtension.read(packet, 3)).isEqualTo(1234);
        assertThat(MidExtension.matches(packet, 4, MidExtension.encode("0"))).isTrue();
        assertThat(MidExtension.matches(packet, 4, MidExtension.encode("1"))).isFalse();
        assertThat(MidExtension.decode(packet, 4)).isEqualTo("0");
        assertThat(packet.findExtension(5)).isEqualTo(RtpPacket.NOT_FOUND);
    }

    @Test
    void readsAVp8KeyframeCapture() {
        byte[] bytes = Hex.bytes(VP8_KEYFRAME_START);
        assertThat(packet.wrap(bytes, 0, bytes.length)).isTrue();
        assertThat(packet.payloadType()).isEqualTo(96);
        assertThat(packet.sequenceNumber()).isEqualTo(100);
        assertThat(packet.timestamp()).isEqualTo(6000);
        assertThat(TransportSequenceNumberExtension.read(packet, 3)).isEqualTo(7);
        assertThat(Codec.VP8.isKeyframe(packet)).isTrue();
        assertThat(Codec.VP8.isStartOfFrame(packet)).isTrue();
        assertThat(Vp8PayloadDescriptor.pictureId(bytes, packet.payloadOffset(), packet.payloadLength()))
                .isEqualTo(42);
    }

    @Test
    void readsCsrcsPaddingAndAnOffsetInsideALargerBuffer() {
        RtpBuilder builder = new RtpBuilder().csrcs(0xAAAAAAAAL, 0x01020304L).payloadSize(10).padding(4)
                .marker(true).payloadType(100).headroom(30).tailroom(16);
        byte[] bytes = builder.build();

        assertThat(packet.wrap(bytes, 30, builder.length())).isTrue();
        assertThat(packet.offset()).isEqualTo(30);
        assertThat(packet.length()).isEqualTo(12 + 8 + 10 + 4);
        assertThat(packet.csrcCount()).isEqualTo(2);
        assertThat(packet.csrc(0)).isEqualTo(0xAAAAAAAAL);
        assertThat(packet.csrc(1)).isEqualTo(0x01020304L);
        assertThat(packet.marker()).isTrue();
        assertThat(packet.payloadType()).isEqualTo(100);
        assertThat(packet.hasPadding()).isTrue();
        assertThat(packet.paddingLength()).isEqualTo(4);
        assertThat(packet.headerLength()).isEqualTo(20);
        assertThat(packet.payloadOffset()).isEqualTo(50);
        assertThat(packet.payloadLength()).isEqualTo(10);
        assertThat(packet.extensionProfile()).isEqualTo(-1);
        assertThat(packet.findExtension(1)).isEqualTo(RtpPacket.NOT_FOUND);
    }

    @Test
    void unsignedFieldsAboveTheSignedRange() {
        byte[] bytes = new RtpBuilder().timestamp(0xFFFF_FFFEL).ssrc(0x8000_0001L).sequenceNumber(0xFFFF).build();
        assertThat(packet.wrap(bytes, 0, bytes.length)).isTrue();
        assertThat(packet.timestamp()).isEqualTo(0xFFFF_FFFEL);
        assertThat(packet.ssrc()).isEqualTo(0x8000_0001L);
        assertThat(packet.sequenceNumber()).isEqualTo(0xFFFF);
    }

    @Test
    void paddingOnlyPacketHasAnEmptyPayload() {
        byte[] bytes = new RtpBuilder().payload(new byte[0]).padding(200).build();
        assertThat(packet.wrap(bytes, 0, bytes.length)).isTrue();
        assertThat(packet.payloadLength()).isZero();
        assertThat(packet.paddingLength()).isEqualTo(200);
    }

    @Test
    void rejectsInvalidPackets() {
        byte[] good = new RtpBuilder().build();
        assertThat(packet.wrap(good, 0, good.length)).isTrue();

        assertThat(packet.wrap(new RtpBuilder().version(1).build(), 0, good.length)).isFalse();
        assertThat(packet.wrap(new RtpBuilder().version(3).build(), 0, good.length)).isFalse();
        assertThat(packet.wrap(new RtpBuilder().version(0).build(), 0, good.length)).isFalse();
        assertThat(packet.isWrapped()).isFalse();
        assertThat(packet.wrap(good, 0, 11)).as("shorter than the fixed header").isFalse();
        assertThat(packet.wrap(null, 0, 12)).isFalse();
        assertThat(packet.wrap(good, -1, 12)).isFalse();
        assertThat(packet.wrap(good, 8, good.length)).as("beyond the array").isFalse();
        assertThat(packet.wrap(good, Integer.MAX_VALUE, 12)).isFalse();

        byte[] csrcs = new RtpBuilder().csrcs(1, 2, 3).payload(new byte[0]).build();
        assertThat(packet.wrap(csrcs, 0, csrcs.length)).isTrue();
        assertThat(packet.wrap(csrcs, 0, csrcs.length - 1)).as("CSRC list cut").isFalse();

        byte[] ext = new RtpBuilder().oneByteExtensions(new byte[] {0x10, 1}).payload(new byte[0]).build();
        assertThat(packet.wrap(ext, 0, ext.length)).isTrue();
        assertThat(packet.wrap(ext, 0, 14)).as("extension header cut").isFalse();
        assertThat(packet.wrap(ext, 0, ext.length - 1)).as("extension block cut").isFalse();

        byte[] zeroPadding = new RtpBuilder().padding(3).build();
        zeroPadding[zeroPadding.length - 1] = 0;
        assertThat(packet.wrap(zeroPadding, 0, zeroPadding.length)).as("padding count 0").isFalse();
        byte[] hugePadding = new RtpBuilder().padding(3).build();
        hugePadding[hugePadding.length - 1] = (byte) 200;
        assertThat(packet.wrap(hugePadding, 0, hugePadding.length)).as("padding into the header").isFalse();
    }

    @Test
    void paddingMayCoverTheWholePayloadButNotTheHeader() {
        byte[] bytes = new RtpBuilder().payload(new byte[] {9, 9}).padding(2).build();
        bytes[bytes.length - 1] = 4;
        assertThat(packet.wrap(bytes, 0, bytes.length)).isTrue();
        assertThat(packet.payloadLength()).isZero();
        bytes[bytes.length - 1] = 5;
        assertThat(packet.wrap(bytes, 0, bytes.length)).isFalse();
    }

    @Test
    void everySetterRoundTripsAndTouchesOnlyItsField() {
        byte[] bytes = Hex.bytes(OPUS_WITH_EXTENSIONS);
        assertThat(packet.wrap(bytes, 0, bytes.length)).isTrue();

        packet.setSequenceNumber(0xFFFF);
        assertOnlyChanged(bytes, 2, 4);
        packet.setSequenceNumber(0x1_0005);
        assertThat(packet.sequenceNumber()).isEqualTo(5);

        bytes = Hex.bytes(OPUS_WITH_EXTENSIONS);
        packet.wrap(bytes, 0, bytes.length);
        packet.setTimestamp(0xFEDC_BA98L);
        assertThat(packet.timestamp()).isEqualTo(0xFEDC_BA98L);
        assertOnlyChanged(bytes, 4, 8);
        packet.setTimestamp(-1);
        assertThat(packet.timestamp()).isEqualTo(0xFFFF_FFFFL);

        bytes = Hex.bytes(OPUS_WITH_EXTENSIONS);
        packet.wrap(bytes, 0, bytes.length);
        packet.setSsrc(0x8765_4321L);
        assertThat(packet.ssrc()).isEqualTo(0x8765_4321L);
        assertOnlyChanged(bytes, 8, 12);
        packet.setSsrc(0x1234);
        assertThat(packet.ssrc()).isEqualTo(0x1234);

        bytes = Hex.bytes(OPUS_WITH_EXTENSIONS);
        packet.wrap(bytes, 0, bytes.length);
        packet.setMarker(true);
        assertThat(packet.marker()).isTrue();
        assertThat(packet.payloadType()).isEqualTo(111);
        packet.setPayloadType(63);
        assertThat(packet.payloadType()).isEqualTo(63);
        assertThat(packet.marker()).isTrue();
        packet.setMarker(false);
        assertThat(packet.marker()).isFalse();
        assertThat(packet.payloadType()).isEqualTo(63);
        packet.setPayloadType(111);
        assertThat(bytes).isEqualTo(Hex.bytes(OPUS_WITH_EXTENSIONS));

        RtpPacket reread = new RtpPacket();
        packet.setSequenceNumber(77);
        packet.setTimestamp(88);
        packet.setSsrc(99);
        assertThat(reread.wrap(bytes, 0, bytes.length)).isTrue();
        assertThat(reread.sequenceNumber()).isEqualTo(77);
        assertThat(reread.timestamp()).isEqualTo(88);
        assertThat(reread.ssrc()).isEqualTo(99);
        assertThat(reread.payloadLength()).isEqualTo(8);
    }

    @Test
    void clearUnbinds() {
        byte[] bytes = new RtpBuilder().build();
        packet.wrap(bytes, 0, bytes.length);
        packet.clear();
        assertThat(packet.isWrapped()).isFalse();
        assertThat(packet.buffer()).isNull();
        assertThat(packet.findExtension(1)).isEqualTo(RtpPacket.NOT_FOUND);
    }

    private static void assertOnlyChanged(byte[] bytes, int from, int to) {
        byte[] original = Hex.bytes(OPUS_WITH_EXTENSIONS);
        assertThat(Arrays.equals(bytes, 0, from, original, 0, from)).isTrue();
        assertThat(Arrays.equals(bytes, to, bytes.length, original, to, original.length)).isTrue();
        assertThat(Arrays.equals(bytes, from, to, original, from, to)).isFalse();
    }
}

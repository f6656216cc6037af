package io.lianmai.wire.rtp;

import io.lianmai.testkit.Hex;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Hex;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RtxPacketTest {
    private final RtpPacket original = new RtpPacket();
    private final RtpPacket rtx = new RtpPacket();

    @Test
    void buildsARetransmissionWithTheOriginalSequenceNumberFirst() {
        byte[] bytes = new RtpBuilder().sequenceNumber(0xBEEF).timestamp(90_000).ssrc(1111).payloadType(96)
                .marker(true).csrcs(77).oneByteExtensions(Hex.bytes("10 aa 21 01 02")).payloadSize(100).padding(7)
                .build();
        assertThat(original.wrap(bytes, 0, bytes.length)).isTrue();
        byte[] out = new byte[300];

        int written = RtxPacket.build(original, out, 10, 2222, 97, 5);

        assertThat(written).isEqualTo(RtxPacket.lengthFor(original)).isEqualTo(original.headerLength() + 2 + 100);
        assertThat(rtx.wrap(out, 10, written)).isTrue();
        assertThat(rtx.ssrc()).isEqualTo(2222);
        assertThat(rtx.payloadType()).isEqualTo(97);
        assertThat(rtx.sequenceNumber()).isEqualTo(5);
        assertThat(rtx.marker()).isTrue();
        assertThat(rtx.timestamp()).isEqualTo(90_000);
        assertThat(rtx.csrc(0)).isEqualTo(77);
        assertThat(rtx.hasPadding()).isFalse();
        assertThat(rtx.payloadLength()).isEqualTo(102);
        assertThat(RtxPacket.originalSequenceNumber(rtx)).isEqualTo(0xBEEF);
        assertThat(rtx.findExtension(2)).isNotEqualTo(RtpPacket.NOT_FOUND);
        assertThat(Arrays.equals(out, rtx.payloadOffset() + 2, rtx.payloadOffset() + 102,
                bytes, original.payloadOffset(), original.payloadOffset() + 100)).isTrue();
        assertThat(original.sequenceNumber()).as("original untouched").isEqualTo(0xBEEF);
    }

    @Test
    void refusesWhenTheDestinationIsTooSmall() {
        byte[] bytes = new RtpBuilder().payloadSize(50).build();
        original.wrap(bytes, 0, bytes.length);
        assertThat(RtxPacket.build(original, new byte[63], 0, 1, 1, 1)).isEqualTo(-1);
        assertThat(RtxPacket.build(original, new byte[64], 0, 1, 1, 1)).isEqualTo(64);
        assertThat(RtxPacket.build(original, new byte[64], 1, 1, 1, 1)).isEqualTo(-1);
        assertThat(RtxPacket.build(original, new byte[64], -1, 1, 1, 1)).isEqualTo(-1);
    }

    @Test
    void restoresTheOriginalInPlace() {
        RtpBuilder source = new RtpBuilder().sequenceNumber(4242).ssrc(1111).payloadType(96).timestamp(123)
                .oneByteExtensions(Hex.bytes("31 00 09")).payloadSize(40);
        byte[] originalBytes = source.build();
        original.wrap(originalBytes, 0, originalBytes.length);
        byte[] buffer = new byte[200];
        int length = RtxPacket.build(original, buffer, 20, 2222, 97, 17);
        assertThat(rtx.wrap(buffer, 20, length)).isTrue();

        assertThat(RtxPacket.restoreOriginal(rtx, 1111, 96)).isTrue();

        assertThat(rtx.offset()).isEqualTo(22);
        assertThat(rtx.length()).isEqualTo(originalBytes.length);
        assertThat(Arrays.copyOfRange(buffer, 22, 22 + rtx.length())).isEqualTo(originalBytes);
        assertThat(TransportSequenceNumberExtension.read(rtx, 3)).isEqualTo(9);
        RtpPacket rewrapped = new RtpPacket();
        assertThat(rewrapped.wrap(buffer, rtx.offset(), rtx.length())).isTrue();
        assertThat(rewrapped.sequenceNumber()).isEqualTo(4242);
        assertThat(rewrapped.payloadLength()).isEqualTo(40);
    }

    @Test
    void restoreKeepsTheRtxPacketsOwnPadding() {
        byte[] bytes = new RtpBuilder().payloadType(97).ssrc(2222).payload(new byte[] {0x12, 0x34, 5, 6, 7})
                .padding(3).build();
        assertThat(rtx.wrap(bytes, 0, bytes.length)).isTrue();
        assertThat(RtxPacket.restoreOriginal(rtx, 1111, 96)).isTrue();
        assertThat(rtx.sequenceNumber()).isEqualTo(0x1234);
        assertThat(rtx.payloadLength()).isEqualTo(3);
        assertThat(rtx.paddingLength()).isEqualTo(3);
        assertThat(rtx.ssrc()).isEqualTo(1111);
        assertThat(rtx.payloadType()).isEqualTo(96);
    }

    @Test
    void paddingOnlyProbesHaveNoOriginal() {
        byte[] bytes = new RtpBuilder().payload(new byte[0]).padding(255).build();
        assertThat(rtx.wrap(bytes, 0, bytes.length)).isTrue();
        byte[] before = bytes.clone();
        assertThat(RtxPacket.originalSequenceNumber(rtx)).isEqualTo(-1);
        assertThat(RtxPacket.restoreOriginal(rtx, 1, 1)).isFalse();
        assertThat(bytes).isEqualTo(before);
        assertThat(rtx.offset()).isZero();
    }
}

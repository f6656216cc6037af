package io.lianmai.wire.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link RtpPacket#addExtension}: the element is found where it was added and nothing else of the packet moves. */
class AddExtensionTest {
    private static final byte[] PAYLOAD = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    private final RtpPacket packet = new RtpPacket();

    @Test
    void aPacketWithoutExtensionsGetsAOneByteBlock() {
        byte[] buf = new RtpBuilder().csrcs(0x01020304L).payload(PAYLOAD).padding(3).tailroom(40).build();
        int len = buf.length - 40;
        assertThat(packet.wrap(buf, 0, len)).isTrue();
        int value = packet.addExtension(5, 2, buf.length);
        assertThat(value).isPositive();
        buf[value] = 0x12;
        buf[value + 1] = 0x34;
        assertThat(packet.length()).isEqualTo(len + 8);
        assertUnchanged(buf, packet.length(), 0x01020304L, 3);
        assertThat(packet.hasOneByteExtensions()).isTrue();
        assertThat(TransportSequenceNumberExtension.read(packet, 5)).isEqualTo(0x1234);
        assertThat(packet.addExtension(5, 2, buf.length)).as("already there").isEqualTo(-1);
    }

    @Test
    void aOneByteBlockIsExtendedInWholeWords() {
        byte[] buf = new RtpBuilder().oneByteExtensions(new byte[] {0x10, 0x7f}).payload(PAYLOAD).tailroom(20)
                .build();
        int len = buf.length - 20;
        packet.wrap(buf, 0, len);
        int value = packet.addExtension(3, 2, buf.length);
        buf[value + 1] = 9;
        assertThat(packet.length()).isEqualTo(len + 4);
        assertUnchanged(buf, packet.length(), -1, 0);
        assertThat(TransportSequenceNumberExtension.read(packet, 3)).isEqualTo(9);
        long level = packet.findExtension(1);
        assertThat(buf[RtpPacket.extensionValueOffset(level)]).isEqualTo((byte) 0x7f);
        assertThat(packet.addExtension(15, 2, buf.length)).as("id 15 in a one-byte block").isEqualTo(-1);
    }

    @Test
    void aTwoByteBlockTakesAnyId() {
        byte[] buf = new RtpBuilder().twoByteExtensions(new byte[] {1, 1, 0x55}).payload(PAYLOAD).tailroom(20)
                .build();
        int len = buf.length - 20;
        packet.wrap(buf, 0, len);
        int value = packet.addExtension(200, 2, buf.length);
        assertThat(value).isPositive();
        buf[value] = 1;
        assertThat(packet.length()).isEqualTo(len + 4);
        assertUnchanged(buf, packet.length(), -1, 0);
        assertThat(TransportSequenceNumberExtension.read(packet, 200)).isEqualTo(256);
        assertThat(buf[RtpPacket.extensionValueOffset(packet.findExtension(1))]).isEqualTo((byte) 0x55);
    }

    @Test
    void refusesWhatDoesNotFit() {
        byte[] buf = new RtpBuilder().payload(PAYLOAD).tailroom(7).build();
        packet.wrap(buf, 0, buf.length - 7);
        byte[] before = buf.clone();
        assertThat(packet.addExtension(3, 2, buf.length)).as("8 bytes needed, 7 free").isEqualTo(-1);
        assertThat(packet.addExtension(0, 2, buf.length + 100)).isEqualTo(-1);
        assertThat(buf).isEqualTo(before);
        assertThat(packet.length()).isEqualTo(buf.length - 7);
        assertThat(packet.addExtension(3, 2, buf.length + 1)).as("limit past the array").isEqualTo(-1);
    }

    /** The packet re-parses, with the same CSRC, payload and padding as before. */
    private void assertUnchanged(byte[] buf, int len, long csrc, int padding) {
        RtpPacket again = new RtpPacket();
        assertThat(again.wrap(buf, 0, len)).isTrue();
        assertThat(again.sequenceNumber()).isEqualTo(packet.sequenceNumber());
        assertThat(again.headerLength()).isEqualTo(packet.headerLength());
        if (csrc >= 0) {
            assertThat(again.csrc(0)).isEqualTo(csrc);
        }
        assertThat(again.paddingLength()).isEqualTo(padding);
        assertThat(Arrays.copyOfRange(buf, again.payloadOffset(), again.payloadOffset() + again.payloadLength()))
                .isEqualTo(PAYLOAD);
    }
}

package io.lianmai.wire.rtp;

import io.lianmai.testkit.Hex;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Hex;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 8285 one-byte and two-byte header extensions, and the typed extensions on top of them. */
class HeaderExtensionTest {
    private final RtpPacket packet = new RtpPacket();

    private RtpPacket wrapOneByte(String elements) {
        byte[] bytes = new RtpBuilder().oneByteExtensions(Hex.bytes(elements)).build();
        assertThat(packet.wrap(bytes, 0, bytes.length)).isTrue();
        return packet;
    }

    private RtpPacket wrapTwoByte(String elements) {
        byte[] bytes = new RtpBuilder().twoByteExtensions(Hex.bytes(elements)).build();
        assertThat(packet.wrap(bytes, 0, bytes.length)).isTrue();
        return packet;
    }

    private String value(long element) {
        StringBuilder hex = new StringBuilder();
        int from = RtpPacket.extensionValueOffset(element);
        for (int i = 0; i < RtpPacket.extensionValueLength(element); i++) {
            hex.append(String.format("%02x", packet.buffer()[from + i]));
        }
        return hex.toString();
    }

    @Test
    void oneByteElementsWithPaddingBytesBetweenThem() {
        wrapOneByte("00 10 aa | 00 00 | 21 bb cc | 00 | 3f 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f");
        assertThat(value(packet.findExtension(1))).isEqualTo("aa");
        assertThat(value(packet.findExtension(2))).isEqualTo("bbcc");
        assertThat(RtpPacket.extensionValueLength(packet.findExtension(3))).isEqualTo(16);
        assertThat(value(packet.findExtension(3))).startsWith("000102").endsWith("0f");
        assertThat(packet.findExtension(4)).isEqualTo(RtpPacket.NOT_FOUND);
        assertThat(packet.findExtension(0)).isEqualTo(RtpPacket.NOT_FOUND);
        assertThat(packet.findExtension(-3)).isEqualTo(RtpPacket.NOT_FOUND);
    }

    @Test
    void oneByteIdFifteenStopsParsing() {
        wrapOneByte("10 aa | f0 | 20 bb");
        assertThat(value(packet.findExtension(1))).isEqualTo("aa");
        assertThat(packet.findExtension(2)).as("after id 15").isEqualTo(RtpPacket.NOT_FOUND);
        assertThat(packet.findExtension(15)).isEqualTo(RtpPacket.NOT_FOUND);
        List<Integer> ids = ids();
        assertThat(ids).containsExactly(1);
    }

    @Test
    void anythingAfterIdFifteenIsIgnoredEvenIfItWouldBeTruncated() {
        // 0xF7 claims 8 value bytes that are not there; RFC 8285 says to ignore its length and stop.
        byte[] bytes = new RtpBuilder().oneByteExtensions(Hex.bytes("10 aa f7")).build();
        assertThat(packet.wrap(bytes, 0, bytes.length)).isTrue();
    }

    @Test
    void truncatedOneByteElementsAreRejected() {
        byte[] bytes = new RtpBuilder().oneByteExtensions(Hex.bytes("10 aa 23 bb")).build();
        assertThat(packet.wrap(bytes, 0, bytes.length)).as("id 2 claims 4 bytes, 2 remain").isFalse();
        byte[] last = new RtpBuilder().oneByteExtensions(Hex.bytes("00 00 00 10")).build();
        assertThat(packet.wrap(last, 0, last.length)).as("header as the last byte of the block").isFalse();
    }

    @Test
    void twoByteElementsIncludingEmptyAndHighIds() {
        wrapTwoByte("01 01 aa | 00 00 | 0f 00 | ff 03 01 02 03 | 00 | 10 02 bb cc");
        assertThat(value(packet.findExtension(1))).isEqualTo("aa");
        assertThat(RtpPacket.extensionValueLength(packet.findExtension(15))).isZero();
        assertThat(value(packet.findExtension(255))).isEqualTo("010203");
        assertThat(value(packet.findExtension(16))).isEqualTo("bbcc");
        assertThat(packet.findExtension(2)).isEqualTo(RtpPacket.NOT_FOUND);
        assertThat(packet.hasTwoByteExtensions()).isTrue();
        assertThat(ids()).containsExactly(1, 15, 255, 16);
    }

    @Test
    void twoByteProfileAcceptsAnyAppBits() {
        byte[] bytes = new RtpBuilder().extension(0x100A, Hex.bytes("05 01 77")).build();
        assertThat(packet.wrap(bytes, 0, bytes.length)).isTrue();
        assertThat(value(packet.findExtension(5))).isEqualTo("77");
    }

    @Test
    void truncatedTwoByteElementsAreRejected() {
        byte[] value = new RtpBuilder().twoByteExtensions(Hex.bytes("01 05 aa bb")).build();
        assertThat(packet.wrap(value, 0, value.length)).as("value runs past the block").isFalse();
        byte[] header = new RtpBuilder().twoByteExtensions(Hex.bytes("01 00 00 07")).build();
        assertThat(packet.wrap(header, 0, header.length)).as("id without a length byte").isFalse();
    }

    @Test
    void otherProfilesAreOpaque() {
        byte[] bytes = new RtpBuilder().extension(0xABCD, Hex.bytes("12 34 56 78 ff ff")).build();
        assertThat(packet.wrap(bytes, 0, bytes.length)).isTrue();
        assertThat(packet.extensionProfile()).isEqualTo(0xABCD);
        assertThat(packet.findExtension(1)).isEqualTo(RtpPacket.NOT_FOUND);
        assertThat(new HeaderExtensionIterator().reset(packet)).isFalse();
    }

    @Test
    void emptyExtensionBlock() {
        byte[] bytes = new RtpBuilder().oneByteExtensions(new byte[0]).build();
        assertThat(packet.wrap(bytes, 0, bytes.length)).isTrue();
        assertThat(packet.extensionLength()).isZero();
        assertThat(packet.findExtension(1)).isEqualTo(RtpPacket.NOT_FOUND);
    }

    @Test
    void setExtensionValueRequiresTheSameLength() {
        wrapOneByte("10 aa | 21 bb cc");
        assertThat(packet.setExtensionValue(2, new byte[] {9, 1, 2, 9}, 1, 2)).isTrue();
        assertThat(value(packet.findExtension(2))).isEqualTo("0102");
        assertThat(value(packet.findExtension(1))).isEqualTo("aa");
        assertThat(packet.setExtensionValue(2, new byte[] {1, 2, 3}, 0, 3)).isFalse();
        assertThat(packet.setExtensionValue(3, new byte[] {1}, 0, 1)).isFalse();
        assertThat(value(packet.findExtension(2))).isEqualTo("0102");
    }

    @Test
    void iteratorRemapsIdsInPlace() {
        wrapOneByte("10 aa | 00 | 21 bb cc | 32 01 02 03");
        HeaderExtensionIterator elements = new HeaderExtensionIterator();
        assertThat(elements.reset(packet)).isTrue();
        while (elements.next()) {
            if (elements.id() == 3) {
                assertThat(elements.valueLength()).isEqualTo(3);
                assertThat(elements.setId(14)).isTrue();
                assertThat(elements.setId(15)).isFalse();
                assertThat(elements.setId(0)).isFalse();
            }
        }
        assertThat(elements.setId(5)).as("no current element").isFalse();
        assertThat(packet.findExtension(3)).isEqualTo(RtpPacket.NOT_FOUND);
        assertThat(value(packet.findExtension(14))).isEqualTo("010203");
        assertThat(value(packet.findExtension(2))).isEqualTo("bbcc");

        wrapTwoByte("01 01 aa");
        assertThat(elements.reset(packet)).isTrue();
        assertThat(elements.next()).isTrue();
        assertThat(elements.setId(200)).isTrue();
        assertThat(elements.setId(256)).isFalse();
        assertThat(value(packet.findExtension(200))).isEqualTo("aa");
    }

    @Test
    void audioLevel() {
        wrapOneByte("10 7f | 20 85");
        int silent = AudioLevelExtension.read(packet, 1);
        assertThat(AudioLevelExtension.voiceActivity(silent)).isFalse();
        assertThat(AudioLevelExtension.level(silent)).isEqualTo(AudioLevelExtension.SILENCE);
        int loud = AudioLevelExtension.read(packet, 2);
        assertThat(AudioLevelExtension.voiceActivity(loud)).isTrue();
        assertThat(AudioLevelExtension.level(loud)).isEqualTo(5);
        assertThat(AudioLevelExtension.read(packet, 3)).isEqualTo(-1);

        assertThat(AudioLevelExtension.write(packet, 1, true, 12)).isTrue();
        assertThat(AudioLevelExtension.read(packet, 1)).isEqualTo(0x80 | 12);
        assertThat(AudioLevelExtension.write(packet, 1, false, 500)).isTrue();
        assertThat(AudioLevelExtension.read(packet, 1)).isEqualTo(127);
        assertThat(AudioLevelExtension.write(packet, 3, false, 1)).isFalse();
    }

    @Test
    void playoutDelay() {
        // min 0x01e = 30 × 10 ms, max 0x3e8 = 1000 × 10 ms (Chromium's own example values).
        wrapOneByte("52 01 e3 e8 | 61 00 01");
        assertThat(PlayoutDelayExtension.minMillis(packet, 5)).isEqualTo(300);
        assertThat(PlayoutDelayExtension.maxMillis(packet, 5)).isEqualTo(10_000);
        assertThat(PlayoutDelayExtension.minMillis(packet, 6)).as("wrong length").isEqualTo(-1);
        assertThat(PlayoutDelayExtension.maxMillis(packet, 7)).as("absent").isEqualTo(-1);
        assertThat(PlayoutDelayExtension.write(packet, 5, 291, 40_950)).isTrue();
        assertThat(PlayoutDelayExtension.minMillis(packet, 5)).as("rounded up to 10 ms").isEqualTo(300);
        assertThat(PlayoutDelayExtension.maxMillis(packet, 5)).isEqualTo(40_950);
        assertThat(PlayoutDelayExtension.write(packet, 5, -5, 1_000_000)).isTrue();
        assertThat(PlayoutDelayExtension.minMillis(packet, 5)).as("held to 0").isZero();
        assertThat(PlayoutDelayExtension.maxMillis(packet, 5)).as("held to 12 bits").isEqualTo(40_950);
        assertThat(PlayoutDelayExtension.write(packet, 6, 100, 200)).as("wrong length").isFalse();
        assertThat(value(packet.findExtension(6))).as("left alone").isEqualTo("0001");
    }

    @Test
    void absSendTime() {
        wrapOneByte("32 ab cd ef | 41 00 01");
        assertThat(AbsSendTimeExtension.read(packet, 3)).isEqualTo(0xabcdef);
        assertThat(AbsSendTimeExtension.read(packet, 4)).as("wrong length").isEqualTo(-1);
        assertThat(AbsSendTimeExtension.write(packet, 3, 0x1234567)).isTrue();
        assertThat(AbsSendTimeExtension.read(packet, 3)).isEqualTo(0x234567);
        assertThat(AbsSendTimeExtension.write(packet, 4, 1)).isFalse();

        assertThat(AbsSendTimeExtension.fromNanos(0)).isZero();
        assertThat(AbsSendTimeExtension.fromNanos(1_500_000_000L)).isEqualTo(1 << 18 | 1 << 17);
        assertThat(AbsSendTimeExtension.fromNanos(64_000_000_000L)).as("wraps at 64 s").isZero();
        assertThat(AbsSendTimeExtension.fromNanos(63_999_999_999L)).isEqualTo(0xFFFFFF);
        assertThat(AbsSendTimeExtension.fromNanos(Long.MAX_VALUE)).isBetween(0, 0xFFFFFF);
        assertThat(AbsSendTimeExtension.fromNanos(-1)).isEqualTo(0xFFFFFF);
    }

    @Test
    void transportWideSequenceNumber() {
        wrapOneByte("51 ff fe | 63 00 10 00 05");
        assertThat(TransportSequenceNumberExtension.read(packet, 5)).isEqualTo(0xfffe);
        assertThat(TransportSequenceNumberExtension.read(packet, 6)).as("transport-wide-cc-02 form")
                .isEqualTo(0x10);
        assertThat(TransportSequenceNumberExtension.write(packet, 5, 0x1_0002)).isTrue();
        assertThat(TransportSequenceNumberExtension.read(packet, 5)).isEqualTo(2);
        assertThat(TransportSequenceNumberExtension.write(packet, 6, 7)).isTrue();
        assertThat(value(packet.findExtension(6))).isEqualTo("00070005");
        assertThat(TransportSequenceNumberExtension.read(packet, 7)).isEqualTo(-1);
        assertThat(TransportSequenceNumberExtension.write(packet, 7, 1)).isFalse();

        wrapOneByte("50 01");
        assertThat(TransportSequenceNumberExtension.read(packet, 5)).as("one byte is too short").isEqualTo(-1);
    }

    @Test
    void ridAndRepairedRidMatchPreEncodedIdentifiers() {
        // rid "hi" on id 10, repaired rid "lo" on id 11, mid "video" on id 9, in the two-byte form browsers switch
        // to under a=extmap-allow-mixed.
        wrapTwoByte("0a 02 68 69 | 0b 02 6c 6f | 09 05 76 69 64 65 6f");
        byte[][] layers = {RtpStreamIdExtension.encode("lo"), RtpStreamIdExtension.encode("mid"),
                RtpStreamIdExtension.encode("hi")};
        assertThat(RtpStreamIdExtension.indexOf(packet, 10, layers)).isEqualTo(2);
        assertThat(RtpStreamIdExtension.indexOf(packet, 11, layers)).isEqualTo(0);
        assertThat(RtpStreamIdExtension.indexOf(packet, 12, layers)).isEqualTo(-1);
        assertThat(RtpStreamIdExtension.indexOf(packet, 9, layers)).isEqualTo(-1);
        assertThat(RtpStreamIdExtension.matches(packet, 10, RtpStreamIdExtension.encode("hi"))).isTrue();
        assertThat(RtpStreamIdExtension.matches(packet, 10, RtpStreamIdExtension.encode("h"))).isFalse();
        assertThat(RtpStreamIdExtension.matches(packet, 10, RtpStreamIdExtension.encode("hii"))).isFalse();
        assertThat(RtpStreamIdExtension.decode(packet, 11)).isEqualTo("lo");
        assertThat(RtpStreamIdExtension.decode(packet, 12)).isNull();
        assertThat(MidExtension.matches(packet, 9, MidExtension.encode("video"))).isTrue();
        assertThat(MidExtension.decode(packet, 9)).isEqualTo("video");
        assertThat(MidExtension.decode(packet, 8)).isNull();
    }

    private List<Integer> ids() {
        List<Integer> ids = new ArrayList<>();
        HeaderExtensionIterator elements = new HeaderExtensionIterator();
        elements.reset(packet);
        while (elements.next()) {
            ids.add(elements.id());
        }
        return ids;
    }
}

package io.lianmai.wire.rtcp;

import io.lianmai.testkit.Hex;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Hex;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtcpIteratorTest {
    /** SR with one report block. */
    static final String SR = """
            81 c8 00 0c | 5e 3c 91 a7
            e9 4b 1c 2a 80 00 00 00 | 00 01 e2 40 | 00 00 00 64 | 00 00 0f a0
            11 22 33 44 | 05 ff ff fe | 00 01 00 10 | 00 00 00 20 | 1c 2a 80 00 | 00 01 80 00
            """;
    /** SDES with the CNAME "abcdefghijklmnop" and two null octets. */
    static final String SDES = "81 ca 00 06 | 5e 3c 91 a7 | 01 10 61 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 70 00 00";
    static final String PLI = "81 ce 00 02 | 5e 3c 91 a7 | 11 22 33 44";
    static final String COMPOUND = SR + SDES + PLI;

    private final RtcpIterator iterator = new RtcpIterator();

    private List<String> walk(byte[] bytes, int off, int len) {
        List<String> seen = new ArrayList<>();
        iterator.reset(bytes, off, len);
        while (iterator.next()) {
            seen.add(iterator.packetType() + "/" + iterator.count() + "@" + iterator.packetOffset() + "+"
                    + iterator.packetLength());
            assertThat(iterator.buffer()).isSameAs(bytes);
        }
        return seen;
    }

    @Test
    void iteratesACompoundPacket() {
        byte[] bytes = Hex.bytes(COMPOUND);
        assertThat(walk(bytes, 0, bytes.length)).containsExactly("200/1@0+52", "202/1@52+28", "206/1@80+12");
        assertThat(iterator.isMalformed()).isFalse();
        assertThat(iterator.next()).as("stays at the end").isFalse();
    }

    @Test
    void iteratesInsideALargerBuffer() {
        byte[] inner = Hex.bytes(PLI + PLI);
        byte[] bytes = new byte[inner.length + 20];
        System.arraycopy(inner, 0, bytes, 7, inner.length);
        assertThat(walk(bytes, 7, inner.length)).containsExactly("206/1@7+12", "206/1@19+12");
        assertThat(iterator.isMalformed()).isFalse();
    }

    @Test
    void reducedSizeRtcpNeedNotStartWithAReport() {
        byte[] bytes = Hex.bytes("81 cd 00 03 | 00 00 00 01 | 00 00 00 02 | 00 05 00 00");
        assertThat(walk(bytes, 0, bytes.length)).containsExactly("205/1@0+16");
    }

    @Test
    void stopsAtTheFirstMalformedPacketAfterReturningTheGoodOnes() {
        byte[] badVersion = Hex.bytes(PLI + "41 ce 00 02 | 5e 3c 91 a7 | 11 22 33 44");
        assertThat(walk(badVersion, 0, badVersion.length)).hasSize(1);
        assertThat(iterator.isMalformed()).isTrue();

        byte[] tooLong = Hex.bytes(PLI + "81 ce 00 03 | 5e 3c 91 a7 | 11 22 33 44");
        assertThat(walk(tooLong, 0, tooLong.length)).hasSize(1);
        assertThat(iterator.isMalformed()).isTrue();

        byte[] trailing = Hex.bytes(PLI + "81 ce");
        assertThat(walk(trailing, 0, trailing.length)).hasSize(1);
        assertThat(iterator.isMalformed()).isTrue();

        byte[] zeroPadding = Hex.bytes("a1 ce 00 02 | 5e 3c 91 a7 | 11 22 33 00");
        assertThat(walk(zeroPadding, 0, zeroPadding.length)).isEmpty();
        assertThat(iterator.isMalformed()).isTrue();

        byte[] hugePadding = Hex.bytes("a1 ce 00 02 | 5e 3c 91 a7 | 11 22 33 0d");
        assertThat(walk(hugePadding, 0, hugePadding.length)).isEmpty();
        assertThat(iterator.isMalformed()).isTrue();
    }

    @Test
    void paddingWithinItsPacketIsAccepted() {
        byte[] bytes = Hex.bytes("a1 ce 00 03 | 5e 3c 91 a7 | 11 22 33 44 | 00 00 00 04");
        assertThat(walk(bytes, 0, bytes.length)).containsExactly("206/1@0+16");
        assertThat(iterator.isMalformed()).isFalse();
    }

    @Test
    void emptyAndOutOfBoundsInput() {
        assertThat(walk(new byte[0], 0, 0)).isEmpty();
        assertThat(iterator.isMalformed()).isFalse();
        assertThat(walk(new byte[8], 4, 8)).isEmpty();
        assertThat(iterator.isMalformed()).isTrue();
        assertThat(walk(null, 0, 0)).isEmpty();
        assertThat(iterator.isMalformed()).isTrue();
        assertThat(walk(new byte[8], -1, 4)).isEmpty();
        assertThat(iterator.isMalformed()).isTrue();
    }

    @Test
    void tellsRtcpFromRtpOnAMultiplexedPort() {
        byte[] bytes = Hex.bytes(COMPOUND);
        assertThat(RtcpHeader.isRtcp(bytes, 0, bytes.length)).isTrue();
        assertThat(RtcpHeader.isRtcp(Hex.bytes(PLI), 0, 12)).isTrue();
        assertThat(RtcpHeader.isRtcp(Hex.bytes("80 60 00 01 00 00 00 00 00 00 00 01"), 0, 12)).as("RTP pt 96")
                .isFalse();
        assertThat(RtcpHeader.isRtcp(Hex.bytes("80 e0 00 01 00 00 00 00 00 00 00 01"), 0, 12))
                .as("RTP pt 96 with marker").isFalse();
        assertThat(RtcpHeader.isRtcp(Hex.bytes("80 c8 00 01"), 0, 4)).as("too short").isFalse();
        assertThat(RtcpHeader.isRtcp(Hex.bytes("40 c8 00 01 00 00 00 00"), 0, 8)).as("version 1").isFalse();
    }

    @Test
    void headerWriterRoundTrips() {
        byte[] bytes = new byte[4];
        RtcpHeader.write(bytes, 0, 31, RtcpPacketType.RTPFB, 1024);
        assertThat(RtcpHeader.version(bytes, 0)).isEqualTo(2);
        assertThat(RtcpHeader.hasPadding(bytes, 0)).isFalse();
        assertThat(RtcpHeader.count(bytes, 0)).isEqualTo(31);
        assertThat(RtcpHeader.packetType(bytes, 0)).isEqualTo(205);
        assertThat(RtcpHeader.packetLength(bytes, 0)).isEqualTo(1024);
    }
}

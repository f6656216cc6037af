package io.lianmai.wire.rtp;

import io.lianmai.wire.av1.Av1AggregationHeader;
import io.lianmai.wire.vp8.Vp8PayloadDescriptor;
import io.lianmai.wire.vp9.Vp9PayloadDescriptor;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Garbage, truncated and bit-flipped packets never make the RTP views throw, and everything they report stays inside
 * the packet. Each input is copied into an array of exactly its length, so any read past the end would throw.
 */
class RtpPacketFuzzTest {
    private final RtpPacket packet = new RtpPacket();
    private final HeaderExtensionIterator elements = new HeaderExtensionIterator();

    @Property(tries = 3000)
    void randomBytes(@ForAll @Size(max = 200) byte[] bytes) {
        exercise(bytes);
    }

    @Property(tries = 3000)
    void randomBytesThatLookLikeVersionTwo(@ForAll @Size(min = 1, max = 200) byte[] bytes) {
        bytes[0] = (byte) (0x80 | (bytes[0] & 0x3F));
        exercise(bytes);
    }

    @Property(tries = 3000)
    void truncatedValidPackets(@ForAll("packets") byte[] bytes, @ForAll @IntRange(min = 0, max = 10_000) int cut) {
        exercise(Arrays.copyOf(bytes, cut % (bytes.length + 1)));
    }

    @Property(tries = 5000)
    void bitFlippedValidPackets(@ForAll("packets") byte[] bytes, @ForAll @IntRange(min = 0, max = 100_000) int bit,
            @ForAll @IntRange(min = 1, max = 4) int flips) {
        byte[] mutated = bytes.clone();
        for (int i = 0; i < flips; i++) {
            int at = (bit * (i + 1) * 31) % (mutated.length * 8);
            mutated[at / 8] ^= (byte) (1 << (at % 8));
        }
        exercise(mutated);
    }

    @Property(tries = 1000)
    void validPacketsWrap(@ForAll("packets") byte[] bytes) {
        assertThat(packet.wrap(bytes, 0, bytes.length)).isTrue();
        exercise(bytes);
    }

    @Provide
    Arbitrary<byte[]> packets() {
        return Arbitraries.randomValue(RtpPacketFuzzTest::randomPacket);
    }

    /** A valid packet with random CSRCs, extension form and elements, payload and padding. */
    static byte[] randomPacket(Random random) {
        RtpBuilder builder = new RtpBuilder().sequenceNumber(random.nextInt(65536)).timestamp(random.nextInt())
                .ssrc(random.nextInt()).payloadType(random.nextInt(128)).marker(random.nextBoolean());
        long[] csrcs = new long[random.nextInt(4)];
        for (int i = 0; i < csrcs.length; i++) {
            csrcs[i] = random.nextInt();
        }
        builder.csrcs(csrcs);
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        int form = random.nextInt(4);
        int count = random.nextInt(6);
        for (int i = 0; i < count; i++) {
            if (random.nextInt(4) == 0) {
                ext.write(0);
            }
            if (form == 1) {
                int length = 1 + random.nextInt(16);
                ext.write((1 + random.nextInt(14)) << 4 | (length - 1));
                writeRandom(ext, random, length);
            } else if (form == 2) {
                int length = random.nextInt(20);
                ext.write(1 + random.nextInt(255));
                ext.write(length);
                writeRandom(ext, random, length);
            } else {
                writeRandom(ext, random, random.nextInt(8));
            }
        }
        switch (form) {
            case 1 -> builder.oneByteExtensions(ext.toByteArray());
            case 2 -> builder.twoByteExtensions(ext.toByteArray());
            case 3 -> builder.extension(random.nextInt(0x1000), ext.toByteArray());
            default -> { }
        }
        byte[] payload = new byte[random.nextInt(120)];
        random.nextBytes(payload);
        return builder.payload(payload).padding(random.nextInt(3) == 0 ? 1 + random.nextInt(40) : 0).build();
    }

    private static void writeRandom(ByteArrayOutputStream out, Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        out.write(bytes, 0, n);
    }

    private void exercise(byte[] input) {
        for (int off = 0; off <= Math.min(2, input.length); off++) {
            byte[] exact = Arrays.copyOfRange(input, off, input.length);
            if (!packet.wrap(exact, 0, exact.length)) {
                assertThat(packet.isWrapped()).isFalse();
                continue;
            }
            checkInvariants(exact);
        }
    }

    private void checkInvariants(byte[] bytes) {
        int end = bytes.length;
        assertThat(packet.version()).isEqualTo(2);
        assertThat(packet.headerLength()).isBetween(RtpPacket.FIXED_HEADER_LENGTH, end);
        assertThat(packet.payloadLength()).isNotNegative();
        assertThat(packet.payloadOffset() + packet.payloadLength() + packet.paddingLength()).isEqualTo(end);
        for (int i = 0; i < packet.csrcCount(); i++) {
            packet.csrc(i);
        }
        packet.marker();
        packet.payloadType();
        packet.sequenceNumber();
        packet.timestamp();
        packet.ssrc();
        int extFrom = packet.extensionOffset();
        int extTo = extFrom + packet.extensionLength();
        if (packet.hasExtension()) {
            assertThat(extTo).isLessThanOrEqualTo(packet.payloadOffset());
        }
        for (int id = 0; id <= 256; id++) {
            long element = packet.findExtension(id);
            if (element != RtpPacket.NOT_FOUND) {
                int from = RtpPacket.extensionValueOffset(element);
                assertThat(from).isGreaterThanOrEqualTo(extFrom);
                assertThat(from + RtpPacket.extensionValueLength(element)).isLessThanOrEqualTo(extTo);
            }
        }
        AudioLevelExtension.read(packet, 1);
        AbsSendTimeExtension.read(packet, 2);
        TransportSequenceNumberExtension.read(packet, 3);
        MidExtension.matches(packet, 4, new byte[] {'0'});
        if (elements.reset(packet)) {
            while (elements.next()) {
                assertThat(elements.valueOffset()).isGreaterThanOrEqualTo(extFrom);
                assertThat(elements.valueOffset() + elements.valueLength()).isLessThanOrEqualTo(extTo);
            }
        }
        int payload = packet.payloadOffset();
        int length = packet.payloadLength();
        for (Codec codec : Codec.values()) {
            codec.isKeyframe(bytes, payload, length);
            codec.isStartOfFrame(bytes, payload, length);
        }
        assertThat(Vp8PayloadDescriptor.length(bytes, payload, length)).isLessThanOrEqualTo(length);
        assertThat(Vp9PayloadDescriptor.length(bytes, payload, length)).isLessThanOrEqualTo(length);
        Vp8PayloadDescriptor.pictureId(bytes, payload, length);
        Vp8PayloadDescriptor.tl0PicIdx(bytes, payload, length);
        Vp8PayloadDescriptor.temporalLayerId(bytes, payload, length);
        Vp9PayloadDescriptor.pictureId(bytes, payload, length);
        Vp9PayloadDescriptor.spatialLayerId(bytes, payload, length);
        Vp9PayloadDescriptor.tl0PicIdx(bytes, payload, length);
        Av1AggregationHeader.firstObuType(bytes, payload, length);

        byte[] rtx = new byte[RtxPacket.lengthFor(packet)];
        assertThat(RtxPacket.build(packet, rtx, 0, 1, 97, 2)).isEqualTo(rtx.length);
        if (RtxPacket.restoreOriginal(packet, 5, 96)) {
            assertThat(packet.offset()).isEqualTo(2);
            assertThat(packet.offset() + packet.length()).isEqualTo(end);
            RtpPacket reread = new RtpPacket();
            assertThat(reread.wrap(bytes, packet.offset(), packet.length())).isTrue();
            assertThat(reread.payloadLength()).isEqualTo(length - 2);
        }
    }
}

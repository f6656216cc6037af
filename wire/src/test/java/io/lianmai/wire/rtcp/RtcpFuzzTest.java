package io.lianmai.wire.rtcp;

import io.lianmai.testkit.Hex;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Hex;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Garbage, truncated and bit-flipped compound packets never make the iterator or any view throw, and every offset they
 * report stays inside the input. Inputs are copied into arrays of exactly their length, so any read past the end would
 * throw.
 */
class RtcpFuzzTest {
    private final RtcpIterator iterator = new RtcpIterator();
    private final SenderReport sr = new SenderReport();
    private final ReceiverReport rr = new ReceiverReport();
    private final SourceDescription sdes = new SourceDescription();
    private final Goodbye bye = new Goodbye();
    private final GenericNack nack = new GenericNack();
    private final TransportFeedback tcc = new TransportFeedback();
    private final PictureLossIndication pli = new PictureLossIndication();
    private final FullIntraRequest fir = new FullIntraRequest();
    private final ReceiverEstimatedMaximumBitrate remb = new ReceiverEstimatedMaximumBitrate();
    private final long[] sink = new long[1];

    @Property(tries = 3000)
    void randomBytes(@ForAll @Size(max = 300) byte[] bytes) {
        exercise(bytes);
    }

    @Property(tries = 3000)
    void randomBytesThatLookLikeRtcp(@ForAll @Size(min = 4, max = 300) byte[] bytes,
            @ForAll @IntRange(min = 200, max = 207) int type) {
        bytes[0] = (byte) (0x80 | (bytes[0] & 0x3F));
        bytes[1] = (byte) type;
        bytes[2] = 0;
        bytes[3] = (byte) ((bytes[3] & 0xFF) % (bytes.length / 4));
        exercise(bytes);
    }

    @Property(tries = 3000)
    void truncatedCompounds(@ForAll("compounds") byte[] bytes, @ForAll @IntRange(min = 0, max = 10_000) int cut) {
        exercise(Arrays.copyOf(bytes, cut % (bytes.length + 1)));
    }

    @Property(tries = 5000)
    void bitFlippedCompounds(@ForAll("compounds") byte[] bytes, @ForAll @IntRange(min = 0, max = 100_000) int bit,
            @ForAll @IntRange(min = 1, max = 4) int flips) {
        byte[] mutated = bytes.clone();
        for (int i = 0; i < flips; i++) {
            int at = (bit * (i + 1) * 31) % (mutated.length * 8);
            mutated[at / 8] ^= (byte) (1 << (at % 8));
        }
        exercise(mutated);
    }

    @Property(tries = 1000)
    void validCompoundsIterateToTheEnd(@ForAll("compounds") byte[] bytes) {
        iterator.reset(bytes, 0, bytes.length);
        int packets = 0;
        while (iterator.next()) {
            packets++;
            assertThat(view(bytes, iterator.packetType(), iterator.packetOffset(), iterator.packetLength()))
                    .as("type %d", iterator.packetType()).isTrue();
        }
        assertThat(iterator.isMalformed()).isFalse();
        assertThat(packets).isPositive();
        exercise(bytes);
    }

    @Test
    void everyViewRejectsBoundsOutsideTheArray() {
        byte[] valid = randomCompound(new Random(7));
        int[][] bounds = {{-1, 8}, {0, -1}, {0, valid.length + 1}, {valid.length, 4}, {Integer.MAX_VALUE, 8},
            {4, Integer.MAX_VALUE}, {0, 3}};
        for (int[] b : bounds) {
            assertThat(sr.wrap(valid, b[0], b[1])).isFalse();
            assertThat(rr.wrap(valid, b[0], b[1])).isFalse();
            assertThat(sdes.wrap(valid, b[0], b[1])).isFalse();
            assertThat(bye.wrap(valid, b[0], b[1])).isFalse();
            assertThat(nack.wrap(valid, b[0], b[1])).isFalse();
            assertThat(tcc.wrap(valid, b[0], b[1])).isFalse();
            assertThat(pli.wrap(valid, b[0], b[1])).isFalse();
            assertThat(fir.wrap(valid, b[0], b[1])).isFalse();
            assertThat(remb.wrap(valid, b[0], b[1])).isFalse();
        }
        for (int[] b : bounds) {
            assertThat(RtcpHeader.isRtcp(valid, b[0], b[1])).isFalse();
            assertThat(ReceiverEstimatedMaximumBitrate.isRemb(valid, b[0], b[1])).isFalse();
        }
        assertThat(RtcpHeader.isRtcp(null, 0, 8)).isFalse();
        assertThat(ReceiverEstimatedMaximumBitrate.isRemb(null, 0, 20)).isFalse();
        for (int type : new int[] {200, 201, 202, 203, 205, 206}) {
            assertThat(view(null, type, 0, 0)).isFalse();
        }
    }

    @Provide
    Arbitrary<byte[]> compounds() {
        return Arbitraries.randomValue(RtcpFuzzTest::randomCompound);
    }

    /** A valid compound packet of 1..6 packets written by the writers under test, with random contents. */
    static byte[] randomCompound(Random random) {
        byte[] buf = new byte[2000];
        int at = 0;
        int packets = 1 + random.nextInt(6);
        for (int p = 0; p < packets; p++) {
            int kind = random.nextInt(10);
            long ssrc = random.nextInt();
            int blocks = random.nextInt(4);
            switch (kind) {
                case 0 -> {
                    int n = SenderReport.write(buf, at, ssrc, random.nextLong(), random.nextInt(), random.nextInt(),
                            random.nextInt(), blocks);
                    fillBlocks(random, buf, at + SenderReport.MIN_LENGTH, blocks);
                    at += n;
                }
                case 1 -> {
                    int n = ReceiverReport.write(buf, at, ssrc, blocks);
                    fillBlocks(random, buf, at + ReceiverReport.MIN_LENGTH, blocks);
                    at += n;
                }
                case 2 -> {
                    byte[] cname = new byte[random.nextInt(40)];
                    random.nextBytes(cname);
                    at += SourceDescription.writeCname(buf, at, ssrc, cname);
                }
                case 3 -> at += Goodbye.write(buf, at, new long[] {ssrc, random.nextInt()}, 0, 1 + random.nextInt(2));
                case 4 -> {
                    int[] lost = new int[1 + random.nextInt(30)];
                    int seq = random.nextInt(65536);
                    for (int i = 0; i < lost.length; i++) {
                        seq += 1 + random.nextInt(20);
                        lost[i] = seq & 0xFFFF;
                    }
                    at += GenericNack.write(buf, at, ssrc, random.nextInt(), lost, 0, lost.length);
                }
                case 5 -> at += PictureLossIndication.write(buf, at, ssrc, random.nextInt());
                case 6 -> at += FullIntraRequest.write(buf, at, ssrc, random.nextInt(), random.nextInt(256));
                case 7 -> at += ReceiverEstimatedMaximumBitrate.write(buf, at, ssrc,
                        (random.nextLong() >>> 1) >>> random.nextInt(63), new long[] {1, 2, 3}, 0, random.nextInt(4));
                case 8 -> {
                    long[] arrivals = new long[256];
                    long time = random.nextInt();
                    for (int i = 0; i < arrivals.length; i++) {
                        time += random.nextInt(40_000) - 5_000;
                        arrivals[i] = i > 0 && random.nextInt(5) == 0 ? TransportFeedbackWriter.NOT_RECEIVED : time;
                    }
                    at += new TransportFeedbackWriter().write(buf, at, 600, ssrc, random.nextInt(),
                            random.nextInt(65536), random.nextInt(256), arrivals, 0, 255, 1 + random.nextInt(256));
                }
                default -> {
                    byte[] tcc = Hex.bytes(TransportFeedbackTest.FEEDBACK);
                    System.arraycopy(tcc, 0, buf, at, tcc.length);
                    at += tcc.length;
                }
            }
        }
        return Arrays.copyOf(buf, at);
    }

    private static void fillBlocks(Random random, byte[] buf, int at, int blocks) {
        for (int i = 0; i < blocks; i++) {
            ReportBlock.write(buf, at + i * ReportBlock.LENGTH, random.nextInt(), random.nextInt(256),
                    random.nextInt(), random.nextInt(), random.nextInt(), random.nextInt(), random.nextInt());
        }
    }

    private void exercise(byte[] input) {
        for (int off = 0; off <= Math.min(3, input.length); off++) {
            byte[] exact = Arrays.copyOfRange(input, off, input.length);
            iterator.reset(exact, 0, exact.length);
            int end = 0;
            while (iterator.next()) {
                int at = iterator.packetOffset();
                int length = iterator.packetLength();
                assertThat(at).isEqualTo(end);
                assertThat(length).isGreaterThanOrEqualTo(RtcpHeader.LENGTH);
                assertThat(at + length).isLessThanOrEqualTo(exact.length);
                end = at + length;
                view(exact, iterator.packetType(), at, length);
                // Views must also cope with being pointed at the rest of the datagram.
                for (int type = 200; type <= 206; type++) {
                    view(exact, type, at, exact.length - at);
                }
            }
        }
    }

    /** Runs the view for {@code type} over one packet, reading everything it offers; whether it accepted it. */
    private boolean view(byte[] b, int type, int at, int length) {
        switch (type) {
            case RtcpPacketType.SR -> {
                if (!sr.wrap(b, at, length)) {
                    return false;
                }
                sink[0] += sr.senderSsrc() + sr.ntpTimestamp() + sr.rtpTimestamp() + sr.packetCount()
                        + sr.octetCount();
                for (int i = 0; i < sr.reportCount(); i++) {
                    readBlock(b, sr.reportBlockOffset(i), at + sr.length());
                }
                return true;
            }
            case RtcpPacketType.RR -> {
                if (!rr.wrap(b, at, length)) {
                    return false;
                }
                for (int i = 0; i < rr.reportCount(); i++) {
                    readBlock(b, rr.reportBlockOffset(i), at + rr.length());
                }
                return true;
            }
            case RtcpPacketType.SDES -> {
                if (!sdes.wrap(b, at, length)) {
                    return false;
                }
                while (sdes.nextChunk()) {
                    sink[0] += sdes.chunkSsrc();
                    while (sdes.nextItem()) {
                        assertThat(sdes.itemOffset() + sdes.itemLength()).isLessThanOrEqualTo(at + length);
                        sdes.itemEquals(new byte[] {1});
                    }
                }
                return !sdes.isMalformed();
            }
            case RtcpPacketType.BYE -> {
                if (!bye.wrap(b, at, length)) {
                    return false;
                }
                for (int i = 0; i < bye.sourceCount(); i++) {
                    sink[0] += bye.ssrc(i);
                }
                if (bye.reasonOffset() >= 0) {
                    assertThat(bye.reasonOffset() + bye.reasonLength()).isLessThanOrEqualTo(at + length);
                }
                return true;
            }
            case RtcpPacketType.RTPFB -> {
                if (nack.wrap(b, at, length)) {
                    nack.forEachLostSequenceNumber(seq -> {
                        assertThat(seq).isBetween(0, 65535);
                        sink[0] += seq;
                    });
                    return true;
                }
                if (tcc.wrap(b, at, length)) {
                    sink[0] += tcc.baseSequenceNumber() + tcc.referenceTime() + tcc.feedbackPacketCount();
                    int reported = tcc.forEachPacket((seq, status, arrival) -> {
                        assertThat(seq).isBetween(0, 65535);
                        assertThat(status).isBetween(0, 2);
                    });
                    return reported >= 0;
                }
                return false;
            }
            case RtcpPacketType.PSFB -> {
                if (pli.wrap(b, at, length)) {
                    sink[0] += pli.mediaSsrc();
                    return true;
                }
                if (fir.wrap(b, at, length)) {
                    for (int i = 0; i < fir.entryCount(); i++) {
                        sink[0] += fir.ssrc(i) + fir.sequenceNumber(i);
                    }
                    return true;
                }
                if (remb.wrap(b, at, length)) {
                    sink[0] += remb.bitrate();
                    for (int i = 0; i < remb.ssrcCount(); i++) {
                        sink[0] += remb.ssrc(i);
                    }
                    return true;
                }
                return false;
            }
            default -> {
                return true;
            }
        }
    }

    private void readBlock(byte[] b, int block, int packetEnd) {
        assertThat(block + ReportBlock.LENGTH).isLessThanOrEqualTo(packetEnd);
        sink[0] += ReportBlock.ssrc(b, block) + ReportBlock.fractionLost(b, block) + ReportBlock.cumulativeLost(b, block)
                + ReportBlock.extendedHighestSequenceNumber(b, block) + ReportBlock.jitter(b, block)
                + ReportBlock.lastSenderReport(b, block) + ReportBlock.delaySinceLastSenderReport(b, block);
    }
}

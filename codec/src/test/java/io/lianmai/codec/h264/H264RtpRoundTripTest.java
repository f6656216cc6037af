package io.lianmai.codec.h264;

import io.lianmai.wire.h264.NalUnit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Packetizer and depacketizer against each other over random access units: NAL sizes on both sides of every FU-A and
 * STAP-A boundary, random payload limits, and the loss of any one packet.
 */
class H264RtpRoundTripTest {
    private static final byte[] SPS = AvcDecoderConfigurationRecordTest.BASELINE_SPS;
    private static final byte[] PPS = AvcDecoderConfigurationRecordTest.BASELINE_PPS;

    /** A generated stream: access units as NAL lists, and the packets they became. */
    private static final class Stream {
        final List<List<byte[]>> accessUnits = new ArrayList<>();
        final List<Boolean> idr = new ArrayList<>();
        final List<byte[]> packets = new ArrayList<>();
        final List<Integer> packetAccessUnit = new ArrayList<>();
    }

    private static Stream generate(long seed, int maxPayload) {
        Random random = new Random(seed);
        Stream s = new Stream();
        int gops = 2 + random.nextInt(3);
        for (int g = 0; g < gops; g++) {
            s.accessUnits.add(List.of(SPS, PPS, slice(random, 0x65, true, size(random, maxPayload))));
            s.idr.add(true);
            int inter = 1 + random.nextInt(5);
            for (int p = 0; p < inter; p++) {
                List<byte[]> au = new ArrayList<>();
                au.add(slice(random, 0x41, true, size(random, maxPayload)));
                if (random.nextInt(3) == 0) {
                    au.add(slice(random, 0x41, false, size(random, maxPayload)));
                }
                s.accessUnits.add(au);
                s.idr.add(false);
            }
        }
        H264RtpPacketizer packetizer = new H264RtpPacketizer(5, 96, random.nextInt(65536), maxPayload);
        long ts = 0xFFFF_FFFFL - 6000; // wraps
        for (int i = 0; i < s.accessUnits.size(); i++) {
            byte[] au = H264RtpPacketizerTest.avcc(s.accessUnits.get(i).toArray(new byte[0][]));
            int index = i;
            packetizer.packetizeAvcc(au, 0, au.length, 4, (ts + 3000L * i) & 0xFFFF_FFFFL, (buf, off, len) -> {
                s.packets.add(Arrays.copyOfRange(buf, off, off + len));
                s.packetAccessUnit.add(index);
            });
        }
        return s;
    }

    /** Sizes around the interesting boundaries: tiny, near the payload limit, and several fragments. */
    private static int size(Random random, int maxPayload) {
        switch (random.nextInt(4)) {
            case 0:
                return 2 + random.nextInt(30);
            case 1:
                return Math.max(2, maxPayload - 4 + random.nextInt(8));
            default:
                return 2 + random.nextInt(4 * maxPayload);
        }
    }

    private static byte[] slice(Random random, int header, boolean firstInPicture, int size) {
        byte[] nal = new byte[size];
        random.nextBytes(nal);
        nal[0] = (byte) header;
        nal[1] = (byte) (firstInPicture ? nal[1] | 0x80 : nal[1] & 0x7F);
        return nal;
    }

    private static byte[] avcc(List<byte[]> nals) {
        return H264RtpPacketizerTest.avcc(nals.toArray(new byte[0][]));
    }

    @Property(tries = 300)
    void everyAccessUnitComesBackIntact(@ForAll long seed, @ForAll @IntRange(min = 100, max = 1500) int maxPayload) {
        Stream s = generate(seed, maxPayload);
        RecordingListener out = new RecordingListener();
        H264RtpDepacketizer depacketizer = new H264RtpDepacketizer(out);
        for (byte[] p : s.packets) {
            depacketizer.push(p, 0, p.length);
        }
        assertThat(out.accessUnits).hasSize(s.accessUnits.size());
        for (int i = 0; i < s.accessUnits.size(); i++) {
            assertThat(out.accessUnits.get(i)).isEqualTo(avcc(s.accessUnits.get(i)));
            assertThat(out.keyframes.get(i)).isEqualTo(s.idr.get(i));
        }
        assertThat(out.keyframeRequests).isZero();
        assertThat(out.headers).hasSize(1);
        assertThat(depacketizer.malformedPackets()).isZero();
    }

    @Property(tries = 500)
    void aLostPacketCostsItsAccessUnitUntilTheNextIdr(@ForAll long seed,
            @ForAll @IntRange(min = 100, max = 1500) int maxPayload, @ForAll @IntRange(min = 0, max = 10_000) int at) {
        Stream s = generate(seed, maxPayload);
        int lost = at % s.packets.size();
        int damaged = s.packetAccessUnit.get(lost);
        RecordingListener out = new RecordingListener();
        H264RtpDepacketizer depacketizer = new H264RtpDepacketizer(out);
        for (int i = 0; i < s.packets.size(); i++) {
            if (i != lost) {
                depacketizer.push(s.packets.get(i), 0, s.packets.get(i).length);
            }
        }

        List<byte[]> expected = new ArrayList<>();
        for (int i = 0; i < damaged; i++) {
            expected.add(avcc(s.accessUnits.get(i)));
        }
        boolean onlyParameterSetsLost = !carriesSlice(s.packets.get(lost));
        int resume;
        if (onlyParameterSetsLost && s.idr.get(damaged) && damaged > 0) {
            // the IDR still decodes with the parameter sets known from the previous GOP
            List<byte[]> rest = new ArrayList<>();
            for (byte[] nal : s.accessUnits.get(damaged)) {
                if (!NalUnit.isParameterSet(nal[0] & 0x1F)) {
                    rest.add(nal);
                }
            }
            expected.add(avcc(rest));
            resume = damaged + 1;
        } else {
            resume = damaged + 1;
            while (resume < s.accessUnits.size() && !s.idr.get(resume)) {
                resume++;
            }
        }
        for (int i = resume; i < s.accessUnits.size(); i++) {
            expected.add(avcc(s.accessUnits.get(i)));
        }
        assertThat(out.accessUnits).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(out.accessUnits.get(i)).as("delivered access unit %d", i).isEqualTo(expected.get(i));
        }
        boolean anythingAfterTheLoss = lost < s.packets.size() - 1;
        if (anythingAfterTheLoss) {
            assertThat(out.keyframeRequests).isEqualTo(1);
        }
    }

    /** Whether an RTP packet (12-byte header) carries any part of a slice. */
    private static boolean carriesSlice(byte[] packet) {
        int off = 12;
        int type = packet[off] & 0x1F;
        if (type == NalUnit.FU_A) {
            return NalUnit.isSlice(packet[off + 1] & 0x1F);
        }
        if (type == NalUnit.STAP_A) {
            int pos = off + 1;
            while (pos < packet.length) {
                int size = (packet[pos] & 0xFF) << 8 | (packet[pos + 1] & 0xFF);
                if (NalUnit.isSlice(packet[pos + 2] & 0x1F)) {
                    return true;
                }
                pos += 2 + size;
            }
            return false;
        }
        return NalUnit.isSlice(type);
    }
}

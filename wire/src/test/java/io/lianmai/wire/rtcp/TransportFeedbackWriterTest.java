package io.lianmai.wire.rtcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** What {@link TransportFeedbackWriter} writes, {@link TransportFeedback} reads back: sequence, status and time. */
class TransportFeedbackWriterTest {
    private static final long R = TransportFeedbackWriter.NOT_RECEIVED;
    private static final long WRAP = 64_000L << 24;

    private final TransportFeedbackWriter writer = new TransportFeedbackWriter();
    private final TransportFeedback reader = new TransportFeedback();

    @Test
    void writesTheHeaderAndPadsWithTheCount() {
        long[] arrivals = {1_024_000, 1_025_000, R, 1_027_000};
        byte[] buf = new byte[100];
        int len = writer.write(buf, 0, buf.length, 0x11, 0x22, 65535, 7, arrivals, 0, 3, 4);
        assertThat(len % 4).isZero();
        assertThat(writer.reportedPackets()).isEqualTo(4);
        assertThat(reader.wrap(buf, 0, len)).isTrue();
        assertThat(reader.senderSsrc()).isEqualTo(0x11);
        assertThat(reader.mediaSsrc()).isEqualTo(0x22);
        assertThat(reader.baseSequenceNumber()).isEqualTo(65535);
        assertThat(reader.packetStatusCount()).isEqualTo(4);
        assertThat(reader.referenceTime()).isEqualTo(16);
        assertThat(reader.feedbackPacketCount()).isEqualTo(7);
        // 20 header + 2 chunk + 3 deltas = 25 → 3 bytes of padding, counted in the last byte, P bit set.
        assertThat(len).isEqualTo(28);
        assertThat(buf[0] & 0x20).isNotZero();
        assertThat(buf[27]).isEqualTo((byte) 3);
        assertThat(read(buf, len)).containsExactly("65535:1@1024000", "0:1@1025000", "1:0@0", "2:1@1027000");
    }

    @Test
    void usesRunLengthChunksForLongRunsAndLargeDeltasForReordering() {
        long[] arrivals = new long[64];
        for (int i = 0; i < 40; i++) {
            arrivals[i] = 640_000 + i * 1000L;
        }
        Arrays.fill(arrivals, 40, 60, R);
        arrivals[60] = 600_000; // reordered: 80 ms before its predecessor (a negative delta)
        arrivals[61] = 700_000; // 100 ms later: more than 255 × 250 µs
        byte[] buf = new byte[200];
        int len = writer.write(buf, 0, buf.length, 1, 2, 10, 0, arrivals, 0, 63, 62);
        assertThat(reader.wrap(buf, 0, len)).isTrue();
        assertThat(buf[20] & 0xFF).as("run-length chunk of 40 small deltas").isEqualTo(0x20);
        assertThat(buf[21] & 0xFF).isEqualTo(40);
        List<String> packets = read(buf, len);
        assertThat(packets).hasSize(62);
        assertThat(packets.get(39)).isEqualTo("49:1@679000");
        assertThat(packets.get(59)).isEqualTo("69:0@0");
        assertThat(packets.get(60)).isEqualTo("70:2@600000");
        assertThat(packets.get(61)).isEqualTo("71:2@700000");
    }

    @Test
    void stopsWhereTheLengthOrADeltaRangeEndsIt() {
        long[] arrivals = new long[1024];
        for (int i = 0; i < arrivals.length; i++) {
            arrivals[i] = i * 100_000L; // 100 ms apart: one large delta each
        }
        byte[] buf = new byte[1500];
        int len = writer.write(buf, 0, 200, 1, 2, 0, 0, arrivals, 0, 1023, 1024);
        assertThat(len).isLessThanOrEqualTo(200);
        int first = writer.reportedPackets();
        assertThat(first).isBetween(60, 90);
        assertThat(reader.wrap(buf, 0, len)).isTrue();
        assertThat(reader.forEachPacket((s, st, t) -> { })).isEqualTo(first);

        long[] gap = {0, 9_000_000, 9_001_000};
        len = writer.write(buf, 0, buf.length, 1, 2, 0, 0, gap, 0, 3, 3);
        assertThat(writer.reportedPackets()).as("a 9 s delta does not fit 16 bits of 250 µs").isEqualTo(1);
        assertThat(writer.write(buf, 0, buf.length, 1, 2, 1, 1, gap, 1, 3, 2)).isPositive();
        assertThat(writer.reportedPackets()).isEqualTo(2);
    }

    @Test
    void refusesWhatItCannotWrite() {
        long[] arrivals = {R, 1000};
        byte[] buf = new byte[100];
        assertThat(writer.write(buf, 0, 100, 1, 2, 0, 0, arrivals, 0, 1, 1)).as("none received").isEqualTo(-1);
        int len = writer.write(buf, 0, 100, 1, 2, 0, 0, arrivals, 0, 1, 2);
        assertThat(read(buf, len)).as("a first loss is reported").containsExactly("0:0@0", "1:1@1000");
        assertThat(writer.write(buf, 0, 100, 1, 2, 0, 0, arrivals, 1, 1, 0)).as("nothing").isEqualTo(-1);
        assertThat(writer.write(buf, 90, 100, 1, 2, 0, 0, arrivals, 1, 1, 1)).as("no room").isEqualTo(-1);
        assertThat(writer.reportedPackets()).isZero();
    }

    /** Any pattern of arrivals (losses, reordering, gaps) reads back exactly, to the 250 µs the format keeps. */
    @Property(tries = 2000)
    void theReaderReadsWhatTheWriterWrites(@ForAll @Size(min = 1, max = 600) List<@IntRange(min = -1,
            max = 400) Integer> steps, @ForAll @IntRange(min = 0, max = 65535) int base,
            @ForAll @LongRange(min = -5_000_000_000L, max = 5_000_000_000L) long start,
            @ForAll @IntRange(min = 24, max = 1500) int maxLength) {
        long[] arrivals = new long[1024];
        steps = new ArrayList<>(steps);
        steps.set(0, Math.max(0, steps.get(0))); // the first arrived: something fits in any length
        long time = start;
        for (int i = 0; i < steps.size(); i++) {
            int step = steps.get(i);
            if (step < 0) {
                arrivals[i] = R;
            } else {
                // steps above 300 mean reordering: a packet 0..25 ms before the previous one
                time += step > 300 ? -(step - 300) * 250L : step * 250L;
                arrivals[i] = time;
            }
        }
        byte[] buf = new byte[maxLength + 7];
        int len = writer.write(buf, 3, maxLength, 5, 6, base, 9, arrivals, 0, 1023, steps.size());
        assertThat(len).isPositive().isLessThanOrEqualTo(maxLength);
        int reported = writer.reportedPackets();
        assertThat(reported).isBetween(1, steps.size());
        assertThat(reader.wrap(buf, 3, len)).isTrue();
        List<long[]> got = new ArrayList<>();
        assertThat(reader.forEachPacket((seq, status, t) -> got.add(new long[] {seq, status, t})))
                .isEqualTo(reported);
        int firstReceived = 0;
        while (arrivals[firstReceived] == R) {
            firstReceived++;
        }
        long shift = Math.floorMod(Math.floorDiv(arrivals[firstReceived], 64_000) * 64_000
                - reader.referenceTimeMicros(), WRAP);
        for (int i = 0; i < reported; i++) {
            long[] p = got.get(i);
            assertThat(p[0]).isEqualTo((base + i) & 0xFFFF);
            if (arrivals[i] == R) {
                assertThat(p[1]).isEqualTo(TransportFeedback.NOT_RECEIVED);
            } else {
                assertThat(p[1]).isNotEqualTo(TransportFeedback.NOT_RECEIVED);
                assertThat(Math.abs(p[2] + shift - arrivals[i])).as("packet %d", i).isLessThanOrEqualTo(125);
            }
        }
    }

    private List<String> read(byte[] buf, int len) {
        List<String> packets = new ArrayList<>();
        reader.wrap(buf, 0, len);
        reader.forEachPacket((seq, status, arrival) -> packets.add(seq + ":" + status + "@" + arrival));
        return packets;
    }
}

package io.lianmai.media.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.wire.rtcp.TransportFeedback;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransportFeedbackGeneratorTest {
    private final TransportFeedbackGenerator generator = new TransportFeedbackGenerator(0xAAAA);
    private final byte[] buf = new byte[1500];
    private final List<String> packets = new ArrayList<>();
    private final List<Integer> counts = new ArrayList<>();
    private final TransportFeedback reader = new TransportFeedback();
    private final TransportFeedbackGenerator.FeedbackSink sink = (b, off, len) -> {
        assertThat(reader.wrap(b, off, len)).isTrue();
        assertThat(reader.senderSsrc()).isEqualTo(0xAAAA);
        assertThat(reader.mediaSsrc()).isEqualTo(0xBBBB);
        counts.add(reader.feedbackPacketCount());
        reader.forEachPacket((seq, status, arrival) -> packets.add(seq + (status == 0 ? "x" : "@" + arrival / 1000)));
    };

    @Test
    void reportsArrivalsAndLossesOncePerInterval() {
        generator.onPacket(65534, 1000);
        generator.onPacket(65535, 1001);
        generator.onPacket(1, 1003); // 0 lost
        generator.onPacket(-1, 1003); // no extension: ignored
        assertThat(generator.sendDue(1010, 0xBBBB, buf, sink)).isEqualTo(1);
        assertThat(packets).containsExactly("65534@1000", "65535@1001", "0x", "1@1003");
        packets.clear();
        generator.onPacket(2, 1020);
        assertThat(generator.sendDue(1030, 0xBBBB, buf, sink)).as("within the interval").isZero();
        generator.onPacket(0, 1040); // reported lost already: not reported again
        assertThat(generator.sendDue(1060, 0xBBBB, buf, sink)).isEqualTo(1);
        assertThat(packets).containsExactly("2@1020");
        assertThat(counts).containsExactly(0, 1);
        assertThat(generator.lateArrivals()).isEqualTo(1);
        assertThat(generator.sendDue(2000, 0xBBBB, buf, sink)).as("nothing new").isZero();
        assertThat(generator.packetsRecorded()).isEqualTo(4);
        assertThat(generator.feedbacksSent()).isEqualTo(2);
    }

    @Test
    void aLargeRunGoesBeforeTheIntervalAndLongRunsSplitIntoSeveralFeedbacks() {
        generator.onPacket(0, 1000);
        generator.sendDue(1000, 0xBBBB, buf, sink);
        packets.clear();
        for (int i = 1; i <= 1000; i++) {
            generator.onPacket(i, 1000 + i * 30); // 30 ms apart: a large delta each, ~2 bytes per packet
            if (i == TransportFeedbackGenerator.LARGE_RUN - 1) {
                assertThat(generator.hasLargeRun()).isFalse();
            }
        }
        assertThat(generator.hasLargeRun()).isTrue();
        int sent = generator.sendDue(1001, 0xBBBB, buf, sink);
        assertThat(sent).isGreaterThan(1);
        assertThat(packets).hasSize(1000);
        assertThat(packets.get(0)).isEqualTo("1@1030");
        assertThat(packets.get(999)).isEqualTo("1000@31000");
    }

    @Test
    void aJumpBeyondTheRingRestartsReporting() {
        generator.onPacket(10, 1000);
        generator.onPacket(10 + 20_000, 1001);
        generator.sendDue(1100, 0xBBBB, buf, sink);
        assertThat(packets).containsExactly("20010@1001");
    }
}

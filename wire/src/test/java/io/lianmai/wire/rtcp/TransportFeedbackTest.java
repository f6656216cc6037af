package io.lianmai.wire.rtcp;

import io.lianmai.testkit.Hex;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Hex;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransportFeedbackTest {
    /**
     * Base 100, 10 packets, reference time 16 x 64 ms, feedback count 3. Chunks: run of 5 small-delta packets
     * (0x2005), then a two-bit status vector [not received, large, small, not received, small, -, -] (0xC910).
     * Deltas: 5 x 1 ms, -2 ms (large), 4 ms, 2 ms; then 3 bytes of RTCP padding.
     */
    static final String FEEDBACK = """
            af cd 00 08 | 00 00 00 01 | 00 00 00 02
            00 64 00 0a | 00 00 10 03
            20 05 c9 10
            04 04 04 04 04 ff f8 10 08 | 00 00 03
            """;

    private final TransportFeedback feedback = new TransportFeedback();
    private final List<String> packets = new ArrayList<>();

    private int walk() {
        return feedback.forEachPacket((seq, status, arrival) -> packets.add(seq + ":" + status + "@" + arrival));
    }

    @Test
    void readsTheHeader() {
        byte[] bytes = Hex.bytes(FEEDBACK);
        assertThat(feedback.wrap(bytes, 0, bytes.length)).isTrue();
        assertThat(feedback.senderSsrc()).isEqualTo(1);
        assertThat(feedback.mediaSsrc()).isEqualTo(2);
        assertThat(feedback.baseSequenceNumber()).isEqualTo(100);
        assertThat(feedback.packetStatusCount()).isEqualTo(10);
        assertThat(feedback.referenceTime()).isEqualTo(16);
        assertThat(feedback.referenceTimeMicros()).isEqualTo(1_024_000);
        assertThat(feedback.feedbackPacketCount()).isEqualTo(3);
    }

    @Test
    void walksChunksAndDeltas() {
        byte[] bytes = Hex.bytes(FEEDBACK);
        feedback.wrap(bytes, 0, bytes.length);
        assertThat(walk()).isEqualTo(10);
        assertThat(packets).containsExactly("100:1@1025000", "101:1@1026000", "102:1@1027000", "103:1@1028000",
                "104:1@1029000", "105:0@0", "106:2@1027000", "107:1@1031000", "108:0@0", "109:1@1033000");
    }

    @Test
    void oneBitStatusVectorAndNegativeReferenceTimeAcrossTheSequenceWrap() {
        // base 65534, 14 packets, reference time -1 (x 64 ms); one-bit vector: received, lost, received, 10 x lost,
        // received (0xA801); three 250 us deltas.
        byte[] bytes = Hex.bytes("af cd 00 06 | 00 00 00 01 | 00 00 00 02 | ff fe 00 0e | ff ff ff 00"
                + " | a8 01 01 02 | 03 00 00 02");
        assertThat(feedback.wrap(bytes, 0, bytes.length)).isTrue();
        assertThat(feedback.referenceTimeMicros()).isEqualTo(-64_000);
        assertThat(walk()).isEqualTo(14);
        assertThat(packets).hasSize(14);
        assertThat(packets.get(0)).isEqualTo("65534:1@-63750");
        assertThat(packets.get(1)).isEqualTo("65535:0@0");
        assertThat(packets.get(2)).isEqualTo("0:1@-63250");
        assertThat(packets.get(13)).isEqualTo("11:1@-62500");
    }

    @Test
    void malformedChunksOrDeltasAreReported() {
        // Deltas missing: the run of 5 needs 5 bytes, only 4 present.
        byte[] shortDeltas = Hex.bytes("8f cd 00 06 | 00 00 00 01 | 00 00 00 02 | 00 00 00 05 | 00 00 00 00"
                + " | 20 05 01 01 | 01 01");
        assertThat(feedback.wrap(shortDeltas, 0, shortDeltas.length - 2)).isFalse();
        byte[] padded = Hex.bytes("8f cd 00 06 | 00 00 00 01 | 00 00 00 02 | 00 00 00 05 | 00 00 00 00"
                + " | 20 05 01 01 | 01 01 00 00");
        assertThat(feedback.wrap(padded, 0, padded.length)).isTrue();
        assertThat(walk()).as("zeros after the chunk read as deltas").isEqualTo(5);
        byte[] missing = Hex.bytes("8f cd 00 05 | 00 00 00 01 | 00 00 00 02 | 00 00 00 05 | 00 00 00 00"
                + " | 20 05 01 01");
        assertThat(feedback.wrap(missing, 0, missing.length)).isTrue();
        assertThat(walk()).isEqualTo(-1);
        byte[] noChunks = Hex.bytes("8f cd 00 04 | 00 00 00 01 | 00 00 00 02 | 00 00 00 05 | 00 00 00 00");
        assertThat(feedback.wrap(noChunks, 0, noChunks.length)).isTrue();
        assertThat(walk()).isEqualTo(-1);
        byte[] reservedSymbol = Hex.bytes("8f cd 00 05 | 00 00 00 01 | 00 00 00 02 | 00 00 00 01 | 00 00 00 00"
                + " | 60 01 00 00");
        feedback.wrap(reservedSymbol, 0, reservedSymbol.length);
        assertThat(walk()).isEqualTo(-1);
        assertThat(feedback.wrap(Hex.bytes("8f cd 00 03 | 00 00 00 01 | 00 00 00 02 | 00 00 00 05"), 0, 16))
                .as("header cut").isFalse();
    }

    @Test
    void emptyFeedbackReportsNothing() {
        byte[] bytes = Hex.bytes("8f cd 00 04 | 00 00 00 01 | 00 00 00 02 | 00 07 00 00 | 00 00 00 00");
        assertThat(feedback.wrap(bytes, 0, bytes.length)).isTrue();
        assertThat(walk()).isZero();
    }
}

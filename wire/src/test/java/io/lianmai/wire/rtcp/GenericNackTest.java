package io.lianmai.wire.rtcp;

import io.lianmai.testkit.Hex;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.testkit.Hex;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class GenericNackTest {
    private final GenericNack nack = new GenericNack();

    private List<Integer> lost(byte[] bytes, int off, int len) {
        List<Integer> seqs = new ArrayList<>();
        assertThat(nack.wrap(bytes, off, len)).isTrue();
        int reported = nack.forEachLostSequenceNumber(seqs::add);
        assertThat(reported).isEqualTo(seqs.size());
        return seqs;
    }

    @Test
    void readsPidAndBitmask() {
        // PID 100, BLP 0x8005: 101, 103 and 116 are lost too; PID 65535, BLP 0x0001: 0 too.
        byte[] bytes = Hex.bytes("81 cd 00 04 | 00 00 00 01 | 00 00 00 02 | 00 64 80 05 | ff ff 00 01");
        assertThat(lost(bytes, 0, bytes.length)).containsExactly(100, 101, 103, 116, 65535, 0);
        assertThat(nack.senderSsrc()).isEqualTo(1);
        assertThat(nack.mediaSsrc()).isEqualTo(2);
        assertThat(nack.entryCount()).isEqualTo(2);
        assertThat(nack.packetId(1)).isEqualTo(65535);
        assertThat(nack.bitmask(0)).isEqualTo(0x8005);
    }

    @Test
    void writerPacksRunsIntoBitmasks() {
        byte[] bytes = new byte[100];
        int[] seqs = {65530, 65531, 65535, 0, 9, 10, 11, 30, 30, 200};
        int length = GenericNack.write(bytes, 0, 0xA, 0xB, seqs, 0, seqs.length);
        // 65530 covers 65531..10 (distance up to 16); 11 is 17 away, so a new entry; then 30; then 200.
        assertThat(length).isEqualTo(12 + 4 * 4);
        assertThat(lost(bytes, 0, length)).containsExactly(65530, 65531, 65535, 0, 9, 10, 11, 30, 200);
        assertThat(nack.packetId(0)).isEqualTo(65530);
        assertThat(nack.bitmask(0)).isEqualTo(1 | 1 << 4 | 1 << 5 | 1 << 14 | 1 << 15);
        assertThat(nack.senderSsrc()).isEqualTo(0xA);
        assertThat(nack.mediaSsrc()).isEqualTo(0xB);
    }

    @Test
    void writerRefusesWhatDoesNotFit() {
        int[] seqs = {1, 100, 200};
        assertThat(GenericNack.write(new byte[24], 0, 1, 2, seqs, 0, 3)).isEqualTo(24);
        assertThat(GenericNack.write(new byte[23], 0, 1, 2, seqs, 0, 3)).isEqualTo(-1);
        assertThat(GenericNack.write(new byte[15], 0, 1, 2, seqs, 0, 1)).isEqualTo(-1);
        assertThat(GenericNack.write(new byte[64], 0, 1, 2, seqs, 0, 0)).isEqualTo(-1);
        assertThat(GenericNack.maxLengthFor(3)).isEqualTo(24);
    }

    @Test
    void translatesSsrcsInPlace() {
        byte[] bytes = new byte[16];
        GenericNack.write(bytes, 0, 1, 2, new int[] {5}, 0, 1);
        nack.wrap(bytes, 0, 16);
        nack.setSenderSsrc(0xFFFF_FFFFL);
        nack.setMediaSsrc(0x8000_0000L);
        assertThat(nack.senderSsrc()).isEqualTo(0xFFFF_FFFFL);
        assertThat(nack.mediaSsrc()).isEqualTo(0x8000_0000L);
        assertThat(nack.packetId(0)).isEqualTo(5);
    }

    @Test
    void rejectsOtherFeedbackAndEmptyNacks() {
        assertThat(nack.wrap(Hex.bytes("81 cd 00 02 | 00 00 00 01 | 00 00 00 02"), 0, 12)).as("no FCI").isFalse();
        assertThat(nack.wrap(Hex.bytes("8f cd 00 03 | 00 00 00 01 | 00 00 00 02 | 00 01 00 00"), 0, 16))
                .as("transport-cc").isFalse();
        assertThat(nack.wrap(Hex.bytes("81 ce 00 03 | 00 00 00 01 | 00 00 00 02 | 00 01 00 00"), 0, 16))
                .as("PSFB").isFalse();
    }

    @Property(tries = 500)
    void anySetOfLostPacketsInAWindowRoundTrips(@ForAll @IntRange(min = 0, max = 65535) int start,
            @ForAll @Size(min = 1, max = 200) List<@IntRange(min = 0, max = 999) Integer> offsets) {
        TreeSet<Integer> window = new TreeSet<>(offsets);
        int[] seqs = new int[window.size()];
        int i = 0;
        for (int offset : window) {
            seqs[i++] = (start + offset) & 0xFFFF;
        }
        byte[] bytes = new byte[GenericNack.maxLengthFor(seqs.length)];
        int length = GenericNack.write(bytes, 0, 1, 2, seqs, 0, seqs.length);
        assertThat(length).isPositive();
        List<Integer> expected = new ArrayList<>();
        for (int seq : seqs) {
            expected.add(seq);
        }
        assertThat(lost(bytes, 0, length)).containsExactlyElementsOf(expected);
    }
}

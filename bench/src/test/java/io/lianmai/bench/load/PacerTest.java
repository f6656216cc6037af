package io.lianmai.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pacer against a fake clock (the {@code now} it is given): 1 Mbit/s of video paced at 2.5 × is 312,500 bytes/s,
 * and a 40 ms burst interval lets 12,500 bytes out at once.
 */
class PacerTest {
    private static final long MS = 1_000_000L;
    private static final long TICK = ClientLoop.TICK_NANOS;
    private static final int PACKET = 1_000;
    private static final double BYTES_PER_SECOND = 312_500;
    /** Packets that leave at once from an empty bucket: while the debt is ≤ 12,500 bytes, 0 through 12,000 bytes. */
    private static final int BURST_PACKETS = 13;

    private final List<Released> released = new ArrayList<>();
    private final byte[] packet = new byte[SyntheticStream.BUFFER_LENGTH];

    private record Released(int tag, boolean retransmission, long at, byte first, boolean sameArray) {
    }

    private Pacer pacer(Pacing pacing, int mediaSlots) {
        return new Pacer(pacing, 1_000_000, mediaSlots, 8, (buf, len, tag, retransmission, now) -> {
            assertThat(len).isEqualTo(PACKET);
            released.add(new Released(tag, retransmission, now, buf[0], buf == packet));
            buf[0] = (byte) 0xEE; // the sink protects in place: the slot must be free afterwards
        });
    }

    private void offer(Pacer pacer, int tag, long now) {
        packet[0] = (byte) tag;
        pacer.offer(packet, PACKET, tag, now);
    }

    @Test
    void aFrameWithinTheBurstIntervalLeavesAtOnce() {
        Pacer pacer = pacer(Pacing.DEFAULT, 64);
        for (int i = 0; i < 4; i++) {
            offer(pacer, i, 0);
        }
        assertThat(released).extracting(Released::at).containsExactly(0L, 0L, 0L, 0L);
        assertThat(released).allMatch(Released::sameArray);
        assertThat(pacer.held()).isZero();
    }

    @Test
    void aLargerFrameSendsTheBurstIntervalsWorthAndPacesTheRestAtTheRate() {
        Pacer pacer = pacer(Pacing.DEFAULT, 128);
        for (int i = 0; i < 100; i++) {
            offer(pacer, i, 0);
        }
        assertThat(released).hasSize(BURST_PACKETS);
        assertThat(pacer.queued()).isEqualTo(100 - BURST_PACKETS);

        for (long t = TICK; t <= 400 * MS; t += TICK) {
            pacer.process(t);
            double allowed = 12_500 + BYTES_PER_SECOND * t / 1e9;
            assertThat((double) released.size() * PACKET).as("bytes out by %d ms", t / MS)
                    .isLessThanOrEqualTo(allowed + PACKET).isGreaterThanOrEqualTo(Math.min(100 * PACKET,
                            allowed - 2 * PACKET));
        }
        assertThat(released).hasSize(100);
        assertThat(released).extracting(Released::tag).isSorted();
        for (int i = 0; i < 100; i++) {
            assertThat(released.get(i).first()).as("packet %d's content", i).isEqualTo((byte) i);
        }
        // The last may leave once the debt of 99 000 bytes is down to 12 500: after 276.8 ms, so on the 278 ms tick.
        assertThat(released.get(99).at()).isBetween(278 * MS, 282 * MS);
        assertThat(pacer.maxWaitNanos()).isEqualTo(released.get(99).at());
        assertThat(pacer.held()).isEqualTo(100 - BURST_PACKETS);
        assertThat(pacer.overflows()).isZero();
    }

    @Test
    void aLateTickReleasesNoMoreThanTheBurstInterval() {
        Pacer pacer = pacer(Pacing.DEFAULT, 128);
        for (int i = 0; i < 100; i++) {
            offer(pacer, i, 0);
        }
        released.clear();
        pacer.process(500 * MS); // 500 ms at the rate would be 156 packets
        assertThat(released).hasSize(BURST_PACKETS);
        assertThat(pacer.budgetBytes(500 * MS)).isNegative();
    }

    @Test
    void anIdleBucketHoldsOnlyTheBurstInterval() {
        Pacer pacer = pacer(Pacing.DEFAULT, 128);
        offer(pacer, 0, 0);
        assertThat(pacer.budgetBytes(10_000 * MS)).isCloseTo(12_500, within(0.001));
        released.clear();
        for (int i = 0; i < 40; i++) {
            offer(pacer, i, 10_000 * MS);
        }
        assertThat(released).hasSize(BURST_PACKETS);
    }

    @Test
    void retransmissionsGoAheadOfWaitingVideoInTheirOwnOrder() {
        Pacer pacer = pacer(Pacing.DEFAULT, 64);
        for (int i = 0; i < 30; i++) {
            offer(pacer, i, 0);
        }
        for (int i = 0; i < 3; i++) {
            packet[0] = (byte) (100 + i);
            pacer.offerRetransmission(packet, PACKET, 100 + i, MS);
        }
        assertThat(released).hasSize(BURST_PACKETS);
        for (long t = TICK; t <= 200 * MS; t += TICK) {
            pacer.process(t);
        }
        assertThat(released).hasSize(33);
        List<Integer> after = released.subList(BURST_PACKETS, 33).stream().map(Released::tag).toList();
        assertThat(after.subList(0, 3)).containsExactly(100, 101, 102);
        assertThat(released.subList(BURST_PACKETS, BURST_PACKETS + 3)).allMatch(Released::retransmission);
        assertThat(after.subList(3, after.size())).isSorted().first().isEqualTo(BURST_PACKETS);
    }

    @Test
    void aRetransmissionTakesTheRoomInTheBucketBeforeWaitingVideo() {
        Pacer pacer = pacer(Pacing.DEFAULT, 64);
        for (int i = 0; i < 14; i++) {
            offer(pacer, i, 0);
        }
        assertThat(pacer.queued()).isEqualTo(1);
        // 4 ms later the debt of 13 000 bytes is down to 11 750: room for one packet, and it is the retransmission's.
        packet[0] = 100;
        pacer.offerRetransmission(packet, PACKET, 100, 4 * MS);
        assertThat(released).extracting(Released::tag).endsWith(12, 100);
        assertThat(pacer.queued()).isEqualTo(1);
        pacer.process(8 * MS);
        assertThat(released).extracting(Released::tag).endsWith(12, 100, 13);
    }

    @Test
    void aFullQueueLetsItsOldestOutInsteadOfDropping() {
        Pacer pacer = pacer(Pacing.DEFAULT, 4);
        for (int i = 0; i < BURST_PACKETS + 10; i++) {
            offer(pacer, i, 0);
        }
        assertThat(pacer.overflows()).isEqualTo(6);
        assertThat(pacer.queued()).isEqualTo(4);
        assertThat(released).hasSize(BURST_PACKETS + 6);
        for (long t = TICK; t <= 100 * MS; t += TICK) {
            pacer.process(t);
        }
        assertThat(released).extracting(Released::tag).hasSize(BURST_PACKETS + 10).isSorted();
    }

    @Test
    void noBurstIntervalSendsOnlyWhenTheDebtIsPaid() {
        Pacer pacer = pacer(new Pacing(2.5, Duration.ZERO), 64);
        for (int i = 0; i < 5; i++) {
            offer(pacer, i, 0);
        }
        assertThat(released).hasSize(1);
        for (long t = TICK; t <= 20 * MS; t += TICK) {
            pacer.process(t);
        }
        // 1 000 bytes at 312 500 bytes/s: 3.2 ms each, released on the next 2 ms tick.
        assertThat(released).extracting(Released::at).containsExactly(0L, 4 * MS, 8 * MS, 12 * MS, 16 * MS);
    }

    @Test
    void factorZeroPassesEverythingThroughAtOnce() {
        Pacer pacer = pacer(Pacing.OFF, 0);
        for (int i = 0; i < 100; i++) {
            offer(pacer, i, 0);
        }
        pacer.offerRetransmission(packet, PACKET, 100, 0);
        assertThat(released).hasSize(101).allMatch(Released::sameArray).allMatch(r -> r.at() == 0);
        assertThat(released.get(100).retransmission()).isTrue();
        pacer.process(MS);
        assertThat(released).hasSize(101);
        assertThat(pacer.held()).isZero();
        assertThat(pacer.queued()).isZero();
    }
}

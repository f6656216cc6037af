package io.lianmai.media.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ReceiveSideEstimatorTest {
    private static final int PACKET_BYTES = 1200;

    @Test
    void aQueuingPathBringsTheEstimateDownNearItsRate() {
        // An aiortc-like sender at its 500 kbit/s default into a 300 kbit/s path: the queue grows, the arrivals
        // spread out, and the REMB it follows takes it to the path's rate.
        Path path = new Path(300_000, 500_000);
        path.run(15_000);
        assertThat(path.estimator.bitrate()).as("estimate").isBetween(150_000L, 360_000L);
        assertThat(path.senderBps).as("what the sender follows").isBetween(150_000L, 360_000L);
        assertThat(path.estimator.usage()).isNotNull();
        path.run(15_000);
        assertThat(path.estimator.bitrate()).as("and it stays there").isBetween(150_000L, 360_000L);
        assertThat(path.maxQueueMillis).as("the queue was drained, not left to grow").isLessThan(2000);
    }

    @Test
    void aCleanPathLetsItGrow() {
        Path path = new Path(Long.MAX_VALUE, 300_000);
        path.run(4_000);
        assertThat(path.estimator.bitrate()).as("not valid before 5 s of incoming rate").isEqualTo(-1);
        assertThat(path.estimator.pollRemb(path.now)).isEqualTo(-1);
        path.run(26_000);
        assertThat(path.estimator.bitrate()).as("grew from the 300 kbit/s it started at").isGreaterThan(600_000);
        assertThat(path.estimator.bitrate()).as("never above 1.5 x incoming + 10 kbit/s")
                .isLessThanOrEqualTo((long) (1.5 * path.estimator.incomingBitrate()) + 10_000 + 50_000);
        assertThat(path.estimator.resets()).isZero();
    }

    @Test
    void theSendTimeWrapsEvery64Seconds() {
        // Sender clock starting 2 s before the wrap of the 6.18 field: nothing jumps as it passes 64 s.
        Path path = new Path(Long.MAX_VALUE, 400_000);
        path.senderClockOffsetMicros = 62_000_000;
        path.run(8_000);
        long beforeWrapOrJustAfter = path.estimator.bitrate();
        assertThat(beforeWrapOrJustAfter).isPositive();
        path.run(70_000); // past a second wrap as well
        assertThat(path.estimator.resets()).isZero();
        assertThat(path.estimator.bitrate()).isGreaterThanOrEqualTo(beforeWrapOrJustAfter);
        assertThat(path.estimator.usage()).isNotEqualTo(BandwidthUsage.OVERUSING);
    }

    @Test
    void rembGoesOncePerSecondAndAtOnceOnADropOfMoreThan3Percent() {
        Path path = new Path(Long.MAX_VALUE, 400_000);
        path.follow = false;
        path.run(5_500);
        long first = path.estimator.pollRemb(path.now);
        assertThat(first).as("the first once valid").isPositive();
        assertThat(path.estimator.pollRemb(path.now)).isEqualTo(-1);
        path.run(500);
        assertThat(path.estimator.pollRemb(path.now)).as("not before a second on a steady path").isEqualTo(-1);
        path.run(500);
        assertThat(path.estimator.pollRemb(path.now)).as("a second later").isPositive();
        assertThat(path.estimator.rembs()).isEqualTo(2);

        // Now the path narrows to 200 kbit/s under the 400 kbit/s sender: the first cut goes out at once.
        path.capacityBps = 200_000;
        long last = path.estimator.bitrate();
        long sentAt = path.now;
        long cut = -1;
        while (cut < 0 && path.now - sentAt < 10_000) {
            path.run(1);
            if (path.estimator.bitrate() < last * 0.97) {
                cut = path.estimator.pollRemb(path.now);
                assertThat(path.now - sentAt).isLessThan(ReceiveSideEstimator.REMB_INTERVAL_MILLIS);
            }
        }
        assertThat(cut).as("a cut of more than 3 %% goes at once").isPositive().isLessThan(last);
    }

    @Test
    void packetsWithoutAbsSendTimeAreIgnored() {
        ReceiveSideEstimator estimator = new ReceiveSideEstimator();
        for (int i = 0; i < 10_000; i++) {
            estimator.onPacket(-1, PACKET_BYTES, i);
        }
        assertThat(estimator.packets()).isZero();
        assertThat(estimator.bitrate()).isEqualTo(-1);
        assertThat(estimator.incomingBitrate()).isEqualTo(-1);
    }

    @Property(tries = 200)
    void garbageSendTimesNeverThrowAndKeepTheEstimateInRange(@ForAll @Size(max = 3000) int[] values,
            @ForAll @IntRange(min = 0, max = 70_000) int startMillis) {
        ReceiveSideEstimator estimator = new ReceiveSideEstimator();
        long now = startMillis;
        for (int i = 0; i < values.length; i++) {
            now += values[i] & 7;
            estimator.onPacket(values[i] >> 3, (values[i] & 0x7FF) + 12, now);
            estimator.pollRemb(now);
        }
        long bitrate = estimator.bitrate();
        assertThat(bitrate == -1 || bitrate >= SendSideBandwidthEstimator.MIN_BPS
                && bitrate <= SendSideBandwidthEstimator.MAX_BPS).as("%d", bitrate).isTrue();
    }

    @Test
    void garbageInACleanStreamRestartsTheGroupingOnly() {
        Path path = new Path(Long.MAX_VALUE, 400_000);
        path.run(10_000);
        long before = path.estimator.bitrate();
        path.estimator.onPacket(0x123456, PACKET_BYTES, path.now); // 40 s off the arrival clock
        path.run(3_000);
        assertThat(path.estimator.resets()).isEqualTo(2); // away and back
        assertThat(path.estimator.bitrate()).isGreaterThanOrEqualTo(before);
    }

    @Test
    void perPacketWorkAllocatesNothing() {
        Path path = new Path(300_000, 500_000);
        path.run(10_000); // warm up: the buffers are made, the estimate valid
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        ReceiveSideEstimator estimator = path.estimator;
        long now = path.now;
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 100_000; i++) {
            estimator.onPacket((int) ((now * 262L + i) & 0xFFFFFF), PACKET_BYTES, now + i / 10);
            estimator.pollRemb(now + i / 10);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertThat(allocated).isLessThan(1024);
    }

    /**
     * A sender at 30 frames per second that sends each frame's packets back to back (as aiortc does, no pacer) and
     * follows the REMB it gets, a FIFO bottleneck of {@code capacityBps} with 20 ms propagation, and the estimator
     * at the far end, on one millisecond clock.
     */
    private static final class Path {
        final ReceiveSideEstimator estimator = new ReceiveSideEstimator();
        long capacityBps;
        long senderBps;
        boolean follow = true;
        boolean trace;
        long senderClockOffsetMicros;
        long now;
        double queueFreeAtMillis;
        double maxQueueMillis;
        // in flight: arrival time (ms, fractional) and abs-send-time
        final double[] arrival = new double[1 << 16];
        final int[] absSendTime = new int[1 << 16];
        final int[] size = new int[1 << 16];
        int head;
        int tail;

        Path(long capacityBps, long senderBps) {
            this.capacityBps = capacityBps;
            this.senderBps = senderBps;
        }

        void run(long millis) {
            long end = now + millis;
            for (; now < end; now++) {
                if (now % 33 == 0) {
                    long frameBytes = senderBps * 33 / 1000 / 8;
                    for (long sent = 0; sent < frameBytes; sent += PACKET_BYTES) {
                        send((int) Math.min(PACKET_BYTES, frameBytes - sent));
                    }
                }
                while (tail < head && arrival[tail & 0xFFFF] <= now) {
                    estimator.onPacket(absSendTime[tail & 0xFFFF], size[tail & 0xFFFF], now);
                    tail++;
                }
                long remb = follow ? estimator.pollRemb(now) : -1;
                if (remb > 0) {
                    senderBps = remb;
                }
                if (trace && now % 250 == 0) {
                    System.out.printf("%6d ms: %s estimate %d incoming %d sender %d queue %.0f ms%n", now,
                            estimator.usage(), estimator.bitrate(), estimator.incomingBitrate(), senderBps,
                            Math.max(0, queueFreeAtMillis - now));
                }
            }
        }

        private void send(int bytes) {
            long sendMicros = now * 1000 + senderClockOffsetMicros;
            int abs = (int) (((sendMicros << 18) / 1_000_000) & 0xFFFFFF);
            double transmit = capacityBps == Long.MAX_VALUE ? 0 : bytes * 8 * 1000.0 / capacityBps;
            double start = Math.max(now, queueFreeAtMillis);
            queueFreeAtMillis = start + transmit;
            maxQueueMillis = Math.max(maxQueueMillis, queueFreeAtMillis - now);
            arrival[head & 0xFFFF] = queueFreeAtMillis + 20;
            absSendTime[head & 0xFFFF] = abs;
            size[head & 0xFFFF] = bytes;
            head++;
        }
    }
}

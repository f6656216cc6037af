package io.lianmai.media.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.wire.rtp.RtpPacket;
import org.junit.jupiter.api.Test;

/**
 * The estimator against a simulated path: a sender paced at the estimate, a bottleneck queue of a given capacity,
 * 20 ms one-way delay, and the receiver's feedback written by {@link TransportFeedbackGenerator} every tick, all on a
 * millisecond clock.
 */
class SendSideBandwidthEstimatorTest {
    private static final int TRANSPORT_CC_ID = 3;
    private static final int PACKET_BYTES = 1200;

    @Test
    void aCleanLinkRampsUp() {
        Path path = new Path(Long.MAX_VALUE, 0);
        path.run(30_000);
        assertThat(path.estimator.targetBitrate()).as("8 %/s for 30 s from 300 kbit/s")
                .isGreaterThan(1_500_000);
        assertThat(path.estimator.lossFraction()).isZero();
        assertThat(path.estimator.unmatched()).isZero();
        assertThat(path.estimator.feedbacks()).isGreaterThan(400);
    }

    @Test
    void aCappedLinkConvergesNearTheCap() {
        long cap = 1_000_000;
        Path path = new Path(cap, 0);
        path.run(30_000);
        long[] samples = new long[30];
        for (int i = 0; i < samples.length; i++) {
            path.run(1000);
            samples[i] = path.estimator.targetBitrate();
        }
        long sum = 0;
        for (long s : samples) {
            sum += s;
            assertThat(s).as("never far above the cap").isLessThan((long) (cap * 1.3));
        }
        long average = sum / samples.length;
        assertThat(average).as("average over the last 30 s").isBetween((long) (cap * 0.6), (long) (cap * 1.1));
        assertThat(path.maxQueueMillis).as("the queue stays bounded").isLessThan(1000);
    }

    @Test
    void aLowerCapPullsTheEstimateDown() {
        Path path = new Path(2_500_000, 0);
        path.run(40_000);
        long before = path.estimator.targetBitrate();
        assertThat(before).isGreaterThan(1_500_000);
        path.capacityBps = 500_000;
        path.run(10_000);
        assertThat(path.estimator.targetBitrate()).isBetween(250_000L, 650_000L);
    }

    @Test
    void lossReducesTheEstimate() {
        Path path = new Path(Long.MAX_VALUE, 5); // every 5th packet lost: 20 %
        path.run(10_000);
        assertThat(path.estimator.lossFraction()).isBetween(0.15, 0.25);
        assertThat(path.estimator.targetBitrate()).isLessThan(150_000);
        assertThat(path.estimator.targetBitrate()).isGreaterThanOrEqualTo(SendSideBandwidthEstimator.MIN_BPS);
    }

    @Test
    void moderateLossHoldsTheEstimate() {
        Path path = new Path(Long.MAX_VALUE, 20); // 5 %
        path.run(10_000);
        assertThat(path.estimator.targetBitrate()).isBetween(250_000L, 350_000L);
    }

    /**
     * The moment a player's downlink is capped: the server still sends the big layer (900 kbit/s) for 2 s into a
     * 300 kbit/s path with a 300 ms drop-tail queue and 5 % random loss, then the small layer and audio (200 kbit/s).
     * The loss reports from the overflow must not cut the estimate below what the path carried: it stays where the
     * small layer fits, as the allocator needs to keep it rather than pause the video.
     */
    @Test
    void cutsForOverflowLossStopAtWhatThePathCarried() {
        Path path = new Path(Long.MAX_VALUE, 20);
        path.mediaBps = 900_000;
        path.run(5_000);
        path.capacityBps = 300_000;
        path.queueLimitMillis = 300;
        path.run(2_000);
        path.mediaBps = 200_000;
        long lowest = Long.MAX_VALUE;
        for (int i = 0; i < 100; i++) {
            path.run(100);
            lowest = Math.min(lowest, path.estimator.targetBitrate());
        }
        assertThat(path.dropped).as("the queue overflowed").isGreaterThan(50);
        assertThat(lowest).as("lowest estimate in the 10 s after the switch").isGreaterThanOrEqualTo(200_000);
    }

    @Test
    void packetsWithoutTheExtensionAreCountedNotNumbered() {
        SendSideBandwidthEstimator estimator = new SendSideBandwidthEstimator();
        byte[] bare = {(byte) 0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 1, 2, 3};
        RtpPacket packet = new RtpPacket();
        packet.wrap(bare, 0, bare.length);
        estimator.stamp(packet, TRANSPORT_CC_ID, bare.length, 0);
        estimator.stamp(packet, 0, bare.length, 0);
        assertThat(estimator.unstamped()).isEqualTo(2);
        assertThat(estimator.packetsStamped()).isZero();
        byte[] garbage = {(byte) 0x8f, (byte) 205, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8};
        estimator.onFeedback(garbage, 0, garbage.length, 0);
        assertThat(estimator.malformedFeedbacks()).isEqualTo(1);
        assertThat(estimator.targetBitrate()).isEqualTo(SendSideBandwidthEstimator.START_BPS);
    }

    @Test
    void aProbeRaisesAnApplicationLimitedEstimateToWhatTheLinkCarries() {
        Path path = new Path(Long.MAX_VALUE, 0);
        path.mediaBps = 250_000; // the small layer: the estimate alone stays near 1.5 × this
        path.run(10_000);
        long limited = path.estimator.targetBitrate();
        assertThat(limited).isLessThan(500_000);

        path.probe(2_000_000, 5);
        path.run(500);
        assertThat(path.estimator.probes()).isEqualTo(1);
        assertThat(path.estimator.lastProbeResult()).as("the probe's rate, within the 20 ms burst granularity")
                .isBetween(1_600_000L, 2_400_000L);
        assertThat(path.estimator.targetBitrate()).isGreaterThan(1_500_000L);
        assertThat(path.estimator.probesRaised()).isEqualTo(1);
        assertThat(path.estimator.probing()).isFalse();
    }

    @Test
    void aProbeIntoACappedLinkShowsTheCapAndLeavesTheEstimate() {
        Path path = new Path(400_000, 0);
        path.mediaBps = 250_000;
        path.run(10_000);
        long before = path.estimator.targetBitrate();

        path.probe(2_000_000, 5);
        path.run(1500);
        assertThat(path.estimator.lastProbeResult()).as("what the 400 kbit/s link let through")
                .isBetween(250_000L, 480_000L);
        assertThat(path.estimator.probesRaised()).isZero();
        assertThat(path.estimator.targetBitrate()).isLessThanOrEqualTo(Math.max(before, 600_000));
    }

    @Test
    void aProbeTooSmallToMeasureChangesNothing() {
        Path path = new Path(Long.MAX_VALUE, 0);
        path.mediaBps = 0;
        path.run(1000);
        path.estimator.startProbe();
        path.sendBurst(3);
        path.estimator.endProbe(path.now);
        path.run(1500);
        assertThat(path.estimator.lastProbeResult()).as("three packets at one instant are no rate").isZero();
        assertThat(path.estimator.targetBitrate()).isEqualTo(SendSideBandwidthEstimator.START_BPS);
    }

    /** A sender, a bottleneck and a receiver on one millisecond clock. */
    private static final class Path {
        final SendSideBandwidthEstimator estimator = new SendSideBandwidthEstimator();
        final TransportFeedbackGenerator receiver = new TransportFeedbackGenerator(1);
        final RtpPacket packet = new RtpPacket();
        final byte[] bytes = packetWithTransportCc();
        final byte[] feedback = new byte[1500];
        final int lossEvery;
        long capacityBps;
        /** Sends at this fixed rate (an application-limited sender, as an SFU is), or at the estimate when -1. */
        long mediaBps = -1;
        // packets in flight: transport-wide sequence number and arrival time (ms, fractional from the queue)
        final int[] inFlightSeq = new int[1 << 16];
        final double[] inFlightArrival = new double[1 << 16];
        int head;
        int tail;
        long now;
        double budgetBits;
        double queueFreeAt;
        long sent;
        double maxQueueMillis;
        /** A drop-tail queue: a packet that would wait longer than this is dropped. */
        long queueLimitMillis = Long.MAX_VALUE;
        long dropped;

        Path(long capacityBps, int lossEvery) {
            this.capacityBps = capacityBps;
            this.lossEvery = lossEvery;
        }

        void run(long millis) {
            long end = now + millis;
            for (; now < end; now++) {
                budgetBits += (mediaBps >= 0 ? mediaBps : estimator.targetBitrate()) / 1000.0;
                while (budgetBits >= PACKET_BYTES * 8) {
                    budgetBits -= PACKET_BYTES * 8;
                    send();
                }
                while (tail < head && inFlightArrival[tail & 0xFFFF] <= now) {
                    receiver.onPacket(inFlightSeq[tail & 0xFFFF], (long) Math.floor(inFlightArrival[tail & 0xFFFF]));
                    tail++;
                }
                if (now % 20 == 0) {
                    // feedback reaches the sender after the same 20 ms one-way delay: delivered at once here, the
                    // estimator sees only the forward path's spacing, which is what it measures
                    receiver.sendDue(now, 2, feedback, (b, off, len) -> estimator.onFeedback(b, off, len, now));
                }
            }
        }

        /** Pads up to {@code bps} for {@code ticks} ticks of 20 ms, one burst per tick, as the media loop does. */
        void probe(long bps, int ticks) {
            estimator.startProbe();
            long padding = Math.max(0, bps - Math.max(mediaBps, 0)) * 20 / 1000 / 8;
            for (int i = 0; i < ticks; i++) {
                if (i > 0) {
                    run(20);
                }
                sendBurst((int) Math.round((double) padding / PACKET_BYTES));
            }
            estimator.endProbe(now); // with the last burst, as the media loop does: no quiet tail in the cluster
        }

        void sendBurst(int packets) {
            for (int i = 0; i < packets; i++) {
                send();
            }
        }

        private void send() {
            packet.wrap(bytes, 0, bytes.length);
            estimator.stamp(packet, TRANSPORT_CC_ID, bytes.length, now);
            int seq = io.lianmai.wire.rtp.TransportSequenceNumberExtension.read(packet, TRANSPORT_CC_ID);
            sent++;
            if (lossEvery > 0 && sent % lossEvery == 0) {
                return;
            }
            double serialization = capacityBps == Long.MAX_VALUE ? 0 : PACKET_BYTES * 8 * 1000.0 / capacityBps;
            double start = Math.max(now, queueFreeAt);
            if (start - now > queueLimitMillis) {
                dropped++;
                return;
            }
            queueFreeAt = start + serialization;
            maxQueueMillis = Math.max(maxQueueMillis, queueFreeAt - now);
            inFlightSeq[head & 0xFFFF] = seq;
            inFlightArrival[head & 0xFFFF] = queueFreeAt + 20;
            head++;
        }

        private static byte[] packetWithTransportCc() {
            byte[] b = new byte[PACKET_BYTES];
            b[0] = (byte) 0x90; // V=2, X
            b[1] = 96;
            b[12] = (byte) 0xBE;
            b[13] = (byte) 0xDE;
            b[15] = 1; // one word of extensions
            b[16] = (byte) (TRANSPORT_CC_ID << 4 | 1); // id 3, 2 bytes
            return b;
        }
    }
}

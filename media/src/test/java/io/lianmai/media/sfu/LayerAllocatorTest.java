package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.media.bwe.DownlinkEstimate;
import io.lianmai.media.bwe.RembEstimate;
import io.lianmai.wire.rtcp.ReceiverEstimatedMaximumBitrate;
import io.lianmai.wire.rtp.Codec;
import io.lianmai.wire.rtp.RtpPacket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The layer allocation against a simulcast publisher (small layer 200 kbit/s, big 1.5 Mbit/s, audio 50 kbit/s) on a
 * 20 ms media loop, with a scripted downlink: a probe shows what the link's capacity lets through, the estimate is
 * set as the estimator would settle.
 */
class LayerAllocatorTest {
    private static final int SMALL = 0;
    private static final int BIG = 1;

    @Test
    void aNewSubscriberIsProbedAndStartsOnTheBigLayerWhenItsLinkCarriesIt() {
        Call call = new Call(true);
        call.run(2000);
        assertThat(call.allocator.probesStarted()).isGreaterThanOrEqualTo(1);
        assertThat(call.video.paddingBytes()).isPositive();
        assertThat(call.video.allocatedLayer()).isEqualTo(BIG);
        assertThat(call.video.currentLayer()).isEqualTo(BIG);
        assertThat(call.video.layerSwitches()).isZero();
    }

    @Test
    void aCapMovesItDownFastAndLiftingItBringsItBackSlowlyOnlyAfterAProbe() {
        Call call = new Call(true);
        call.run(3000);
        assertThat(call.video.currentLayer()).isEqualTo(BIG);

        call.estimate.capacity = 300_000;
        call.estimate.target = 255_000; // what the estimator settles at under the cap
        call.run(LayerAllocator.INTERVAL_MILLIS * 2);
        assertThat(call.video.allocatedLayer()).as("down at the next evaluation").isEqualTo(SMALL);
        call.run(200);
        assertThat(call.video.currentLayer()).as("at the small layer's next keyframe").isEqualTo(SMALL);

        long probesBefore = call.allocator.probesStarted();
        call.run(20_000);
        assertThat(call.video.allocatedLayer()).as("no way up through the cap").isEqualTo(SMALL);
        long capped = call.allocator.probesStarted() - probesBefore;
        assertThat(capped).as("probes while capped, spaced 2, 4, 5, 5 s apart").isBetween(3L, 6L);
        assertThat(call.estimate.target).as("a probe into the cap shows at most the cap").isLessThanOrEqualTo(300_000);

        call.estimate.capacity = Long.MAX_VALUE;
        long lifted = call.now;
        long raisedAt = -1;
        while (call.now - lifted < 15_000 && call.video.currentLayer() != BIG) {
            call.run(20);
            if (raisedAt < 0 && call.estimate.target > 1_000_000) {
                raisedAt = call.now;
            }
        }
        assertThat(call.video.currentLayer()).as("back on the big layer within 15 s").isEqualTo(BIG);
        assertThat(raisedAt).as("a probe raised the estimate").isPositive();
        assertThat(call.now - raisedAt).as("up slowly: after the hold").isGreaterThanOrEqualTo(
                LayerAllocator.UP_HOLD_MILLIS);
        assertThat(call.video.layerSwitches()).isEqualTo(2);
    }

    @Test
    void aProbeThatRaisedTheEstimateShortOfTheNeedIsFollowedByTheNextAtOnce() {
        Call call = cappedAt300k(20_000); // probes into the cap fail: they are 5 s apart by now
        assertThat(call.video.currentLayer()).isEqualTo(SMALL);

        // Lifted, but the first probe's result shows only 0.55 × what it sent (a loaded, lossy path measures short).
        call.estimate.capacity = Long.MAX_VALUE;
        call.estimate.measured = 0.55;
        long lifted = call.now;
        long probes = call.allocator.probesStarted();
        long raisedAt = -1;
        long nextProbeAt = -1;
        while (call.now - lifted < 15_000 && call.video.currentLayer() != BIG) {
            call.run(20);
            if (raisedAt < 0 && call.estimate.target > 500_000) {
                raisedAt = call.now;
                probes = call.allocator.probesStarted();
                call.estimate.measured = 1.0;
            } else if (raisedAt >= 0 && nextProbeAt < 0 && call.allocator.probesStarted() > probes) {
                nextProbeAt = call.now;
            }
        }
        assertThat(raisedAt).as("the first probe after the lift raised the estimate").isPositive();
        assertThat(call.estimate.target).isGreaterThan(1_500_000);
        assertThat(nextProbeAt - raisedAt).as("ms from that raise to the next probe")
                .isBetween(0L, LayerAllocator.INTERVAL_MILLIS * 2);
        assertThat(call.video.currentLayer()).as("back on the big layer").isEqualTo(BIG);
        assertThat(call.now - lifted).as("ms from the lift to the big layer").isLessThan(9_000);
    }

    @Test
    void aStepAfterTheCapIsAtMostTwiceTheEstimateAndOneThatFailedIsFollowedByOneStraightAtTheNeed() {
        Call call = cappedAt300k(20_000);
        int before = call.estimate.sentRates.size();
        assertThat(call.estimate.sentRates.subList(before - 2, before)).as("probes into the cap, one of them stepped")
                .anySatisfy(rate -> assertThat(rate).isLessThan(800_000));

        // Lifted, but the next probe shows nothing (a small probe on a lossy path can fail on an open path).
        call.estimate.capacity = Long.MAX_VALUE;
        call.estimate.measured = 0;
        long lifted = call.now;
        while (call.now - lifted < 10_000 && call.estimate.sentRates.size() < before + 1) {
            call.run(20);
        }
        call.estimate.measured = 1.0;
        while (call.now - lifted < 20_000 && call.video.currentLayer() != BIG) {
            call.run(20);
        }
        List<Long> after = call.estimate.sentRates.subList(before, call.estimate.sentRates.size());
        assertThat(after).as("probe rates after the lift, bit/s").hasSizeGreaterThanOrEqualTo(2);
        if (after.get(0) < 800_000) { // the first after the lift was stepped, and failed: the next goes straight
            assertThat(after.get(1)).as("straight at 1.25 × audio + the big layer").isGreaterThan(1_500_000);
        }
        assertThat(call.video.currentLayer()).as("back on the big layer").isEqualTo(BIG);
        assertThat(call.now - lifted).isLessThan(15_000);
    }

    @Test
    void videoPausesBeforeAudioSuffersAndResumesWhenTheSmallLayerFits() {
        Call call = new Call(true);
        call.run(3000);
        call.estimate.capacity = 80_000;
        call.estimate.target = 80_000; // 30 kbit/s left for video: under half the small layer
        call.run(400);
        assertThat(call.video.allocatedLayer()).as("the smallest layer while the hold runs").isEqualTo(SMALL);
        call.run(LayerAllocator.PAUSE_HOLD_MILLIS);
        assertThat(call.video.allocatedLayer()).isEqualTo(DownTrack.PAUSED);
        long videoPackets = call.video.packetsSent();
        long audioPackets = call.audio.packetsSent();
        call.run(2000);
        assertThat(call.video.packetsSent()).as("no video while paused").isEqualTo(videoPackets);
        assertThat(call.audio.packetsSent() - audioPackets).as("audio goes on: 50 packets/s").isGreaterThan(90);
        assertThat(call.video.pauses()).isEqualTo(1);

        call.estimate.capacity = 400_000;
        call.estimate.target = 380_000;
        call.run(LayerAllocator.UP_HOLD_MILLIS + 600);
        assertThat(call.video.allocatedLayer()).isEqualTo(SMALL);
        assertThat(call.video.currentLayer()).isEqualTo(SMALL);
        assertThat(call.video.packetsSent()).isGreaterThan(videoPackets);
    }

    @Test
    void aMomentaryDipUnderTheSmallestLayerDoesNotPauseTheVideo() {
        Call call = cappedAt300k(1000);
        assertThat(call.video.allocatedLayer()).isEqualTo(SMALL);

        call.estimate.target = 120_000; // an overuse on a lossy path: 70 kbit/s for video, under half the small layer
        call.run(LayerAllocator.PAUSE_HOLD_MILLIS - 2 * LayerAllocator.INTERVAL_MILLIS);
        call.estimate.target = 255_000;
        call.run(3000);
        assertThat(call.video.pauses()).isZero();
        assertThat(call.video.allocatedLayer()).isEqualTo(SMALL);
    }

    @Test
    void anEstimateCutUnderTheSmallestLayerWhileThePathStillDeliversItDoesNotPauseTheVideo() {
        Call call = cappedAt300k(1000);
        assertThat(call.video.allocatedLayer()).isEqualTo(SMALL);

        // A stall or a loss burst cuts the estimate to 84 kbit/s (seen in a loaded run: the video was paused for the
        // rest of the cap), while the acknowledged throughput shows the small layer and audio still arriving.
        call.estimate.target = 84_000;
        call.estimate.delivered = 260_000;
        call.run(5000);
        assertThat(call.video.pauses()).isZero();
        assertThat(call.video.allocatedLayer()).isEqualTo(SMALL);
    }

    @Test
    void aPausedVideoIsProbedBackAfter2sNotAfterTheFailedProbesSpacing() {
        Call call = cappedAt300k(20_000); // probes into the cap fail: 5 s apart by now
        call.estimate.capacity = 90_000;
        call.estimate.target = 90_000; // the path really narrows: paused
        call.run(LayerAllocator.PAUSE_HOLD_MILLIS + 2 * LayerAllocator.INTERVAL_MILLIS);
        assertThat(call.video.allocatedLayer()).isEqualTo(DownTrack.PAUSED);
        long pausedAt = call.now;
        long probes = call.allocator.probesStarted();

        call.estimate.capacity = 300_000; // it widens again
        while (call.now - pausedAt < 10_000 && call.video.currentLayer() != SMALL) {
            call.run(20);
        }
        assertThat(call.allocator.probesStarted() - probes).as("the probe straight at audio + the small layer, and "
                + "the next (for the big layer) at once after it raised the estimate").isBetween(1L, 2L);
        assertThat(call.now - pausedAt).as("ms from the pause to the small layer: a probe 2 s on, the up hold")
                .isLessThanOrEqualTo(MIN_PROBE_AND_HOLD_MILLIS);
    }

    private static final long MIN_PROBE_AND_HOLD_MILLIS = LayerAllocator.MIN_PROBE_INTERVAL_MILLIS
            + LayerAllocator.UP_HOLD_MILLIS + 3 * LayerAllocator.INTERVAL_MILLIS + 200;

    @Test
    void whileMovingDownTheLayerLeftIsNotResentAndTheSmallerOnesRepairsAreNotStarvedByItsResends() {
        Call call = new Call(true);
        RetransmissionBudget budget = new RetransmissionBudget(new RetransmissionLimits(0, 1_000, 50), call.now);
        call.video.limitRetransmissions(budget);
        call.run(3000);
        assertThat(call.video.currentLayer()).isEqualTo(BIG);
        // Repairs of the big layer while the path is congested: up to the share of what is forwarded.
        int bigSeq = call.sink.lastVideoSeq;
        for (int i = 0; i < 40; i++) {
            call.video.retransmit((bigSeq - i) & 0xFFFF, call.now, call.scratch);
        }
        assertThat(budget.allowed()).isPositive();

        call.video.allocate(SMALL); // the allocator's decision; the switch waits for the small layer's keyframe
        assertThat(call.video.retransmit(bigSeq, call.now, call.scratch))
                .as("the layer being left is not resent into the congested path").isFalse();

        call.run(20); // the small layer's keyframe: switched
        assertThat(call.video.currentLayer()).isEqualTo(SMALL);
        call.run(100);
        int smallSeq = call.sink.lastVideoSeq;
        assertThat(call.video.retransmit(smallSeq, call.now, call.scratch))
                .as("the small layer's first repair, right after a burst of the big one's").isTrue();
    }

    @Test
    void theSmallStreamPreferenceIsACeiling() {
        Call call = new Call(true);
        call.video.preferLowLayer(true);
        call.run(5000);
        assertThat(call.video.allocatedLayer()).isEqualTo(SMALL);
        assertThat(call.video.currentLayer()).isEqualTo(SMALL);
    }

    @Test
    void aSubscriberThatCannotBeProbedIsNotAllocated() {
        Call call = new Call(false);
        call.estimate.target = 100_000;
        call.run(5000);
        assertThat(call.allocator.probesStarted()).isZero();
        assertThat(call.video.allocatedLayer()).isEqualTo(DownTrack.UNALLOCATED);
        assertThat(call.video.currentLayer()).as("its preference, the big layer").isEqualTo(BIG);
    }

    @Test
    void aRembSubscriberKeepsItsPreferenceUntilItsFirstReportThenIsAllocatedWithoutPadding() {
        Call call = new Call(true, true);
        call.run(5000);
        assertThat(call.receiver.remb.reports()).as("aiortc's first report: 3 s after media starts").isPositive();
        assertThat(call.receiver.remb.known()).as("a first report tells what came, not what the path carries")
                .isFalse();
        assertThat(call.video.allocatedLayer()).isEqualTo(DownTrack.UNALLOCATED);
        assertThat(call.video.currentLayer()).as("its preference").isEqualTo(BIG);
        call.run(2000);
        assertThat(call.receiver.remb.known()).isTrue();
        assertThat(call.video.allocatedLayer()).isEqualTo(BIG);
        assertThat(call.allocator.probesStarted()).as("what it gets already fits").isZero();
        assertThat(call.video.paddingBytes()).isZero();
    }

    @Test
    void aRembSubscriberMovesDownAtItsCutAndRampsBackUpUnderPaddingAfterTheLift() {
        Call call = new Call(true, true);
        call.run(7000);
        assertThat(call.video.allocatedLayer()).isEqualTo(BIG);

        call.receiver.capacity = 300_000;
        long capped = call.now;
        while (call.now - capped < 5000 && call.video.currentLayer() != SMALL) {
            call.run(20);
        }
        assertThat(call.video.currentLayer()).as("on the small layer").isEqualTo(SMALL);
        assertThat(call.now - capped).as("ms from the cap: its next report cuts").isLessThanOrEqualTo(1000);
        call.run(20_000);
        assertThat(call.video.currentLayer()).as("no way up through the cap").isEqualTo(SMALL);
        assertThat(call.receiver.remb.cuts()).as("each ramp into the cap ends at the receiver's next cut")
                .isGreaterThanOrEqualTo(2);
        assertThat(call.video.pauses()).isZero();

        call.receiver.capacity = Long.MAX_VALUE;
        long lifted = call.now;
        long paddingBefore = call.video.paddingBytes();
        while (call.now - lifted < 60_000 && call.video.currentLayer() != BIG) {
            call.run(20);
        }
        long upMillis = call.now - lifted;
        assertThat(call.video.currentLayer()).as("back on the big layer").isEqualTo(BIG);
        // The receiver's estimate climbs 8 % a second from ≈ 300 kbit/s to the 1.75 Mbit/s the big layer and audio
        // need: ln(5.8) / ln(1.08) ≈ 23 s, plus the up hold. Without padding it would stay under 1.5 × the small layer.
        assertThat(upMillis).as("ms from the lift to the big layer").isBetween(15_000L, 40_000L);
        assertThat(call.video.paddingBytes()).as("padded while ramping").isGreaterThan(paddingBefore);
        assertThat(call.receiver.remb.targetBitrate()).as("the estimate fits the big layer and audio")
                .isGreaterThan(call.videoTrack.layers()[BIG].averageBitrate()
                        + call.audioTrack.layers()[0].averageBitrate());
        System.out.printf("REMB subscriber: big layer %d ms after the lift, %d ramps, %d padding bytes%n", upMillis,
                call.allocator.probesStarted(), call.video.paddingBytes() - paddingBefore);
        long padding = call.video.paddingBytes();
        call.run(10_000);
        assertThat(call.video.paddingBytes()).as("no padding once the big layer fits").isEqualTo(padding);
    }

    @Test
    void aRembSubscriberThatCannotBePaddedStaysOnItsPreference() {
        Call call = new Call(false, true);
        call.run(6000);
        call.receiver.capacity = 300_000;
        call.run(5000);
        assertThat(call.video.allocatedLayer()).isEqualTo(DownTrack.UNALLOCATED);
        assertThat(call.video.currentLayer()).isEqualTo(BIG);
    }

    /**
     * A subscriber that got the big layer, then a 300 kbit/s cap (the estimate settling at 255 kbit/s) for
     * {@code millis}.
     */
    private static Call cappedAt300k(long millis) {
        Call call = new Call(true);
        call.run(3000);
        call.estimate.capacity = 300_000;
        call.estimate.target = 255_000;
        call.run(millis);
        return call;
    }

    /** The estimate as a test scripts it: a probe's result is what it sent, within the link's capacity. */
    private static final class ScriptedEstimate implements DownlinkEstimate {
        long target = 300_000;
        /** What the path is seen delivering; -1: as the estimate. */
        long delivered = -1;
        long capacity = Long.MAX_VALUE;
        /** The share of a probe's rate its result shows. */
        double measured = 1.0;
        boolean open;
        long probeStartBytes;
        long probeStartMillis;
        long resolveAt = -1;
        long result;
        /** What each probe sent, bit/s, in order. */
        final List<Long> sentRates = new java.util.ArrayList<>();
        Call call;

        @Override
        public long targetBitrate() {
            return target;
        }

        @Override
        public long deliveredBitrate() {
            return delivered < 0 ? target : delivered;
        }

        @Override
        public boolean congested() {
            return false;
        }

        @Override
        public void startProbe() {
            open = true;
            probeStartBytes = call.sink.bytes;
            probeStartMillis = call.now;
        }

        @Override
        public void endProbe(long nowMillis) {
            open = false;
            long elapsed = Math.max(20, nowMillis - probeStartMillis); // the first burst's bytes, from the first instant
            long sentRate = (call.sink.bytes - probeStartBytes) * 8000 / elapsed;
            sentRates.add(sentRate);
            result = Math.min((long) (sentRate * measured), capacity);
            resolveAt = nowMillis + 100; // a feedback round trip
        }

        @Override
        public boolean probing() {
            return open || resolveAt >= 0;
        }

        void tick(long now) {
            if (resolveAt >= 0 && now >= resolveAt) {
                resolveAt = -1;
                target = Math.max(target, result);
            }
        }
    }

    /**
     * A REMB subscriber's own estimator, after aiortc 1.4's ({@code rate.py}: {@code RemoteBitrateEstimator},
     * {@code AimdRateControl}): a report every 500 ms; the first 3 s after media starts flowing, of what it received
     * then; on over-use (here: sent faster than the link's capacity) a cut to 0.85 × what it receives, after which it
     * grows additively ({@link #NEAR_MAX_STEP_BPS} a report) until what it receives exceeds what it received at the
     * cut by 10 %; otherwise × 1.08 a second; never above 1.5 × what it receives + 10 kbit/s unless it was already.
     */
    private static final class AimdReceiver {
        static final long NEAR_MAX_STEP_BPS = 8_000;
        final RembEstimate remb = new RembEstimate();
        final Call call;
        final byte[] packet = new byte[64];
        long capacity = Long.MAX_VALUE;
        long estimate = -1;
        long firstAt = -1;
        long lastAt;
        long[] bytesAt = new long[50]; // the sink's byte count at each of the last 50 ticks: a 1 s window
        int tick;
        boolean nearMax;
        long atCut;

        AimdReceiver(Call call) {
            this.call = call;
        }

        void tick(long now) {
            bytesAt[tick++ % bytesAt.length] = call.sink.bytes;
            if (tick < bytesAt.length || now - lastAt < 500) {
                return;
            }
            lastAt = now;
            long sent = (call.sink.bytes - bytesAt[tick % bytesAt.length]) * 8; // over the last second
            long received = Math.min(sent, capacity);
            if (firstAt < 0) {
                firstAt = now;
            }
            if (sent > capacity) {
                estimate = (long) (0.85 * received);
                nearMax = true;
                atCut = received;
            } else if (estimate < 0) {
                if (now - firstAt < 3000) {
                    return;
                }
                estimate = received;
            } else {
                if (nearMax && received > 1.1 * atCut) {
                    nearMax = false;
                }
                long grown = nearMax ? estimate + NEAR_MAX_STEP_BPS : (long) (estimate * Math.sqrt(1.08));
                estimate = Math.min(grown, Math.max((long) (1.5 * received) + 10_000, estimate));
            }
            int len = ReceiverEstimatedMaximumBitrate.write(packet, 0, 0x9999, estimate, new long[] {0x5555}, 0, 1);
            remb.onFeedback(packet, 0, len, now);
        }
    }

    /** A simulcast publisher, one subscriber (audio + video) and the media loop, on a millisecond clock. */
    private static final class Call {
        final PublishedTrack videoTrack = new PublishedTrack("1", Codec.VP8, 96, 0, new String[] {"l", "h"},
                new long[] {0x10, 0x20});
        final PublishedTrack audioTrack = new PublishedTrack("0", Codec.OPUS, 111, 0, new String[] {null},
                new long[] {0x30});
        final CountingSink sink = new CountingSink();
        final DownTrack video = new DownTrack(videoTrack, 0x5555, 96, identity(), sink);
        final DownTrack audio = new DownTrack(audioTrack, 0x6666, 111, identity(), sink);
        final ScriptedEstimate estimate = new ScriptedEstimate();
        /** The subscriber's own estimator where it reports REMB, else null (the scripted estimate is used). */
        final AimdReceiver receiver;
        final LayerAllocator allocator;
        final RtpPacket packet = new RtpPacket();
        final byte[] buf = new byte[1300];
        final byte[] scratch = Buffers.packetArray();
        final int[] seq = new int[3];
        long now = 1_000_000;
        long frame;

        Call(boolean rtx) {
            this(rtx, false);
        }

        Call(boolean rtx, boolean remb) {
            estimate.call = this;
            receiver = remb ? new AimdReceiver(this) : null;
            allocator = new LayerAllocator(List.of(audio, video), remb ? receiver.remb : estimate);
            if (rtx) {
                video.retransmitWithRtx(0x7777, 97);
            }
            // The publisher has been sending for a while before the subscriber comes.
            for (int i = 0; i < 100; i++) {
                publish();
                now += 20;
            }
            video.attach(now);
            audio.attach(now);
        }

        void run(long millis) {
            long end = now + millis;
            while (now < end) {
                now += 20;
                publish();
                estimate.tick(now);
                if (receiver != null) {
                    receiver.tick(now);
                }
                allocator.tick(now);
                video.tick(now, scratch);
            }
        }

        /** One 20 ms tick's worth: a frame of each layer (a keyframe when asked for, or every 100), and audio. */
        private void publish() {
            frame++;
            send(videoTrack, 0, 500, 1, 96); // 200 kbit/s
            send(videoTrack, 1, 1250, 3, 96); // 1.5 Mbit/s
            send(audioTrack, 0, 125, 1, 111); // 50 kbit/s
        }

        private void send(PublishedTrack track, int layerIndex, int size, int packets, int payloadType) {
            IncomingLayer layer = track.layers()[layerIndex];
            boolean keyframe = track.isVideo() && (layer.pollKeyframeRequest(now) || frame % 100 == 1);
            int stream = track.isVideo() ? layerIndex : 2;
            for (int p = 0; p < packets; p++) {
                int n = seq[stream]++;
                buf[0] = (byte) 0x80;
                buf[1] = (byte) (payloadType | (p == packets - 1 ? 0x80 : 0));
                buf[2] = (byte) (n >> 8);
                buf[3] = (byte) n;
                long ts = frame * 1800;
                buf[4] = (byte) (ts >> 24);
                buf[5] = (byte) (ts >> 16);
                buf[6] = (byte) (ts >> 8);
                buf[7] = (byte) ts;
                long ssrc = layer.ssrc();
                buf[8] = (byte) (ssrc >> 24);
                buf[9] = (byte) (ssrc >> 16);
                buf[10] = (byte) (ssrc >> 8);
                buf[11] = (byte) ssrc;
                // VP8 payload descriptor and header: start of partition on the first packet, keyframe bit clear.
                buf[12] = (byte) (p == 0 ? 0x10 : 0x00);
                buf[13] = (byte) (keyframe && p == 0 ? 0x10 : 0x11);
                buf[14] = 0x02;
                buf[15] = 0x00;
                buf[16] = (byte) 0x9d;
                buf[17] = 0x01;
                buf[18] = 0x2a;
                packet.wrap(buf, 0, size);
                track.onRtp(packet, layer, now, scratch);
            }
        }

        private static ExtensionIdMap identity() {
            return ExtensionIdMap.between(Map.of(), Map.of(), Set.of());
        }
    }

    /** Counts what the subscriber is sent. */
    private static final class CountingSink implements RtpSink {
        long bytes;
        /** The sequence number of the last packet on the video SSRC (0x5555), RTX aside. */
        int lastVideoSeq = -1;

        @Override
        public void sendRtp(byte[] buf, int off, int len) {
            bytes += len;
            if ((buf[off + 8] & 0xFF) == 0 && (buf[off + 9] & 0xFF) == 0 && (buf[off + 10] & 0xFF) == 0x55
                    && (buf[off + 11] & 0xFF) == 0x55) {
                lastVideoSeq = ((buf[off + 2] & 0xFF) << 8) | (buf[off + 3] & 0xFF);
            }
        }

        @Override
        public void sendRtcp(byte[] buf, int off, int len) {
        }
    }
}

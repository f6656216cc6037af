package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.lianmai.wire.rtp.Codec;
import io.lianmai.wire.rtp.RtpPacket;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A new video subscriber of a publisher that does not answer keyframe requests is started from the publication's
 * cache: the latest keyframe and everything after it, numbered so that the live packets follow seamlessly, with the
 * replayed frames' timestamps compressed towards the newest; a GOP longer than the cache falls back to waiting for
 * the next keyframe; publishers that answer keep the plain wait; the cache's memory is bounded and the replay
 * allocates nothing.
 */
class KeyframeReplayTest {
    private static final long WAIT_MILLIS = 300;
    private static final int PACKETS_PER_FRAME = 3;
    private static final long FRAME_TICKS = 3000;
    private static final int FIRST_SEQ = 65_000; // every stream here crosses the sequence-number wrap
    private static final long FIRST_TIMESTAMP = 0xFFFF_0000L; // ... and the timestamp wrap

    private final byte[] scratch = Buffers.packetArray();

    @Test
    void aSubscriberOfAPublisherThatIgnoresKeyframeRequestsStartsFromItsLastKeyframeAfterTheWait() {
        Stream stream = new Stream(1024, 90);
        stream.send(100 * PACKETS_PER_FRAME); // frames 0..99: keyframes at 0 and 90
        Subscriber viewer = stream.attach(WAIT_MILLIS);

        stream.send(PACKETS_PER_FRAME * 5); // 5 frames (~167 ms): within the wait, nothing
        assertThat(viewer.sink.count).isZero();
        assertThat(stream.layer().keyframes().isPending()).as("a keyframe was asked for").isTrue();
        stream.send(PACKETS_PER_FRAME * 5); // past the wait: replay from frame 90

        assertThat(viewer.downTrack.replays()).isEqualTo(1);
        assertThat(viewer.sink.count).isPositive();
        assertThat(viewer.sink.firstPacketWasKeyframe).isTrue();
        assertThat(viewer.sink.sourceSeqs[0]).isEqualTo(stream.seqOf(90 * PACKETS_PER_FRAME));

        stream.send(PACKETS_PER_FRAME * 30); // the replay catches up and live packets follow
        // The replay began past the wait, at frame 108: frames 90..107 came from the cache, the rest as they arrived.
        assertThat(viewer.downTrack.replayedPackets()).isGreaterThanOrEqualTo(18L * PACKETS_PER_FRAME);
        viewer.sink.assertContinuous(stream.lastSeq());
        viewer.sink.assertTimestampsRise();
        // Every packet from the keyframe on was sent exactly once, in order.
        assertThat(viewer.sink.count).isEqualTo((140 - 90) * PACKETS_PER_FRAME);
        // Live frames (sent after the replay caught up) are FRAME_TICKS apart, as the publisher sent them.
        int last = viewer.sink.count - 1;
        assertThat((viewer.sink.timestamps[last] - viewer.sink.timestamps[last - PACKETS_PER_FRAME]) & 0xFFFF_FFFFL)
                .isEqualTo(FRAME_TICKS);
    }

    @Test
    void replayedFramesAreCompressedInTimeAndTheNewestJoinsTheLiveTimeline() {
        Stream stream = new Stream(1024, 300);
        stream.send(61 * PACKETS_PER_FRAME); // keyframe at frame 0, 60 frames (2 s) after it
        Subscriber viewer = stream.attach(0);
        stream.tick(viewer, 10); // replays frames 0..60, the newest (the anchor) last
        stream.send(PACKETS_PER_FRAME);
        int replayedThroughAnchor = 61 * PACKETS_PER_FRAME;
        long first = viewer.sink.timestamps[0];
        long anchor = viewer.sink.timestamps[replayedThroughAnchor - 1];
        long span = (anchor - first) & 0xFFFF_FFFFL;
        assertThat(span).as("60 frames of 3000 ticks, 64 times faster").isEqualTo(60 * FRAME_TICKS / 64);
        long next = viewer.sink.timestamps[replayedThroughAnchor];
        assertThat((next - anchor) & 0xFFFF_FFFFL).as("the next live frame, a frame after the newest replayed")
                .isEqualTo(FRAME_TICKS);
    }

    @Test
    void aNackForAReplayedPacketIsAnsweredWithTheTimestampItWasSentWith() {
        Stream stream = new Stream(1024, 300);
        stream.send(60 * PACKETS_PER_FRAME);
        Subscriber viewer = stream.attach(0);
        stream.tick(viewer, 10);
        // A packet of frame 1: 2 s old, past the age at which the cache answers NACKs for live packets.
        int index = PACKETS_PER_FRAME + 1;
        int outputSeq = viewer.sink.seqs[index];
        long sentTimestamp = viewer.sink.timestamps[index];

        assertThat(viewer.downTrack.retransmit(outputSeq, stream.now, scratch)).isTrue();

        int resent = viewer.sink.count - 1;
        assertThat(viewer.sink.seqs[resent]).isEqualTo(outputSeq);
        assertThat(viewer.sink.timestamps[resent]).isEqualTo(sentTimestamp);
    }

    @Test
    void aPublisherKnownToAnswerLateIsReplayedAtOnce() {
        Stream stream = new Stream(1024, 90);
        stream.send(50 * PACKETS_PER_FRAME);
        Subscriber first = stream.attach(WAIT_MILLIS);
        stream.send(PACKETS_PER_FRAME * 60); // its keyframe request goes unanswered until frame 90: ~1.2 s
        assertThat(first.downTrack.replays()).isEqualTo(1);
        assertThat(stream.layer().keyframes().answerDelayMillis(stream.now)).isGreaterThan(WAIT_MILLIS);

        Subscriber second = stream.attach(WAIT_MILLIS);
        stream.send(1);

        assertThat(second.downTrack.replays()).as("no wait: this publisher answers later than that").isEqualTo(1);
        assertThat(second.sink.count).isPositive();
        assertThat(second.sink.firstPacketWasKeyframe).isTrue();
    }

    @Test
    void aPublisherThatAnswersKeyframeRequestsIsNotReplayed() {
        Stream stream = new Stream(1024, 1_000);
        stream.send(50 * PACKETS_PER_FRAME);
        Subscriber viewer = stream.attach(WAIT_MILLIS);
        stream.send(PACKETS_PER_FRAME * 2);
        stream.keyframeNow(); // the publisher answers the request with a keyframe a few frames later
        stream.send(PACKETS_PER_FRAME * 20);

        assertThat(viewer.downTrack.replays()).isZero();
        assertThat(viewer.sink.firstPacketWasKeyframe).isTrue();
        assertThat(viewer.sink.count).isEqualTo(20 * PACKETS_PER_FRAME);
        viewer.sink.assertContinuous(stream.lastSeq());
    }

    @Test
    void aGopLongerThanTheCacheFallsBackToWaitingForTheNextKeyframe() {
        Stream stream = new Stream(256, 150); // 150 frames × 3 packets > 256 packets cached
        stream.send(120 * PACKETS_PER_FRAME);
        Subscriber viewer = stream.attach(WAIT_MILLIS);
        stream.send(PACKETS_PER_FRAME * 20);

        assertThat(viewer.downTrack.replays()).isZero();
        assertThat(viewer.downTrack.replaysUnavailable()).isEqualTo(1);
        assertThat(viewer.sink.count).isZero();

        stream.send(PACKETS_PER_FRAME * 20); // the next keyframe at frame 150
        assertThat(viewer.sink.firstPacketWasKeyframe).isTrue();
        assertThat(viewer.sink.sourceSeqs[0]).isEqualTo(stream.seqOf(150 * PACKETS_PER_FRAME));
        viewer.sink.assertContinuous(stream.lastSeq());
    }

    @Test
    void aSubscriberThatMayNotReplayWaitsForTheKeyframe() {
        Stream stream = new Stream(1024, 90);
        stream.send(30 * PACKETS_PER_FRAME);
        Subscriber viewer = stream.attach(-1);
        stream.send(PACKETS_PER_FRAME * 50);
        assertThat(viewer.downTrack.replays()).isZero();
        assertThat(viewer.sink.count).isZero();
    }

    @Test
    void theReplayRunsOnTicksWhileThePublisherIsSilent() {
        Stream stream = new Stream(1024, 300);
        stream.send(40 * PACKETS_PER_FRAME);
        Subscriber viewer = stream.attach(WAIT_MILLIS);
        stream.tick(viewer, 20);
        assertThat(viewer.downTrack.replays()).isEqualTo(1);
        assertThat(viewer.sink.count).isEqualTo(40 * PACKETS_PER_FRAME);
        viewer.sink.assertContinuous(stream.lastSeq());
    }

    @Test
    void theCacheMemoryIsBoundedByItsCapacity() {
        ThreadMXBean threads = allocationCounter();
        long before = threads.getCurrentThreadAllocatedBytes();
        Stream stream = new Stream(IncomingLayer.VIDEO_CACHE_PACKETS, 90);
        stream.send(10 * IncomingLayer.VIDEO_CACHE_PACKETS);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        PacketCache cache = stream.layer().cache();

        long bound = PacketCache.bytesWhenFull(IncomingLayer.VIDEO_CACHE_PACKETS);
        assertThat(cache.retainedBytes()).isEqualTo(bound);
        assertThat(bound).as("1024 packets of up to 1500 bytes").isBetween(1_500_000L, 1_600_000L);
        // Storing ten times its capacity allocates the slots once (and the test's own packet arrays).
        assertThat(allocated).isLessThan(bound + 64 * 1024);
        System.out.printf("video layer cache of %d packets: %d bytes retained, %d allocated while filling it"
                + " ten times%n", cache.capacity(), cache.retainedBytes(), allocated);
    }

    @Test
    void replayingAllocatesNothing() {
        ThreadMXBean threads = allocationCounter();
        Stream stream = new Stream(1024, 150);
        stream.send(2_000 * PACKETS_PER_FRAME); // warm: every cache slot used
        Subscriber[] viewers = new Subscriber[20];
        long allocated = 0;
        for (int i = 0; i < viewers.length; i++) {
            viewers[i] = stream.attach(0); // attaching (a list grows) is not the per-packet path
            long before = threads.getCurrentThreadAllocatedBytes();
            stream.send(PACKETS_PER_FRAME * 50);
            for (Subscriber viewer : viewers) {
                if (viewer != null) {
                    viewer.downTrack.tick(stream.now, scratch);
                    viewer.downTrack.retransmit(viewer.sink.seqs[0], stream.now, scratch);
                }
            }
            allocated += threads.getCurrentThreadAllocatedBytes() - before;
        }
        long replays = 0;
        for (Subscriber viewer : viewers) {
            assertThat(viewer.sink.count).isPositive();
            replays += viewer.downTrack.replays();
        }
        // Those that joined just before a keyframe started with it instead.
        assertThat(replays).isGreaterThanOrEqualTo(viewers.length / 2);
        assertThat(allocated).as("bytes allocated replaying to %d subscribers", viewers.length).isLessThan(1_024);
    }

    private static ThreadMXBean allocationCounter() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
        threads.setThreadAllocatedMemoryEnabled(true);
        return threads;
    }

    /** A VP8 publisher at 30 fps, 3 packets a frame, a keyframe every {@code gopFrames} (or when asked to). */
    private static final class Stream {
        final PublishedTrack track;
        final int gopFrames;
        final RtpPacket packet = new RtpPacket();
        final byte[] buf = new byte[1200];
        final byte[] scratch = Buffers.packetArray();
        long sent;
        long now = 1_000_000;
        long nextKeyframe;
        long lastKeyframe;

        Stream(int cachePackets, int gopFrames) {
            this.track = new PublishedTrack("1", Codec.VP8, 96, 0, new String[] {null}, new long[] {0x1234},
                    cachePackets);
            this.gopFrames = gopFrames;
        }

        IncomingLayer layer() {
            return track.layers()[0];
        }

        Subscriber attach(long waitMillis) {
            RecordingSink sink = new RecordingSink();
            DownTrack downTrack = new DownTrack(track, 0x5555, 98, ExtensionIdMap.between(Map.of(), Map.of(),
                    Set.of()), sink);
            downTrack.startFromCachedKeyframe(waitMillis);
            downTrack.attach(now);
            return new Subscriber(downTrack, sink);
        }

        /** {@code count} ticks of the media loop, 20 ms apart, with no packet from the publisher. */
        void tick(Subscriber viewer, int count) {
            for (int i = 0; i < count; i++) {
                now += 20;
                viewer.downTrack.tick(now, scratch);
            }
        }

        /** The next frame starts with a keyframe (the publisher answers a request). */
        void keyframeNow() {
            long frame = (sent + PACKETS_PER_FRAME - 1) / PACKETS_PER_FRAME;
            nextKeyframe = frame;
        }

        int seqOf(long n) {
            return (int) ((FIRST_SEQ + n) & 0xFFFF);
        }

        int lastSeq() {
            return seqOf(sent - 1);
        }

        void send(int packets) {
            for (int i = 0; i < packets; i++) {
                long n = sent++;
                long frame = n / PACKETS_PER_FRAME;
                int inFrame = (int) (n % PACKETS_PER_FRAME);
                boolean keyframe = frame % gopFrames == 0 || frame == nextKeyframe;
                if (keyframe && inFrame == 0) {
                    lastKeyframe = frame;
                }
                buf[0] = (byte) 0x80;
                buf[1] = (byte) (96 | (inFrame == PACKETS_PER_FRAME - 1 ? 0x80 : 0));
                int seq = seqOf(n);
                buf[2] = (byte) (seq >> 8);
                buf[3] = (byte) seq;
                long ts = (FIRST_TIMESTAMP + FRAME_TICKS * frame) & 0xFFFF_FFFFL;
                buf[4] = (byte) (ts >> 24);
                buf[5] = (byte) (ts >> 16);
                buf[6] = (byte) (ts >> 8);
                buf[7] = (byte) ts;
                buf[8] = 0;
                buf[9] = 0;
                buf[10] = 0x12;
                buf[11] = 0x34;
                buf[12] = (byte) (inFrame == 0 ? 0x10 : 0x00);
                buf[13] = (byte) (keyframe && inFrame == 0 ? 0x10 : 0x11);
                buf[14] = 0x02;
                buf[15] = 0x00;
                buf[16] = (byte) 0x9d;
                buf[17] = 0x01;
                buf[18] = 0x2a;
                now = 1_000_000 + frame * 100 / 3;
                packet.wrap(buf, 0, buf.length);
                track.onRtp(packet, layer(), now, scratch);
                // The media loop polls keyframe requests on its tick (the PLI "goes out").
                layer().pollKeyframeRequest(now);
            }
        }
    }

    private record Subscriber(DownTrack downTrack, RecordingSink sink) {
    }

    /** Records what a subscriber is sent, in preallocated arrays. */
    private static final class RecordingSink implements RtpSink {
        static final int MAX = 20_000;
        final int[] seqs = new int[MAX];
        final int[] sourceSeqs = new int[MAX];
        final long[] timestamps = new long[MAX];
        final RtpPacket view = new RtpPacket();
        int count;
        boolean firstPacketWasKeyframe;

        @Override
        public void sendRtp(byte[] buf, int off, int len) {
            if (count == MAX || !view.wrap(buf, off, len)) {
                return;
            }
            if (count == 0) {
                firstPacketWasKeyframe = Codec.VP8.isKeyframe(view);
            }
            seqs[count] = view.sequenceNumber();
            // The down-track starts at the source's own numbering: output = source + 0 for its first source.
            sourceSeqs[count] = view.sequenceNumber();
            timestamps[count] = view.timestamp();
            count++;
        }

        @Override
        public void sendRtcp(byte[] buf, int off, int len) {
        }

        /** Consecutive sequence numbers, ending at {@code lastSeq}. */
        void assertContinuous(int lastSeq) {
            for (int i = 1; i < count; i++) {
                assertThat(seqs[i]).as("packet %d", i).isEqualTo((seqs[i - 1] + 1) & 0xFFFF);
            }
            assertThat(seqs[count - 1]).isEqualTo(lastSeq);
        }

        /** Timestamps never go back, and rise from one frame to the next. */
        void assertTimestampsRise() {
            for (int i = 1; i < count; i++) {
                long delta = (timestamps[i] - timestamps[i - 1]) & 0xFFFF_FFFFL;
                assertThat(delta).as("timestamp step at packet %d", i).isLessThan(0x8000_0000L);
                if (i % PACKETS_PER_FRAME == 0) {
                    assertThat(delta).as("a new frame at packet %d", i).isPositive();
                } else {
                    assertThat(delta).as("the same frame at packet %d", i).isZero();
                }
            }
        }
    }
}

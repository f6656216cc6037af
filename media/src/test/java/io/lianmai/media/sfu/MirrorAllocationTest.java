package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.lianmai.wire.rtp.Codec;
import io.lianmai.wire.rtp.RtpPacket;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A stream copied to another media loop's mirror allocates nothing per packet: the publishing {@link Publication}
 * offers each packet (and its sender reports) to the {@link MirrorLink}, the mirror's loop drains the queue into a
 * publication of its own (as {@code session.MirrorSession} does), and the two ticks trade keyframe requests and wanted
 * layers. Both sides run on the test thread here, so its allocation counter sees both; the wake-up of the other
 * loop (one Netty task per batch, not per packet) is a counting stub.
 */
class MirrorAllocationTest {
    private static final long SSRC = 0x1234_5678L;
    private static final int WARM_UP_PACKETS = 40_000;
    private static final int MEASURED_PACKETS = 10_000;
    private static final int PACKETS_PER_DRAIN = 4;
    private static final long TOLERANCE_BYTES = 1_024;

    @Test
    void copyingAStreamToAMirrorAllocatesNothingPerPacket() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
        threads.setThreadAllocatedMemoryEnabled(true);
        AtomicInteger wakes = new AtomicInteger();
        MirrorLink link = new MirrorLink(2048, 1, wakes::incrementAndGet);
        CountingSink toPublisher = new CountingSink();
        Publication source = publication(toPublisher);
        source.addMirror(link);
        Publication mirror = publication(new CountingSink());
        mirror.mirrorOf(link);
        Pipe pipe = new Pipe(source, mirror, link);

        pipe.run(WARM_UP_PACKETS);
        long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        pipe.run(MEASURED_PACKETS);
        long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;

        assertThat(allocated).as("bytes allocated copying %d packets to a mirror", MEASURED_PACKETS)
                .isLessThan(TOLERANCE_BYTES);
        long sent = WARM_UP_PACKETS + MEASURED_PACKETS;
        assertThat(source.tracks().get(0).packetsReceived()).isEqualTo(sent);
        assertThat(mirror.tracks().get(0).packetsReceived()).as("every packet reached the mirror").isEqualTo(sent);
        assertThat(link.dropped()).isZero();
        assertThat(wakes.get()).as("one wake-up per drained batch at most").isLessThanOrEqualTo(
                (int) (sent / PACKETS_PER_DRAIN) + 1).isPositive();
        assertThat(toPublisher.plis).as("the mirror's keyframe requests reached the publisher").isPositive();
    }

    @Test
    void aClosedLinkTakesNothingAndIsDroppedByTheSourcesTick() {
        MirrorLink link = new MirrorLink(16, 1, () -> { });
        Publication source = publication(new CountingSink());
        source.addMirror(link);
        link.close();
        RtpPacket packet = new RtpPacket();
        byte[] buf = rtp(1);
        packet.wrap(buf, 0, 12 + 100);
        source.onRtp(packet, 0, Buffers.packetArray());
        assertThat(link.queue().isEmpty()).isTrue();
        source.tick(1000, Buffers.packetArray());
        source.onRtp(packet, 1000, Buffers.packetArray());
        assertThat(link.queue().isEmpty()).isTrue();
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() {
        AtomicInteger wakes = new AtomicInteger();
        MirrorLink link = new MirrorLink(4, 1, wakes::incrementAndGet);
        Publication source = publication(new CountingSink());
        source.addMirror(link);
        RtpPacket packet = new RtpPacket();
        byte[] scratch = Buffers.packetArray();
        for (int seq = 0; seq < 10; seq++) {
            byte[] buf = rtp(seq);
            packet.wrap(buf, 0, 12 + 100);
            source.onRtp(packet, seq, scratch);
        }
        assertThat(link.dropped()).isEqualTo(6);
        assertThat(source.mirrorDropped()).isEqualTo(6);
        assertThat(wakes.get()).as("woken once: nobody drained").isEqualTo(1);
    }

    @Test
    void aDrainThatStopsWithPacketsLeftWakesItsLoopAgain() {
        AtomicInteger wakes = new AtomicInteger();
        MirrorLink link = new MirrorLink(16, 1, wakes::incrementAndGet);
        byte[] buf = rtp(1);
        for (int i = 0; i < 10; i++) {
            link.offer(buf, 0, 12 + 100);
        }
        assertThat(wakes.get()).isEqualTo(1);
        link.drainScheduled();
        for (int i = 0; i < 4; i++) {
            link.queue().pop(); // a bounded batch
        }
        link.drainAgain();
        assertThat(wakes.get()).as("six packets left: woken again").isEqualTo(2);
        link.drainAgain();
        assertThat(wakes.get()).as("already woken").isEqualTo(2);
        link.drainScheduled();
        while (!link.queue().isEmpty()) {
            link.queue().pop();
        }
        link.drainAgain();
        assertThat(wakes.get()).as("nothing left").isEqualTo(2);
    }

    private static Publication publication(RtpSink toPublisher) {
        PublishedTrack track = new PublishedTrack("0", Codec.VP8, 96, 0, new String[] {null}, new long[] {SSRC});
        return new Publication("app/room/pub_main", List.of(track), new int[] {-1}, 0, 0, 1, toPublisher);
    }

    /** A VP8 packet (a keyframe every 100) with {@code seq}, 100 bytes of payload. */
    private static byte[] rtp(int seq) {
        byte[] buf = Buffers.packetArray();
        writeHeader(buf, seq);
        return buf;
    }

    private static void writeHeader(byte[] buf, int seq) {
        buf[0] = (byte) 0x80;
        buf[1] = 96;
        buf[2] = (byte) (seq >> 8);
        buf[3] = (byte) seq;
        long ts = seq * 3000L;
        buf[4] = (byte) (ts >> 24);
        buf[5] = (byte) (ts >> 16);
        buf[6] = (byte) (ts >> 8);
        buf[7] = (byte) ts;
        buf[8] = (byte) (SSRC >> 24);
        buf[9] = (byte) (SSRC >> 16);
        buf[10] = (byte) (SSRC >> 8);
        buf[11] = (byte) SSRC;
        buf[12] = 0x10; // VP8 descriptor: start of partition
        buf[13] = (byte) (seq % 100 == 0 ? 0x00 : 0x01); // P bit clear: a keyframe
    }

    /** The two loops' work, interleaved on one thread. */
    private static final class Pipe {
        private final Publication source;
        private final Publication mirror;
        private final MirrorLink link;
        private final RtpPacket in = new RtpPacket();
        private final RtpPacket out = new RtpPacket();
        private final byte[] packetBuf = Buffers.packetArray();
        private final byte[] sourceScratch = Buffers.packetArray();
        private final byte[] mirrorScratch = Buffers.packetArray();
        private final byte[] tickScratch = Buffers.packetArray();
        private final byte[] senderReport = new byte[28];
        private int seq;
        private long now;

        Pipe(Publication source, Publication mirror, MirrorLink link) {
            this.source = source;
            this.mirror = mirror;
            this.link = link;
            senderReport[0] = (byte) 0x80;
            senderReport[1] = (byte) 200;
            senderReport[3] = 6;
            senderReport[4] = (byte) (SSRC >> 24);
            senderReport[5] = (byte) (SSRC >> 16);
            senderReport[6] = (byte) (SSRC >> 8);
            senderReport[7] = (byte) SSRC;
        }

        void run(int packets) {
            for (int i = 0; i < packets; i++) {
                writeHeader(packetBuf, seq);
                seq++;
                now += 2;
                in.wrap(packetBuf, 0, 12 + 100);
                source.onRtp(in, now, sourceScratch);
                if (seq % 500 == 0) {
                    source.onRtcp(senderReport, 0, senderReport.length, now, sourceScratch);
                }
                if (seq % PACKETS_PER_DRAIN == 0) {
                    drain();
                }
                if (seq % 10 == 0) {
                    source.tick(now, tickScratch);
                    mirror.tick(now, tickScratch);
                }
                if (seq % 1000 == 0) {
                    link.requestKeyframe(0);
                }
            }
        }

        /** What {@code MirrorSession}'s drain does on the mirror's loop. */
        private void drain() {
            link.drainScheduled();
            PacketQueue queue = link.queue();
            while (!queue.isEmpty()) {
                byte[] buf = queue.peekBuffer();
                int len = queue.peekLength();
                if (len > 1 && (buf[1] & 0xFF) >= 192 && (buf[1] & 0xFF) <= 223) {
                    mirror.onRtcp(buf, 0, len, now, mirrorScratch);
                } else if (out.wrap(buf, 0, len)) {
                    mirror.onRtp(out, now, mirrorScratch);
                }
                queue.pop();
            }
        }
    }

    /** Counts the PLIs (RFC 4585 PSFB, FMT 1) among the RTCP sent towards a publisher. */
    private static final class CountingSink implements RtpSink {
        int plis;

        @Override
        public void sendRtp(byte[] buf, int off, int len) {
        }

        @Override
        public void sendRtcp(byte[] buf, int off, int len) {
            if ((buf[off + 1] & 0xFF) == 206 && (buf[off] & 0x1F) == 1) {
                plis++;
            }
        }
    }
}

package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.lianmai.media.bwe.RembEstimate;
import io.lianmai.media.bwe.SendSideBandwidthEstimator;
import io.lianmai.media.ice.MutableClock;
import io.lianmai.wire.rtcp.ReceiverEstimatedMaximumBitrate;
import io.lianmai.wire.rtcp.ReceiverReport;
import io.lianmai.wire.rtp.AbsSendTimeExtension;
import io.lianmai.wire.rtp.Codec;
import io.lianmai.wire.rtp.RtpPacket;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * REMB through a {@link Subscription}: a player that negotiated {@code goog-remb} and not transport-cc (aiortc) gets
 * the server's own send time in abs-send-time ({@link AbsSendTimeStamper}), and the REMB its estimator sends back
 * becomes {@link Subscription#estimatedBitrate()}.
 */
class RembWiringTest {
    private static final String ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    private static final long SSRC = 0x1234_5678L;
    /** 2023-11-14T22:15:23.456Z: 1,700,000,123 s is 59 modulo 64. */
    private static final long NOW = 1_700_000_123_456L;
    private static final int AT_NOW = 59 << 18 | (int) (456L * (1 << 18) / 1000);
    private final List<byte[]> rtpSent = new ArrayList<>();
    private final RtpSink peer = new RtpSink() {
        @Override
        public void sendRtp(byte[] buf, int off, int len) {
            rtpSent.add(Arrays.copyOfRange(buf, off, off + len));
        }

        @Override
        public void sendRtcp(byte[] buf, int off, int len) {
        }
    };
    private final MutableClock clock = new MutableClock(NOW);

    @Test
    void aSubscriptionTakesItsPlayersLatestRembAsTheEstimate() {
        Subscription subscription = new Subscription("s", List.of(), peer);
        RembEstimate remb = new RembEstimate();
        subscription.estimateFromRemb(remb);
        assertThat(subscription.estimatedBitrate()).as("no REMB yet").isEqualTo(-1);

        byte[] scratch = Buffers.packetArray();
        byte[] compound = compound(remb(1_234_567, SSRC));
        subscription.onRtcp(compound, 0, compound.length, 100, scratch);
        assertThat(subscription.estimatedBitrate()).isEqualTo(1_234_567 & ~0x7);
        byte[] lower = remb(300_000, SSRC);
        subscription.onRtcp(lower, 0, lower.length, 600, scratch);
        assertThat(subscription.estimatedBitrate()).isEqualTo(300_000);
        assertThat(remb.lastReportMillis()).isEqualTo(600);
        assertThat(remb.reports()).isEqualTo(2);

        // Long silence keeps the last value.
        subscription.tick(60_000, scratch);
        assertThat(subscription.estimatedBitrate()).isEqualTo(300_000);
    }

    @Test
    void malformedRembIsCountedAndIgnored() {
        Subscription subscription = new Subscription("s", List.of(), peer);
        RembEstimate remb = new RembEstimate();
        subscription.estimateFromRemb(remb);
        byte[] scratch = Buffers.packetArray();

        byte[] badCount = remb(900_000, SSRC);
        badCount[16] = 9; // nine SSRCs announced, one present
        subscription.onRtcp(compound(badCount), 0, compound(badCount).length, 10, scratch);
        byte[] notRemb = remb(900_000, SSRC);
        notRemb[15] = 'X'; // "REMX": another application's feedback
        subscription.onRtcp(notRemb, 0, notRemb.length, 20, scratch);

        assertThat(subscription.estimatedBitrate()).isEqualTo(-1);
        assertThat(remb.ignored()).isEqualTo(2);
        assertThat(remb.reports()).isZero();
    }

    @Test
    void aTransportCcPlayersEstimateIsTheServersAndItsRembIsNotRead() {
        Subscription subscription = new Subscription("s", List.of(), peer);
        subscription.estimateBandwidth(new SendSideBandwidthEstimator());
        byte[] packet = remb(5_000_000, SSRC);
        subscription.onRtcp(packet, 0, packet.length, 10, Buffers.packetArray());
        assertThat(subscription.estimatedBitrate()).isEqualTo(SendSideBandwidthEstimator.START_BPS);
        assertThat(subscription.rembEstimate()).isNull();
    }

    @Test
    void withoutEitherThereIsNoEstimate() {
        Subscription subscription = new Subscription("s", List.of(), peer);
        byte[] packet = remb(5_000_000, SSRC);
        subscription.onRtcp(packet, 0, packet.length, 10, Buffers.packetArray());
        assertThat(subscription.estimatedBitrate()).isEqualTo(-1);
    }

    @Property(tries = 2000)
    void garbageRtcpNeverThrowsNorMakesUpAnEstimate(@ForAll @Size(max = 80) byte[] garbage) {
        Subscription subscription = new Subscription("s", List.of(), peer);
        RembEstimate remb = new RembEstimate();
        subscription.estimateFromRemb(remb);
        // Garbage after a valid PSFB header with the REMB identifier, so that the REMB branch sees it.
        byte[] packet = Arrays.copyOf(remb(0), 20 + garbage.length);
        System.arraycopy(garbage, 0, packet, 16, garbage.length);
        subscription.onRtcp(packet, 0, packet.length, 1, Buffers.packetArray());
        subscription.onRtcp(garbage, 0, garbage.length, 2, Buffers.packetArray());
        assertThat(subscription.estimatedBitrate() == -1).isEqualTo(remb.reports() == 0);
    }

    @Test
    void theStamperOverwritesThePublishersSendTimeWithTheServers() {
        // The publisher's abs-send-time (its id 2) reaches the player under the player's id 3 with the server's time.
        PublishedTrack track = new PublishedTrack("0", Codec.OPUS, 111, 0, new String[] {null}, new long[] {SSRC});
        DownTrack downTrack = new DownTrack(track, 0x5555, 109,
                ExtensionIdMap.between(Map.of(ABS_SEND_TIME, 2), Map.of(ABS_SEND_TIME, 3), Set.of(3)),
                new AbsSendTimeStamper(peer, 3, clock));
        track.addDownTrack(downTrack);
        byte[] scratch = Buffers.packetArray();
        RtpPacket packet = new RtpPacket();
        byte[] bytes = rtp(700, 2, 0x0ABCDE);
        bytes[1] = 111; // Opus: forwarded at once, no keyframe to wait for
        packet.wrap(bytes, 0, bytes.length);
        track.onRtp(packet, track.layers()[0], NOW, scratch);

        assertThat(rtpSent).hasSize(1);
        RtpPacket out = new RtpPacket();
        assertThat(out.wrap(rtpSent.get(0), 0, rtpSent.get(0).length)).isTrue();
        assertThat(AbsSendTimeExtension.read(out, 3)).isEqualTo(AT_NOW);
        assertThat(out.length()).as("rewritten in place").isEqualTo(bytes.length);
    }

    @Test
    void theStamperAddsTheElementWherePacketsHaveNone() {
        AbsSendTimeStamper stamper = new AbsSendTimeStamper(peer, 3, clock);
        byte[] withBlock = Arrays.copyOf(rtp(1, 1, 0), Buffers.CAPACITY); // id 1 (mid) only
        int blockLength = rtp(1, 1, 0).length;
        stamper.sendRtp(withBlock, 0, blockLength);
        byte[] bare = rtp(2, 1, 0);
        bare[0] = (byte) 0x80; // no extension block
        byte[] noBlock = Arrays.copyOf(bare, Buffers.CAPACITY);
        clock.set(NOW + 1000);
        stamper.sendRtp(noBlock, 0, bare.length);

        RtpPacket out = new RtpPacket();
        assertThat(rtpSent.get(0).length).isEqualTo(blockLength + 4);
        assertThat(out.wrap(rtpSent.get(0), 0, rtpSent.get(0).length)).isTrue();
        assertThat(AbsSendTimeExtension.read(out, 3)).isEqualTo(AT_NOW);
        assertThat(rtpSent.get(1).length).isEqualTo(bare.length + 8);
        assertThat(out.wrap(rtpSent.get(1), 0, rtpSent.get(1).length)).isTrue();
        assertThat(AbsSendTimeExtension.read(out, 3)).as("one second later").isEqualTo(AT_NOW + (1 << 18) & 0xFFFFFF);
        assertThat(out.payloadLength()).isEqualTo(bare.length - 12);
        assertThat(stamper.stamped()).isEqualTo(2);

        // No room to grow (a full-size packet in an exact-size array): sent as it is, counted.
        byte[] full = Arrays.copyOf(bare, bare.length);
        stamper.sendRtp(full, 0, full.length);
        assertThat(rtpSent.get(2)).isEqualTo(bare);
        assertThat(stamper.unstamped()).isEqualTo(1);
    }

    @Test
    void theSendTimeWrapsEvery64Seconds() {
        AbsSendTimeStamper stamper = new AbsSendTimeStamper(peer, 2, clock);
        clock.set(64_000L * 1000 + 250); // a whole number of 64 s periods, plus a quarter second
        byte[] packet = rtp(1, 2, 0xFFFFFF);
        stamper.sendRtp(packet, 0, packet.length);
        RtpPacket out = new RtpPacket();
        out.wrap(rtpSent.get(0), 0, rtpSent.get(0).length);
        assertThat(AbsSendTimeExtension.read(out, 2)).isEqualTo(1 << 16);
    }

    @Test
    void stampingAndReadingRembAllocateNothing() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
        threads.setThreadAllocatedMemoryEnabled(true);
        RtpSink discard = new RtpSink() {
            @Override
            public void sendRtp(byte[] buf, int off, int len) {
            }

            @Override
            public void sendRtcp(byte[] buf, int off, int len) {
            }
        };
        AbsSendTimeStamper stamper = new AbsSendTimeStamper(discard, 3, clock);
        Subscription subscription = new Subscription("s", List.of(), discard);
        subscription.estimateFromRemb(new RembEstimate());
        byte[] scratch = Buffers.packetArray();
        byte[] template = rtp(1, 1, 0);
        byte[] buf = Buffers.packetArray();
        byte[] rtcp = compound(remb(1_000_000, SSRC));
        long thread = Thread.currentThread().getId();
        long before = 0;
        for (int round = 0; round < 2; round++) {
            if (round == 1) {
                before = threads.getThreadAllocatedBytes(thread);
            }
            for (int i = 0; i < 50_000; i++) {
                clock.set(NOW + i);
                System.arraycopy(template, 0, buf, 0, template.length);
                stamper.sendRtp(buf, 0, template.length); // adds the element
                stamper.sendRtp(buf, 0, template.length + 4); // rewrites it
                subscription.onRtcp(rtcp, 0, rtcp.length, NOW + i, scratch);
            }
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertThat(allocated).as("bytes allocated for 100,000 stamps and 50,000 REMBs").isLessThan(1024);
        assertThat(stamper.stamped()).isEqualTo(200_000);
        assertThat(subscription.rembEstimate().reports()).isEqualTo(100_000);
    }

    /** A receiver report followed by {@code feedback}, as players send RTCP. */
    private static byte[] compound(byte[] feedback) {
        byte[] rr = new byte[8];
        ReceiverReport.write(rr, 0, 0xABCD, 0);
        byte[] out = Arrays.copyOf(rr, rr.length + feedback.length);
        System.arraycopy(feedback, 0, out, rr.length, feedback.length);
        return out;
    }

    private static byte[] remb(long bitrate, long... ssrcs) {
        byte[] packet = new byte[ReceiverEstimatedMaximumBitrate.lengthFor(ssrcs.length)];
        ReceiverEstimatedMaximumBitrate.write(packet, 0, 0xABCD, bitrate, ssrcs, 0, ssrcs.length);
        return packet;
    }

    /**
     * A VP8 keyframe packet (payload type 96) with a one-byte extension block holding element {@code id}: 3 bytes
     * of {@code value} when {@code id} is an abs-send-time id (2 or 3), else 1 byte (a mid).
     */
    private static byte[] rtp(int seq, int id, int value) {
        boolean absSendTime = id == 2 || id == 3;
        byte[] b = new byte[Buffers.CAPACITY];
        RtpPacket.writeFixedHeader(b, 0, true, 96, seq, seq, SSRC);
        b[12] = 0x10; // VP8 descriptor: S=1, partition 0
        b[13] = 0x00; // payload header: P=0, a keyframe
        RtpPacket packet = new RtpPacket();
        packet.wrap(b, 0, 12 + 20);
        int at = packet.addExtension(id, absSendTime ? AbsSendTimeExtension.LENGTH : 1, b.length);
        if (absSendTime) {
            AbsSendTimeExtension.write(packet, id, value);
        } else {
            b[at] = '1';
        }
        return Arrays.copyOf(b, packet.length());
    }
}

package io.lianmai.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.lianmai.common.BigEndian;
import io.lianmai.media.dtls.DtlsConfig;
import io.lianmai.media.dtls.DtlsContext;
import io.lianmai.wire.rtcp.GenericNack;
import io.lianmai.media.srtp.SrtpContext;
import io.lianmai.media.srtp.SrtpMasterKey;
import io.lianmai.media.srtp.SrtpProfile;
import io.lianmai.wire.rtp.RtpPacket;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The load generator's own per-packet work allocates nothing, so that its garbage does not compete with the server
 * on a shared machine: a publisher sending audio and video (RTP written, held in and released by its pacer,
 * SRTP-protected, kept for RTX, impaired) and answering NACKs with RTX through the pacer, and a subscriber taking
 * packets in with gaps (loss and NACK bookkeeping, latency histograms, transport-wide sequence numbers recorded and
 * transport-cc feedback written, probe padding counted, NACKs and receiver reports written and protected). Only the
 * socket is missing; Netty's own per-datagram objects are not counted.
 */
class GeneratorAllocationTest {
    private static final long MS = 1_000_000L;
    private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int TRANSPORT_CC_ID = 4;
    private final RtpPacket view = new RtpPacket();
    private byte[] sink;

    @Test
    void theMeterSeesAnAllocation() {
        long before = threads.getCurrentThreadAllocatedBytes();
        sink = new byte[4096];
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).isGreaterThanOrEqualTo(4096);
    }

    @Test
    void pacedPublisherAndSubscriberPacketPathsAllocateNothing() {
        // A 5 ms burst interval (1,563 bytes at 2.5 Mbit/s) makes every frame, not only keyframes, wait in the pacer.
        PublisherPeer publisher = run(new Pacing(Pacing.DEFAULT_FACTOR, Duration.ofMillis(5)));
        assertThat(publisher.windowPacerHeld()).as("packets that waited in the pacer").isGreaterThan(1_000);
        assertThat(publisher.windowPacerOverflows()).isZero();
    }

    @Test
    void unpacedPublisherAndSubscriberPacketPathsAllocateNothing() {
        PublisherPeer publisher = run(Pacing.OFF);
        assertThat(publisher.windowPacerHeld()).isZero();
    }

    /** Adds the next transport-wide sequence number, as the server stamps every packet to a player. */
    private int numbered(byte[] buf, int len, int[] counter) {
        view.wrap(buf, 0, len);
        int at = view.addExtension(TRANSPORT_CC_ID, 2, buf.length - 64);
        BigEndian.put16(buf, at, counter[0]++ & 0xFFFF);
        return view.length();
    }

    /** A padding-only RTX packet, as the server's probes send. */
    private static int padding(byte[] buf) {
        RtpPacket.writeFixedHeader(buf, 0, false, 97, 1, 0, 21);
        buf[0] |= 0x20;
        int len = RtpPacket.FIXED_HEADER_LENGTH + 200;
        Arrays.fill(buf, RtpPacket.FIXED_HEADER_LENGTH, len, (byte) 0);
        buf[len - 1] = (byte) 200;
        return len;
    }

    private PublisherPeer run(Pacing pacing) {
        DtlsContext dtls = DtlsContext.withNewCertificate(DtlsConfig.DEFAULT, Runnable::run, Clock.systemUTC());
        ClientLoop loop = new ClientLoop(null);
        SecureRandom random = new SecureRandom();
        Impairment impairment = new Impairment(0.05, 0, 0.01, true, false);
        MediaShape shape = new MediaShape(48_000, 1_000_000, 30, Duration.ofSeconds(2), 1, false);
        PublisherPeer publisher = new PublisherPeer(loop, "pub", shape, pacing, impairment, dtls, random, 1);
        SubscriberPeer subscriber = new SubscriberPeer(loop, "sub", "pub_main", 200 * MS, true, Impairment.NONE, dtls,
                random, 2);
        SrtpMasterKey key = SrtpMasterKey.of(SrtpProfile.AES128_CM_HMAC_SHA1_80, new byte[16], new byte[14]);
        publisher.outbound = SrtpContext.create(key);
        subscriber.outbound = SrtpContext.create(key);
        subscriber.acceptPayloadTypes(new int[] {111}, new int[] {96}, new int[] {97});
        subscriber.acceptTransportCc(TRANSPORT_CC_ID);
        publisher.onConnected(0);
        subscriber.markWindowStart();
        // What the subscriber receives: the publisher's plain packets, every 37th missing.
        byte[] copy = new byte[SyntheticStream.BUFFER_LENGTH];
        SyntheticStream audio = new SyntheticStream(false, false, 10, -1, 111, -1, '0', new java.util.Random(1));
        SyntheticStream video = new SyntheticStream(true, false, 20, 21, 96, 97, '1', new java.util.Random(2));

        // What the publisher receives: a NACK for a few of its recent video packets every 100 ms.
        SyntheticStream sent = publisher.videoLayer(0);
        byte[] nack = new byte[SyntheticStream.BUFFER_LENGTH];
        int[] lost = new int[3];

        long[] now = {0};
        int[] written = {0};
        Runnable second = () -> {
            for (int tick = 0; tick < 500; tick++) {
                now[0] += ClientLoop.TICK_NANOS;
                publisher.onTick(now[0]);
                subscriber.onTick(now[0]);
                if (tick % 50 == 25) {
                    int next = sent.nextSequenceNumber();
                    for (int i = 0; i < lost.length; i++) {
                        lost[i] = (next - 40 + 7 * i) & 0xFFFF;
                    }
                    int len = GenericNack.write(nack, 0, 1, sent.ssrc(), lost, 0, lost.length);
                    publisher.onRtcp(nack, len, now[0]);
                }
                if (tick % 10 == 0) {
                    int len = audio.writeAudio(copy, 120, now[0] - MS);
                    subscriber.onRtp(copy, numbered(copy, len, written), now[0]);
                }
                if (tick % 50 == 5) {
                    int len = padding(copy);
                    subscriber.onRtp(copy, numbered(copy, len, written), now[0]);
                }
                if (tick % 16 == 0) {
                    video.startFrame(tick % 480 == 0, 4000, 3000);
                    int len;
                    while ((len = video.writeVideo(copy, now[0] - MS)) > 0) {
                        len = numbered(copy, len, written);
                        if (written[0] % 37 != 0) {
                            subscriber.onRtp(copy, len, now[0]);
                        }
                    }
                }
            }
        };
        for (int i = 0; i < 20; i++) {
            second.run();
        }
        // The best of three 10 s windows: a per-packet allocation shows in every one, while the JIT's own work on this
        // thread (tier transitions, recompiling after a deoptimisation) can show as a few hundred bytes at random.
        long allocated = Long.MAX_VALUE;
        for (int window = 0; window < 3; window++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10; i++) {
                second.run();
            }
            allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
        }

        assertThat(publisher.packetsSent()).as("the publisher sent").isGreaterThan(5_000);
        assertThat(publisher.retransmitted()).as("RTX for the NACKs").isGreaterThan(500);
        assertThat(subscriber.result().nackPackets()).as("the subscriber NACKed gaps").isPositive();
        assertThat(subscriber.feedbacksSent()).as("transport-cc feedback written").isPositive();
        assertThat(subscriber.result().paddingPackets()).as("probe padding counted").isPositive();
        assertThat(loop.latency.getTotalCount()).isPositive();
        assertThat(allocated).as("bytes allocated over 10 simulated seconds, best of 3, " + Arrays.toString(new long[] {
            publisher.packetsSent(), subscriber.result().packets()}) + " packets").isLessThan(1024);
        return publisher;
    }
}

package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.media.bwe.PathQuality;
import io.lianmai.media.ice.MutableClock;
import io.lianmai.wire.rtp.PlayoutDelayExtension;
import io.lianmai.wire.rtp.RtpPacket;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A lossy player is asked to hold its frames for their repairs: two round trips and a frame, within the bounds, only
 * while it loses, reset when it stops; packets that cannot grow go on unchanged.
 */
class PlayoutDelayStamperTest {
    private static final int ID = 5;
    private static final long NOW = 1_000_000;
    private final MutableClock clock = new MutableClock(NOW);
    private final Path path = new Path();
    private final List<byte[]> sent = new ArrayList<>();
    private final RtpSink peer = new RtpSink() {
        @Override
        public void sendRtp(byte[] buf, int off, int len) {
            sent.add(Arrays.copyOfRange(buf, off, off + len));
        }

        @Override
        public void sendRtcp(byte[] buf, int off, int len) {
        }
    };
    private final PlayoutDelayStamper stamper = new PlayoutDelayStamper(peer, ID, path, clock, 500);
    private int seq;

    @Test
    void aCleanPathGetsNothing() {
        path.loss = 0.005;
        path.rttMillis = 120;
        for (int i = 0; i < 200; i++) {
            send();
            clock.set(clock.millis() + 20);
        }
        assertThat(sent).allSatisfy(packet -> assertThat(min(packet)).isEqualTo(-1));
        assertThat(stamper.delayMillis()).isZero();
    }

    @Test
    void aLossyPathIsAskedForTwoRoundTripsAndAFrameUntilItHasStayedCleanFor10s() {
        path.loss = 0.05;
        path.rttMillis = 120;
        send();
        assertThat(min(last())).as("2 × 120 + 50 ms").isEqualTo(290);
        assertThat(max(last())).as("libwebrtc's own maximum").isEqualTo(10_000);
        assertThat(stamper.turnedOn()).isEqualTo(1);

        path.rttMillis = 400; // the bottleneck's queue: capped at 500
        clock.set(NOW + 1000);
        send();
        assertThat(min(last())).isEqualTo(500);

        path.loss = 0.0; // clean, but not for long enough yet
        path.rttMillis = 20;
        clock.set(NOW + 2000);
        send();
        clock.set(NOW + 11_000);
        send();
        assertThat(min(last())).as("the floor while on").isEqualTo(100);
        path.loss = 0.015; // between the bounds: neither clean nor lossy, the clean period starts again
        clock.set(NOW + 12_000);
        send();
        path.loss = 0.0;
        clock.set(NOW + 13_000);
        send();
        clock.set(NOW + 22_000);
        send();
        assertThat(stamper.delayMillis()).isPositive();

        clock.set(NOW + 23_000);
        send();
        assertThat(stamper.delayMillis()).isZero();
        assertThat(min(last())).as("reset: the receiver goes back to its own delay").isEqualTo(0);
        assertThat(max(last())).isEqualTo(10_000);
        clock.set(NOW + 23_000 + PlayoutDelayStamper.RESET_MILLIS);
        send();
        assertThat(min(last())).as("then nothing").isEqualTo(-1);
        assertThat(stamper.turnedOn()).isEqualTo(1);
    }

    @Test
    void theElementIsRewrittenInPlaceWhereItIsAndAPacketThatCannotGrowGoesOnUnchanged() {
        path.loss = 0.1;
        path.rttMillis = 10;
        byte[] withElement = packet(true);
        RtpPacket view = new RtpPacket();
        view.wrap(withElement, 0, 12 + 8 + 20);
        int before = view.length();
        stamper.sendRtp(withElement, 0, before);
        assertThat(last()).hasSize(before);
        assertThat(min(last())).isEqualTo(PlayoutDelayStamper.MIN_DELAY_MILLIS);

        byte[] exact = Arrays.copyOf(packet(false), 12 + 20);
        byte[] original = exact.clone();
        stamper.sendRtp(exact, 0, exact.length);
        assertThat(last()).isEqualTo(original);
        assertThat(stamper.unstamped()).isEqualTo(1);
        assertThat(stamper.stamped()).isEqualTo(1);
    }

    @Test
    void stampingAllocatesNothing() {
        RtpSink discard = new RtpSink() {
            @Override
            public void sendRtp(byte[] buf, int off, int len) {
            }

            @Override
            public void sendRtcp(byte[] buf, int off, int len) {
            }
        };
        path.loss = 0.05;
        PlayoutDelayStamper quiet = new PlayoutDelayStamper(discard, ID, path, clock, 500);
        byte[] packet = packet(false);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        for (int i = 0; i < 20_000; i++) { // warm-up
            quiet.sendRtp(packet, 0, 12 + 20);
            clock.set(clock.millis() + 1);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            quiet.sendRtp(packet, 0, 12 + 20); // a packet without the element: grown each time
            clock.set(clock.millis() + 1);
        }
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).isZero();
    }

    private void send() {
        byte[] packet = packet(false);
        stamper.sendRtp(packet, 0, 12 + 20);
    }

    private byte[] last() {
        return sent.get(sent.size() - 1);
    }

    /** A VP8 packet with 20 payload bytes in a buffer with room to grow, with or without the element. */
    private byte[] packet(boolean withElement) {
        byte[] b = new byte[Buffers.CAPACITY];
        RtpPacket.writeFixedHeader(b, 0, true, 96, seq, seq * 3000L, 0x1234);
        seq++;
        if (withElement) {
            RtpPacket packet = new RtpPacket();
            packet.wrap(b, 0, 12 + 20);
            packet.addExtension(ID, PlayoutDelayExtension.LENGTH, b.length);
        }
        return b;
    }

    private static int min(byte[] packet) {
        RtpPacket view = new RtpPacket();
        assertThat(view.wrap(packet, 0, packet.length)).isTrue();
        return PlayoutDelayExtension.minMillis(view, ID);
    }

    private static int max(byte[] packet) {
        RtpPacket view = new RtpPacket();
        assertThat(view.wrap(packet, 0, packet.length)).isTrue();
        return PlayoutDelayExtension.maxMillis(view, ID);
    }

    /** A player's path as its feedback describes it. */
    private static final class Path implements PathQuality {
        double loss;
        long rttMillis = 100;

        @Override
        public double lossFraction() {
            return loss;
        }

        @Override
        public long feedbackRttMicros() {
            return rttMillis * 1000;
        }
    }
}

package io.lianmai.bench.media.bwe;

import io.lianmai.media.bwe.ReceiveSideEstimator;
import io.lianmai.media.bwe.SendSideBandwidthEstimator;
import io.lianmai.media.bwe.TransportFeedbackGenerator;
import io.lianmai.wire.rtp.AbsSendTimeExtension;
import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.wire.rtp.TransportSequenceNumberExtension;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What transport-wide congestion control costs per packet, as the media loop pays it: on the publisher side,
 * recording an arrival and (amortised) writing the feedback; on the player side, numbering a packet and (amortised)
 * reading the player's feedback into the estimator; for a publisher that offers only REMB, the server's own
 * receive-side estimate of its uplink per packet and (amortised) the REMB it is due. Each invocation is one 20 ms
 * tick's worth of a 2.5 Mbit/s video stream: {@link #PACKETS} packets then one feedback. Run with {@code -prof gc}:
 * B/op must stay ~0.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BandwidthEstimationBenchmark {
    /** Packets per 20 ms at 2.5 Mbit/s in 1,200-byte packets. */
    static final int PACKETS = 5;
    private static final int TRANSPORT_CC_ID = 3;
    private static final int ABS_SEND_TIME_ID = 2;

    private long nowMillis;
    private int publisherSequence;
    private final TransportFeedbackGenerator publisherSide = new TransportFeedbackGenerator(1);
    private final SendSideBandwidthEstimator playerSide = new SendSideBandwidthEstimator();
    private final TransportFeedbackGenerator playerBrowser = new TransportFeedbackGenerator(2);
    private final ReceiveSideEstimator rembPublisherSide = new ReceiveSideEstimator();
    private final RtpPacket packet = new RtpPacket();
    private final byte[] buffer = new byte[1200];
    private final RtpPacket absPacket = new RtpPacket();
    private final byte[] absBuffer = new byte[1200];
    private final byte[] feedback = new byte[1500];
    private final TransportFeedbackGenerator.FeedbackSink dropFeedback = (buf, off, len) -> { };
    private final TransportFeedbackGenerator.FeedbackSink toEstimator =
            (buf, off, len) -> playerSide.onFeedback(buf, off, len, nowMillis);

    @Setup
    public void buildPacket() {
        buffer[0] = (byte) 0x90;
        buffer[1] = 96;
        buffer[12] = (byte) 0xBE;
        buffer[13] = (byte) 0xDE;
        buffer[15] = 1;
        buffer[16] = (byte) (TRANSPORT_CC_ID << 4 | 1);
        if (!packet.wrap(buffer, 0, buffer.length)) {
            throw new IllegalStateException("benchmark packet does not parse");
        }
        absBuffer[0] = (byte) 0x90;
        absBuffer[1] = 96;
        absBuffer[12] = (byte) 0xBE;
        absBuffer[13] = (byte) 0xDE;
        absBuffer[15] = 1;
        absBuffer[16] = (byte) (ABS_SEND_TIME_ID << 4 | 2);
        if (!absPacket.wrap(absBuffer, 0, absBuffer.length)
                || !AbsSendTimeExtension.write(absPacket, ABS_SEND_TIME_ID, 0)) {
            throw new IllegalStateException("benchmark abs-send-time packet does not parse");
        }
    }

    /** Publisher side: five arrivals recorded, then the feedback written (the tick). */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public int feedbackToPublisher() {
        nowMillis += 20;
        for (int i = 0; i < PACKETS; i++) {
            publisherSide.onPacket(publisherSequence++ & 0xFFFF, nowMillis - 20 + i * 4);
        }
        nowMillis += TransportFeedbackGenerator.INTERVAL_MILLIS;
        return publisherSide.sendDue(nowMillis, 3, feedback, dropFeedback);
    }

    /**
     * A REMB-only publisher: five packets (their abs-send-time written as the publisher would, 4 ms apart, then
     * read as {@code Publication.onRtp} does) fed to the receive-side estimator, each followed by the check for a
     * due REMB (its writing is not included: one a second).
     */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long estimateRembPublisher() {
        nowMillis += 20;
        long bitrate = 0;
        for (int i = 0; i < PACKETS; i++) {
            long sent = nowMillis - 20 + i * 4;
            AbsSendTimeExtension.write(absPacket, ABS_SEND_TIME_ID, AbsSendTimeExtension.fromNanos(sent * 1_000_000));
            rembPublisherSide.onPacket(AbsSendTimeExtension.read(absPacket, ABS_SEND_TIME_ID), absBuffer.length,
                    sent + 15);
            bitrate += rembPublisherSide.pollRemb(sent + 15);
        }
        return bitrate;
    }

    /** Player side: five packets numbered (as the stamper does), their arrival fed back, the estimator updated. */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long estimatePlayer() {
        nowMillis += TransportFeedbackGenerator.INTERVAL_MILLIS;
        for (int i = 0; i < PACKETS; i++) {
            packet.wrap(buffer, 0, buffer.length);
            playerSide.stamp(packet, TRANSPORT_CC_ID, buffer.length, nowMillis + i * 4);
            playerBrowser.onPacket(TransportSequenceNumberExtension.read(packet, TRANSPORT_CC_ID),
                    nowMillis + i * 4 + 20);
        }
        playerBrowser.sendDue(nowMillis + 40, 4, feedback, toEstimator);
        return playerSide.targetBitrate();
    }
}

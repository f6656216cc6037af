package io.lianmai.bench.media.rtp;

import io.lianmai.wire.rtp.AbsSendTimeExtension;
import io.lianmai.wire.rtp.Codec;
import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.wire.rtp.TransportSequenceNumberExtension;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-packet work of the SFU's forward path on a 1200-byte video packet in a pooled buffer: wrap the view, read
 * the transport-wide sequence number, rewrite sequence number, timestamp and SSRC for the subscriber, and stamp the
 * subscriber's transport-wide sequence number and abs-send-time. Run with {@code -prof gc}: B/op must stay ~0.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RtpRewriteBenchmark {
    private static final int PACKET_LENGTH = 1200;
    /** Room before the packet for TURN/ICE-TCP framing and after it for the SRTP auth tag, as the pool leaves. */
    private static final int HEADROOM = 32;
    private static final int TAILROOM = 32;
    private static final int ABS_SEND_TIME_ID = 2;
    private static final int TRANSPORT_CC_ID = 3;

    private final RtpPacket packet = new RtpPacket();
    private final byte[] buffer = new byte[HEADROOM + PACKET_LENGTH + TAILROOM];
    private int subscriberTransportSequence;
    private long nowNanos;

    @Setup
    public void buildPacket() {
        byte[] header = {
            (byte) 0x90, 96, 0x12, 0x34, 0x00, 0x01, (byte) 0xe2, 0x40, 0x0a, 0x0b, 0x0c, 0x0d,
            // one-byte extensions: abs-send-time (2), transport-wide-cc (3), mid (4) "1", padding
            (byte) 0xbe, (byte) 0xde, 0x00, 0x03,
            0x22, 0x12, 0x34, 0x56, 0x31, 0x04, (byte) 0xd2, 0x40, 0x31, 0x00, 0x00, 0x00,
            // VP8 payload descriptor: X S, I, 15-bit picture id
            (byte) 0x90, (byte) 0x80, (byte) 0x80, 0x2a,
        };
        System.arraycopy(header, 0, buffer, HEADROOM, header.length);
        for (int i = HEADROOM + header.length; i < HEADROOM + PACKET_LENGTH; i++) {
            buffer[i] = (byte) (i * 31);
        }
        if (!packet.wrap(buffer, HEADROOM, PACKET_LENGTH)) {
            throw new IllegalStateException("benchmark packet does not parse");
        }
    }

    /** Wrap, read the transport-wide sequence number, rewrite seq/ts/SSRC. */
    @Benchmark
    public long rewrite() {
        packet.wrap(buffer, HEADROOM, PACKET_LENGTH);
        int publisherTransportSequence = TransportSequenceNumberExtension.read(packet, TRANSPORT_CC_ID);
        packet.setSequenceNumber(packet.sequenceNumber() + 1);
        packet.setTimestamp(packet.timestamp() + 3000);
        packet.setSsrc(0x5e3c91a7L);
        return publisherTransportSequence + packet.payloadLength();
    }

    /** {@link #rewrite()} plus what a real forward adds: keyframe check and re-stamped transport extensions. */
    @Benchmark
    public long rewriteAndStamp() {
        packet.wrap(buffer, HEADROOM, PACKET_LENGTH);
        int publisherTransportSequence = TransportSequenceNumberExtension.read(packet, TRANSPORT_CC_ID);
        boolean keyframe = Codec.VP8.isKeyframe(packet);
        packet.setSequenceNumber(packet.sequenceNumber() + 1);
        packet.setTimestamp(packet.timestamp() + 3000);
        packet.setSsrc(0x5e3c91a7L);
        TransportSequenceNumberExtension.write(packet, TRANSPORT_CC_ID, subscriberTransportSequence++);
        nowNanos += 1_000_000;
        AbsSendTimeExtension.write(packet, ABS_SEND_TIME_ID, AbsSendTimeExtension.fromNanos(nowNanos));
        return publisherTransportSequence + (keyframe ? 1 : 0);
    }
}

package io.lianmai.wire.rtp;

import io.lianmai.testkit.Hex;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.lianmai.testkit.Hex;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The parse/rewrite path allocates nothing: measured with the JVM's per-thread allocation counter. */
class RtpZeroAllocationTest {
    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 10_000;
    /** Slack for the measurement itself; the path allocating even one object per packet would be 160,000+ bytes. */
    private static final long TOLERANCE_BYTES = 1_024;

    private final RtpPacket packet = new RtpPacket();
    private final HeaderExtensionIterator elements = new HeaderExtensionIterator();
    private final SequenceNumberUnwrapper unwrapper = new SequenceNumberUnwrapper();
    private final RtpStreamStatistics stats = new RtpStreamStatistics(0x5e3c91a7L, 48_000);
    private final byte[] mid = MidExtension.encode("0");
    private final byte[][] rids = {RtpStreamIdExtension.encode("q"), RtpStreamIdExtension.encode("h")};
    private final byte[] opus = Hex.bytes(RtpPacketTest.OPUS_WITH_EXTENSIONS);
    private final byte[] vp8 = Hex.bytes(RtpPacketTest.VP8_KEYFRAME_START);
    private final byte[] h264 = new RtpBuilder().payload(Hex.bytes("7c 85 88 84 00")).build();
    private final byte[] rtx = new byte[1500];
    private long sink;

    @Test
    void forwardPathAllocatesNothing() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
        threads.setThreadAllocatedMemoryEnabled(true);

        for (int i = 0; i < WARM_UP; i++) {
            forward(i);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < MEASURED; i++) {
            forward(i);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(sink).isNotZero();
        assertThat(allocated).as("bytes allocated by %d packets", MEASURED).isLessThan(TOLERANCE_BYTES);
    }

    private void forward(int i) {
        packet.wrap(opus, 0, opus.length);
        int level = AudioLevelExtension.read(packet, 1);
        int tcc = TransportSequenceNumberExtension.read(packet, 3);
        boolean fromMid = MidExtension.matches(packet, 4, mid);
        int layer = RtpStreamIdExtension.indexOf(packet, 10, rids);
        long extended = unwrapper.unwrap(packet.sequenceNumber() + i);
        stats.onPacket(packet.sequenceNumber() + i, packet.timestamp() + 960L * i, packet.payloadLength(),
                20_000_000L * i);
        packet.setSequenceNumber(i);
        packet.setTimestamp(packet.timestamp() + 960);
        packet.setSsrc(0x1234_5678L);
        packet.setPayloadType(111);
        packet.setMarker(false);
        TransportSequenceNumberExtension.write(packet, 3, tcc + 1);
        AbsSendTimeExtension.write(packet, 2, AbsSendTimeExtension.fromNanos(i * 1_000_000L));
        elements.reset(packet);
        while (elements.next()) {
            sink += elements.id();
        }

        packet.wrap(vp8, 0, vp8.length);
        boolean key = Codec.VP8.isKeyframe(packet) && Codec.VP8.isStartOfFrame(packet);
        int rtxLength = RtxPacket.build(packet, rtx, 100, 0x9999L, 97, i);
        packet.wrap(rtx, 100, rtxLength);
        RtxPacket.restoreOriginal(packet, 0x0a0b0c0dL, 96);

        packet.wrap(h264, 0, h264.length);
        key &= Codec.H264.isKeyframe(packet);
        key &= !Codec.VP9.isKeyframe(packet) && !Codec.AV1.isStartOfFrame(packet);

        sink += level + tcc + (fromMid ? 1 : 0) + layer + extended + (key ? 1 : 0) + stats.jitter();
    }
}

package io.lianmai.media.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Steady-state protect and unprotect allocate nothing, measured with the thread's allocation counter. */
class SrtpAllocationTest {
    private static final int WARM_UP = 30_000;
    private static final int MEASURED = 10_000;
    /** The measuring calls themselves; anything per packet would show as ≥ MEASURED bytes. */
    private static final long TOLERANCE_BYTES = 512;

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void steadyStateRtpAndRtcpAllocateNothing(SrtpProfile profile) {
        com.sun.management.ThreadMXBean threads = threadBean();
        SrtpContext sender = SrtpContext.create(SrtpPackets.key(profile));
        SrtpContext receiver = SrtpContext.create(SrtpPackets.key(profile));
        byte[] video = SrtpPackets.rtp(0, 0x1234, 1200, 1);
        byte[] audio = SrtpPackets.rtp(0, 0x5678, 160, 2);
        byte[] rtcp = SrtpPackets.rtcp(0x1234, 52);

        run(sender, receiver, video, audio, rtcp, 0, WARM_UP);
        long before = threads.getCurrentThreadAllocatedBytes();
        int checksum = run(sender, receiver, video, audio, rtcp, WARM_UP, MEASURED);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(checksum).isEqualTo(MEASURED * (1212 + 172 + 60));
        assertThat(allocated).as("bytes allocated by %d × (2 RTP + 1 RTCP) round trips", MEASURED)
                .isLessThan(TOLERANCE_BYTES);
    }

    private static int run(SrtpContext sender, SrtpContext receiver, byte[] video, byte[] audio, byte[] rtcp,
            int firstSeq, int count) {
        int sum = 0;
        for (int i = 0; i < count; i++) {
            int seq = firstSeq + i;
            sum += roundTripRtp(sender, receiver, video, seq, 1212);
            sum += roundTripRtp(sender, receiver, audio, seq, 172);
            rtcp[1] = (byte) 200;
            int length = sender.protectRtcp(rtcp, 0, 60);
            sum += receiver.unprotectRtcp(rtcp, 0, length);
        }
        return sum;
    }

    private static int roundTripRtp(SrtpContext sender, SrtpContext receiver, byte[] packet, int seq, int length) {
        packet[2] = (byte) (seq >>> 8);
        packet[3] = (byte) seq;
        int protectedLength = sender.protectRtp(packet, 0, length);
        return receiver.unprotectRtp(packet, 0, protectedLength);
    }

    private static com.sun.management.ThreadMXBean threadBean() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean,
                "this JVM cannot count a thread's allocations");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported(), "allocation counting unsupported");
        threads.setThreadAllocatedMemoryEnabled(true);
        return threads;
    }
}

package io.lianmai.wire.rtcp;

import io.lianmai.testkit.Hex;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.lianmai.testkit.Hex;
import java.lang.management.ManagementFactory;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/** Iterating, reading, translating and writing RTCP allocates nothing, measured per thread. */
class RtcpZeroAllocationTest {
    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 10_000;
    private static final long TOLERANCE_BYTES = 1_024;

    private final RtcpIterator iterator = new RtcpIterator();
    private final SenderReport sr = new SenderReport();
    private final SourceDescription sdes = new SourceDescription();
    private final GenericNack nack = new GenericNack();
    private final TransportFeedback tcc = new TransportFeedback();
    private final TransportFeedbackWriter tccWriter = new TransportFeedbackWriter();
    private final long[] arrivals = arrivals();
    private final PictureLossIndication pli = new PictureLossIndication();
    private final ReceiverEstimatedMaximumBitrate remb = new ReceiverEstimatedMaximumBitrate();
    private final byte[] compound = Hex.bytes(RtcpIteratorTest.COMPOUND);
    private final byte[] nackBytes = Hex.bytes("81 cd 00 04 | 00 00 00 01 | 00 00 00 02 | 00 64 80 05 | ff ff 00 01");
    private final byte[] tccBytes = Hex.bytes(TransportFeedbackTest.FEEDBACK);
    private final byte[] out = new byte[1500];
    private final int[] lost = {10, 11, 13, 40, 41};
    private final long[] ssrcs = {0x1111L, 0x2222L};
    private final byte[] cname = Hex.ascii("abcdefghijklmnop");
    private long sink;
    private final IntConsumer onLost = seq -> sink += seq;
    private final TransportFeedback.PacketStatusHandler onStatus = (seq, status, arrival) -> sink += seq + arrival;

    @Test
    void rtcpPathAllocatesNothing() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        for (int i = 0; i < WARM_UP; i++) {
            handle(i);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < MEASURED; i++) {
            handle(i);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sink).isNotZero();
        assertThat(allocated).as("bytes allocated by %d rounds", MEASURED).isLessThan(TOLERANCE_BYTES);
    }

    private void handle(int i) {
        iterator.reset(compound, 0, compound.length);
        while (iterator.next()) {
            int at = iterator.packetOffset();
            int length = iterator.packetLength();
            switch (iterator.packetType()) {
                case RtcpPacketType.SR -> {
                    sr.wrap(compound, at, length);
                    sr.setSenderSsrc(0x5e3c91a7L + (i & 1));
                    for (int b = 0; b < sr.reportCount(); b++) {
                        sr.setReportBlockSsrc(b, 0x11223344L);
                        sink += ReportBlock.cumulativeLost(compound, sr.reportBlockOffset(b));
                    }
                    sink += sr.ntpTimestamp();
                }
                case RtcpPacketType.SDES -> {
                    sdes.wrap(compound, at, length);
                    while (sdes.nextChunk()) {
                        while (sdes.nextItem()) {
                            sink += sdes.itemEquals(cname) ? 1 : 0;
                        }
                    }
                }
                case RtcpPacketType.PSFB -> {
                    if (pli.wrap(compound, at, length)) {
                        pli.setMediaSsrc(0x11223344L);
                        sink += pli.senderSsrc();
                    }
                }
                default -> sink++;
            }
        }
        nack.wrap(nackBytes, 0, nackBytes.length);
        sink += nack.forEachLostSequenceNumber(onLost);
        tcc.wrap(tccBytes, 0, tccBytes.length);
        sink += tcc.forEachPacket(onStatus);

        int at = SenderReport.write(out, 0, 1, NtpTimestamp.fromUnixNanos(i * 1_000_000L), i, i, i, 1);
        at += ReportBlock.write(out, SenderReport.MIN_LENGTH, 2, 0, i, i, 3, 4, 5);
        at += SourceDescription.writeCname(out, at, 1, cname);
        at += GenericNack.write(out, at, 1, 2, lost, 0, lost.length);
        at += PictureLossIndication.write(out, at, 1, 2);
        at += FullIntraRequest.write(out, at, 1, 2, i);
        int rembAt = at;
        at += ReceiverEstimatedMaximumBitrate.write(out, at, 1, 1_000_000L + i, ssrcs, 0, 2);
        at += ReceiverReport.write(out, at, 1, 0);
        at += Goodbye.write(out, at, ssrcs, 0, 1);
        remb.wrap(out, rembAt, at - rembAt);
        sink += at + remb.bitrate();
        int tccLength = tccWriter.write(out, 0, out.length, 1, 2, i & 0xFFFF, i, arrivals, i & 7, 255, 200);
        tcc.wrap(out, 0, tccLength);
        sink += tcc.forEachPacket(onStatus);
    }

    /** Arrival times 3 ms apart with every ninth packet lost, as a receiver's ring holds them. */
    private static long[] arrivals() {
        long[] arrivals = new long[256];
        for (int i = 0; i < arrivals.length; i++) {
            arrivals[i] = i % 9 == 8 ? TransportFeedbackWriter.NOT_RECEIVED : i * 3_000L;
        }
        return arrivals;
    }
}

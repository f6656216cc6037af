package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.wire.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A subscriber for the picture-continuity tests: every packet it gets, the length of the last (which tells the
 * layers apart), and what {@link FrameStart} reads from each packet that starts a frame.
 */
final class RecordingSubscriber implements RtpSink {
    /** The numbers of a frame's first packet, read from its RTP payload, or null for a packet that starts none. */
    interface FrameStart {
        int[] read(byte[] buf, int payloadOffset, int payloadLength);
    }

    final List<byte[]> packets = new ArrayList<>();
    final List<int[]> frameStarts = new ArrayList<>();
    private final RtpPacket parsed = new RtpPacket();
    private final FrameStart reader;
    DownTrack downTrack;
    int lastLength;

    RecordingSubscriber(FrameStart reader) {
        this.reader = reader;
    }

    @Override
    public void sendRtp(byte[] buf, int off, int len) {
        packets.add(Arrays.copyOfRange(buf, off, off + len));
        lastLength = len;
        parsed.wrap(buf, off, len);
        int[] start = reader.read(buf, parsed.payloadOffset(), parsed.payloadLength());
        if (start != null) {
            frameStarts.add(start);
        }
    }

    @Override
    public void sendRtcp(byte[] buf, int off, int len) {
    }

    /** A NACK for a recent packet (of the current run) is answered with exactly the packet first sent. */
    void assertRepairIsTheOriginal(long nowMillis, byte[] scratch) {
        byte[] original = packets.get(packets.size() - 5);
        RtpPacket sent = new RtpPacket();
        assertThat(sent.wrap(original, 0, original.length)).isTrue();
        int count = packets.size();
        assertThat(downTrack.retransmit(sent.sequenceNumber(), nowMillis, scratch)).isTrue();
        assertThat(packets.get(count)).isEqualTo(original);
    }
}

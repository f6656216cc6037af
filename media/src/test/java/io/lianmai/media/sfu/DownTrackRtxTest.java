package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.common.BigEndian;
import io.lianmai.wire.rtp.Codec;
import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.wire.rtp.RtxPacket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Retransmissions to a subscriber that negotiated RTX go out as RTX (RFC 4588), on made-up times. */
class DownTrackRtxTest {
    private static final long RTX_SSRC = 0x3333;
    private static final int RTX_PT = 97;

    @Test
    void aNackIsAnsweredOnTheRtxStreamWithTheOriginalSequenceNumberFirst() {
        PublishedTrack track = new PublishedTrack("0", Codec.OPUS, 111, 0, new String[] {null}, new long[] {0x1111});
        Recording sink = new Recording();
        DownTrack downTrack = new DownTrack(track, 0x2222, 100, ExtensionIdMap.between(Map.of(), Map.of(), Set.of()),
                sink);
        downTrack.retransmitWithRtx(RTX_SSRC, RTX_PT);
        track.addDownTrack(downTrack);
        byte[] scratch = Buffers.packetArray();
        RtpPacket packet = new RtpPacket();
        for (int seq = 0; seq < 10; seq++) {
            byte[] rtp = rtp(seq);
            assertThat(packet.wrap(rtp, 0, rtp.length)).isTrue();
            track.onRtp(packet, track.layers()[0], seq * 20L, scratch);
        }
        byte[] fifth = sink.packets.get(5);
        RtpPacket forwarded = new RtpPacket();
        assertThat(forwarded.wrap(fifth, 0, fifth.length)).isTrue();

        assertThat(downTrack.retransmit(forwarded.sequenceNumber(), 300, scratch)).isTrue();
        assertThat(downTrack.retransmit(sink.seq(6), 300, scratch)).isTrue();

        RtpPacket rtx = new RtpPacket();
        byte[] first = sink.packets.get(10);
        assertThat(rtx.wrap(first, 0, first.length)).isTrue();
        assertThat(rtx.ssrc()).isEqualTo(RTX_SSRC);
        assertThat(rtx.payloadType()).isEqualTo(RTX_PT);
        assertThat(RtxPacket.originalSequenceNumber(rtx)).isEqualTo(forwarded.sequenceNumber());
        assertThat(rtx.timestamp()).isEqualTo(forwarded.timestamp());
        assertThat(Arrays.copyOfRange(first, rtx.payloadOffset() + RtxPacket.OSN_LENGTH, first.length))
                .isEqualTo(Arrays.copyOfRange(fifth, forwarded.payloadOffset(), fifth.length));
        // RTX has its own sequence numbers, one after the other.
        RtpPacket second = new RtpPacket();
        assertThat(second.wrap(sink.packets.get(11), 0, sink.packets.get(11).length)).isTrue();
        assertThat(second.sequenceNumber()).isEqualTo((rtx.sequenceNumber() + 1) & 0xFFFF);
        // And a receiver restores the original from it.
        assertThat(RtxPacket.restoreOriginal(rtx, 0x2222, 100)).isTrue();
        assertThat(rtx.sequenceNumber()).isEqualTo(forwarded.sequenceNumber());
        assertThat(downTrack.retransmitted()).isEqualTo(2);
    }

    private static byte[] rtp(int seq) {
        byte[] buf = new byte[12 + 100];
        buf[0] = (byte) 0x80;
        buf[1] = 111;
        BigEndian.put16(buf, 2, seq);
        BigEndian.put32(buf, 4, seq * 960L);
        BigEndian.put32(buf, 8, 0x1111);
        for (int i = 12; i < buf.length; i++) {
            buf[i] = (byte) (seq + i);
        }
        return buf;
    }

    private static final class Recording implements RtpSink {
        final List<byte[]> packets = new ArrayList<>();

        int seq(int index) {
            return BigEndian.u16(packets.get(index), 2);
        }

        @Override
        public void sendRtp(byte[] buf, int off, int len) {
            packets.add(Arrays.copyOfRange(buf, off, off + len));
        }

        @Override
        public void sendRtcp(byte[] buf, int off, int len) {
        }
    }
}

package io.lianmai.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.wire.rtp.AbsSendTimeExtension;
import io.lianmai.wire.rtp.Codec;
import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.wire.rtp.RtxPacket;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SyntheticStreamTest {
    private final byte[] out = new byte[SyntheticStream.BUFFER_LENGTH];
    private final RtpPacket view = new RtpPacket();

    @Test
    void vp8FramesAreKeyframesToTheSfuAndEndWithTheMarkerAndTheSendTime() {
        assertFrames(false, Codec.VP8);
    }

    @Test
    void h264FramesAreKeyframesToTheSfuAndEndWithTheMarkerAndTheSendTime() {
        assertFrames(true, Codec.H264);
    }

    private void assertFrames(boolean h264, Codec codec) {
        SyntheticStream stream = new SyntheticStream(true, h264, 1234, 5678, 96, 97, '1', new Random(1));
        for (boolean key : new boolean[] {true, false}) {
            stream.startFrame(key, 5000, 3000);
            int packets = 0;
            int len;
            while ((len = stream.writeVideo(out, 42L + packets)) > 0) {
                assertThat(len).isLessThanOrEqualTo(1200);
                assertThat(view.wrap(out, 0, len)).isTrue();
                assertThat(view.ssrc()).isEqualTo(1234);
                assertThat(codec.isKeyframe(view)).isEqualTo(key && packets == 0);
                assertThat(codec.isStartOfFrame(view)).isEqualTo(packets == 0);
                assertThat(SyntheticStream.readStamp(out, view.payloadOffset() + view.payloadLength()))
                        .isEqualTo(42L + packets);
                packets++;
                assertThat(view.marker()).isEqualTo(packets == 5);
            }
            assertThat(packets).isEqualTo(5);
        }
    }

    @Test
    void aNackedPacketComesBackAsRtxOfTheOriginal() {
        SyntheticStream stream = new SyntheticStream(true, false, 1234, 5678, 96, 97, '1', new Random(1));
        stream.startFrame(true, 3000, 3000);
        int len = stream.writeVideo(out, 7);
        stream.onVideoSent(out, len, 7);
        byte[] original = java.util.Arrays.copyOf(out, len);
        view.wrap(original, 0, len);
        int sequenceNumber = view.sequenceNumber();
        int rest;
        while ((rest = stream.writeVideo(out, 8)) > 0) {
            stream.onVideoSent(out, rest, 8);
        }
        int rtxLength = stream.writeRetransmission(sequenceNumber, out);
        assertThat(rtxLength).isEqualTo(len + RtxPacket.OSN_LENGTH);
        assertThat(view.wrap(out, 0, rtxLength)).isTrue();
        assertThat(view.ssrc()).isEqualTo(5678);
        assertThat(view.payloadType()).isEqualTo(97);
        assertThat(RtxPacket.restoreOriginal(view, 1234, 96)).isTrue();
        assertThat(view.sequenceNumber()).isEqualTo(sequenceNumber);
        assertThat(stream.writeRetransmission((sequenceNumber + 1000) & 0xFFFF, out)).isEqualTo(-1);
    }

    @Test
    void aPacketIsStampedAndKeptForRtxWhenItLeavesNotWhenItIsWritten() {
        SyntheticStream stream = new SyntheticStream(true, false, 1234, 5678, 96, 97, '1', new Random(1));
        stream.startFrame(true, 3000, 3000);
        int len = stream.writeVideo(out, 7);
        view.wrap(out, 0, len);
        int sequenceNumber = view.sequenceNumber();
        assertThat(stream.writeRetransmission(sequenceNumber, new byte[SyntheticStream.BUFFER_LENGTH]))
                .as("not sent yet, so not kept").isEqualTo(-1);
        assertThat(stream.packetsSent()).isZero();

        long leaves = 5_000_000_000L;
        stream.onVideoSent(out, len, leaves);
        assertThat(SyntheticStream.readStamp(out, len)).isEqualTo(leaves);
        int abs = AbsSendTimeExtension.fromNanos(leaves);
        assertThat((out[17] & 0xFF) << 16 | (out[18] & 0xFF) << 8 | out[19] & 0xFF).isEqualTo(abs);
        assertThat(stream.packetsSent()).isEqualTo(1);
        assertThat(stream.bytesSent()).isEqualTo(len);

        int rtxLength = stream.writeRetransmission(sequenceNumber, out);
        assertThat(SyntheticStream.readStamp(out, rtxLength)).as("the RTX payload keeps the original's send time")
                .isEqualTo(leaves);
    }

    @Test
    void audioPacketsCarryTheSendTimeAtTheEnd() {
        SyntheticStream stream = new SyntheticStream(false, false, 99, -1, 111, -1, '0', new Random(1));
        int len = stream.writeAudio(out, 120, 123_456_789L);
        assertThat(len).isEqualTo(SyntheticStream.HEADER_LENGTH + 120);
        assertThat(view.wrap(out, 0, len)).isTrue();
        assertThat(SyntheticStream.readStamp(out, len)).isEqualTo(123_456_789L);
    }
}

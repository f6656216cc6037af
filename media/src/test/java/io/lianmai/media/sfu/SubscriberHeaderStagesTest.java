package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.media.bwe.PathQuality;
import io.lianmai.media.bwe.SendSideBandwidthEstimator;
import io.lianmai.media.ice.MutableClock;
import io.lianmai.wire.rtp.Codec;
import io.lianmai.wire.rtp.PlayoutDelayExtension;
import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.wire.rtp.TransportSequenceNumberExtension;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * All of a subscriber's header rewrites on one packet at once, as a lossy transport-cc player with its own extension
 * ids gets them: the {@link DownTrack} moves the publisher's ids to the subscriber's, the {@link PlayoutDelayStamper}
 * writes (or adds) the playout delay and the {@link TransportSequenceStamper} the player's own transport-wide number
 * (or adds it), each through the view the stage before it passed on.
 */
class SubscriberHeaderStagesTest {
    private static final String AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    private static final String TRANSPORT_CC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    private static final String MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    private static final String PLAYOUT_DELAY = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";
    /** The publisher's ids (Chrome's usual ones). */
    private static final int PUB_AUDIO_LEVEL = 1;
    private static final int PUB_TRANSPORT_CC = 3;
    private static final int PUB_MID = 4;
    /** The player's ids, all different. */
    private static final int SUB_AUDIO_LEVEL = 10;
    private static final int SUB_TRANSPORT_CC = 5;
    private static final int SUB_MID = 2;
    private static final int SUB_PLAYOUT_DELAY = 6;
    private static final byte[] PAYLOAD = {0x78, 0x0b, (byte) 0xe4, (byte) 0xc1, 0x36, (byte) 0xec, (byte) 0xc5};

    private final MutableClock clock = new MutableClock(1_000_000);
    private final List<byte[]> sent = new ArrayList<>();
    private final RtpSink player = new RtpSink() {
        @Override
        public void sendRtp(byte[] buf, int off, int len) {
            sent.add(Arrays.copyOfRange(buf, off, off + len));
        }

        @Override
        public void sendRtcp(byte[] buf, int off, int len) {
        }
    };

    @Test
    void idsMovedPlayoutDelayAndTransportNumberWrittenOnTheSamePacket() {
        PublishedTrack track = new PublishedTrack("0", Codec.OPUS, 111, 0, new String[] {null},
                new long[] {0x1234_5678L});
        SendSideBandwidthEstimator estimator = new SendSideBandwidthEstimator();
        PathQuality lossy = new PathQuality() {
            @Override
            public double lossFraction() {
                return 0.05;
            }

            @Override
            public long feedbackRttMicros() {
                return 120_000;
            }
        };
        PlayoutDelayStamper playoutDelay = new PlayoutDelayStamper(
                new TransportSequenceStamper(player, estimator, SUB_TRANSPORT_CC, clock), SUB_PLAYOUT_DELAY, lossy,
                clock, 500);
        ExtensionIdMap ids = ExtensionIdMap.between(
                Map.of(AUDIO_LEVEL, PUB_AUDIO_LEVEL, TRANSPORT_CC, PUB_TRANSPORT_CC, MID, PUB_MID),
                Map.of(AUDIO_LEVEL, SUB_AUDIO_LEVEL, TRANSPORT_CC, SUB_TRANSPORT_CC, MID, SUB_MID,
                        PLAYOUT_DELAY, SUB_PLAYOUT_DELAY),
                Set.of(SUB_AUDIO_LEVEL, SUB_TRANSPORT_CC, SUB_MID, SUB_PLAYOUT_DELAY));
        DownTrack downTrack = new DownTrack(track, 0x5555, 109, ids, playoutDelay);
        track.addDownTrack(downTrack);
        byte[] scratch = Buffers.packetArray();
        RtpPacket in = new RtpPacket();

        for (int i = 0; i < 3; i++) {
            byte[] bytes = withExtensions(700 + i, 9_000 + i);
            assertThat(in.wrap(bytes, 0, bytes.length)).isTrue();
            track.onRtp(in, track.layers()[0], clock.millis(), scratch);
        }
        // A packet without any extension block: the playout delay and the transport number are both added.
        byte[] bare = Arrays.copyOf(bare(703), Buffers.CAPACITY);
        assertThat(in.wrap(bare, 0, 12 + PAYLOAD.length)).isTrue();
        track.onRtp(in, track.layers()[0], clock.millis(), scratch);

        assertThat(sent).hasSize(4);
        RtpPacket out = new RtpPacket();
        for (int i = 0; i < 4; i++) {
            byte[] packet = sent.get(i);
            assertThat(out.wrap(packet, 0, packet.length)).as("packet %d parses", i).isTrue();
            assertThat(out.ssrc()).isEqualTo(0x5555);
            assertThat(out.payloadType()).isEqualTo(109);
            assertThat(TransportSequenceNumberExtension.read(out, SUB_TRANSPORT_CC)).as("the player's own number")
                    .isEqualTo(i);
            assertThat(PlayoutDelayExtension.minMillis(out, SUB_PLAYOUT_DELAY)).as("2 × 120 + 50 ms").isEqualTo(290);
            assertThat(PlayoutDelayExtension.maxMillis(out, SUB_PLAYOUT_DELAY)).isEqualTo(10_000);
            assertThat(Arrays.copyOfRange(packet, out.payloadOffset(), out.payloadOffset() + out.payloadLength()))
                    .as("payload of packet %d", i).isEqualTo(PAYLOAD);
            if (i < 3) {
                assertThat(value(out, SUB_AUDIO_LEVEL)).containsExactly(0x9e);
                assertThat(value(out, SUB_MID)).containsExactly('0');
                assertThat(out.findExtension(PUB_AUDIO_LEVEL)).isEqualTo(RtpPacket.NOT_FOUND);
                assertThat(out.findExtension(PUB_TRANSPORT_CC)).isEqualTo(RtpPacket.NOT_FOUND);
                assertThat(out.findExtension(PUB_MID)).isEqualTo(RtpPacket.NOT_FOUND);
                assertThat(packet.length).as("rewritten in place, the playout delay added").isEqualTo(
                        withExtensions(0, 0).length + 4);
            } else {
                assertThat(packet.length).as("a new block with both elements").isEqualTo(12 + 12 + PAYLOAD.length);
            }
        }
        assertThat(estimator.packetsStamped()).isEqualTo(4);
        assertThat(estimator.unstamped()).isZero();
        assertThat(playoutDelay.stamped()).isEqualTo(4);
        assertThat(playoutDelay.unstamped()).isZero();
    }

    private static byte[] value(RtpPacket packet, int id) {
        long element = packet.findExtension(id);
        assertThat(element).as("element %d", id).isNotEqualTo(RtpPacket.NOT_FOUND);
        int at = RtpPacket.extensionValueOffset(element);
        return Arrays.copyOfRange(packet.buffer(), at, at + RtpPacket.extensionValueLength(element));
    }

    /** An Opus packet with audio-level, transport-wide-cc and mid elements under the publisher's ids. */
    private static byte[] withExtensions(int seq, int transportSeq) {
        byte[] header = {
            (byte) 0x90, 111, (byte) (seq >> 8), (byte) seq, 0, 0, 0, (byte) seq, 0x12, 0x34, 0x56, 0x78,
            (byte) 0xBE, (byte) 0xDE, 0, 2,
            (byte) (PUB_AUDIO_LEVEL << 4), (byte) 0x9e,
            (byte) (PUB_TRANSPORT_CC << 4 | 1), (byte) (transportSeq >> 8), (byte) transportSeq,
            (byte) (PUB_MID << 4), '0', 0};
        byte[] packet = Arrays.copyOf(header, header.length + PAYLOAD.length);
        System.arraycopy(PAYLOAD, 0, packet, header.length, PAYLOAD.length);
        return packet;
    }

    /** An Opus packet without extensions. */
    private static byte[] bare(int seq) {
        byte[] packet = new byte[12 + PAYLOAD.length];
        packet[0] = (byte) 0x80;
        packet[1] = 111;
        packet[2] = (byte) (seq >> 8);
        packet[3] = (byte) seq;
        packet[7] = (byte) seq;
        packet[8] = 0x12;
        packet[9] = 0x34;
        packet[10] = 0x56;
        packet[11] = 0x78;
        System.arraycopy(PAYLOAD, 0, packet, 12, PAYLOAD.length);
        return packet;
    }
}

package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.media.bwe.SendSideBandwidthEstimator;
import io.lianmai.wire.rtcp.RtcpFeedback;
import io.lianmai.wire.rtcp.RtcpPacketType;
import io.lianmai.wire.rtcp.TransportFeedback;
import io.lianmai.wire.rtcp.TransportFeedbackWriter;
import io.lianmai.wire.rtp.Codec;
import io.lianmai.wire.rtp.RtpPacket;
import io.lianmai.wire.rtp.TransportSequenceNumberExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Transport-cc through the SFU's roles: a {@link Publication} feeds back the arrivals of its publisher's packets, and
 * a {@link Subscription}'s packets are numbered on their way out and its feedback reaches its estimator.
 */
class TransportCcWiringTest {
    private static final long SSRC = 0x1234_5678L;
    private final List<byte[]> rtcpSent = new ArrayList<>();
    private final List<byte[]> rtpSent = new ArrayList<>();
    private final RtpSink peer = new RtpSink() {
        @Override
        public void sendRtp(byte[] buf, int off, int len) {
            rtpSent.add(java.util.Arrays.copyOfRange(buf, off, off + len));
        }

        @Override
        public void sendRtcp(byte[] buf, int off, int len) {
            rtcpSent.add(java.util.Arrays.copyOfRange(buf, off, off + len));
        }
    };

    @Test
    void aPublicationFeedsBackWhatArrived() {
        PublishedTrack track = new PublishedTrack("0", Codec.OPUS, 111, 0, new String[] {null}, new long[] {SSRC});
        Publication publication = new Publication("s", List.of(track), new int[] {-1}, 0, 0, 0xAAAA, peer);
        publication.sendTransportFeedback(3);
        byte[] scratch = Buffers.packetArray();
        RtpPacket packet = new RtpPacket();
        for (int seq : new int[] {100, 101, 103}) {
            byte[] bytes = opusPacket(seq, 3, seq);
            packet.wrap(bytes, 0, bytes.length);
            publication.onRtp(packet, 1000 + seq, scratch);
        }
        publication.tick(1200, scratch);

        TransportFeedback feedback = new TransportFeedback();
        byte[] sent = onlyTransportFeedback();
        assertThat(feedback.wrap(sent, 0, sent.length)).isTrue();
        assertThat(feedback.senderSsrc()).isEqualTo(0xAAAA);
        assertThat(feedback.mediaSsrc()).isEqualTo(SSRC);
        List<String> reported = new ArrayList<>();
        feedback.forEachPacket((seq, status, arrival) -> reported.add(seq + ":" + status + "@" + arrival / 1000));
        assertThat(reported).containsExactly("100:1@1100", "101:1@1101", "102:0@0", "103:1@1103");
        assertThat(publication.transportFeedback().feedbacksSent()).isEqualTo(1);
    }

    @Test
    void aSubscriptionNumbersItsPacketsAndReadsItsFeedback() {
        PublishedTrack track = new PublishedTrack("0", Codec.OPUS, 111, 0, new String[] {null}, new long[] {SSRC});
        SendSideBandwidthEstimator estimator = new SendSideBandwidthEstimator();
        String uri = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
        Clock clock = Clock.fixed(Instant.ofEpochMilli(5000), ZoneOffset.UTC);
        DownTrack downTrack = new DownTrack(track, 0x5555, 109,
                ExtensionIdMap.between(Map.of(uri, 3), Map.of(uri, 7), Set.of(7)),
                new TransportSequenceStamper(peer, estimator, 7, clock));
        track.addDownTrack(downTrack);
        RetransmissionBudget budget = new RetransmissionBudget(new RetransmissionLimits(100, 1_000, 50), 5000);
        Subscription subscription = new Subscription("s", List.of(downTrack), peer, budget);
        subscription.estimateBandwidth(estimator);
        assertThat(subscription.estimatedBitrate()).isEqualTo(SendSideBandwidthEstimator.START_BPS);

        byte[] scratch = Buffers.packetArray();
        RtpPacket packet = new RtpPacket();
        for (int seq = 0; seq < 3; seq++) {
            byte[] bytes = opusPacket(500 + seq, 3, 40_000 + seq);
            packet.wrap(bytes, 0, bytes.length);
            track.onRtp(packet, track.layers()[0], 5000, scratch);
        }
        assertThat(rtpSent).hasSize(3);
        for (int i = 0; i < 3; i++) {
            RtpPacket out = new RtpPacket();
            out.wrap(rtpSent.get(i), 0, rtpSent.get(i).length);
            assertThat(TransportSequenceNumberExtension.read(out, 7)).as("the player's own numbering").isEqualTo(i);
        }
        assertThat(estimator.packetsStamped()).isEqualTo(3);

        // A packet whose publisher sent no transport-cc element gets one added.
        byte[] bare = opusPacket(503, 3, 0);
        bare[0] = (byte) 0x80; // no extension block: the bytes after the header are payload
        byte[] withRoom = java.util.Arrays.copyOf(bare, Buffers.CAPACITY);
        packet.wrap(withRoom, 0, bare.length);
        track.onRtp(packet, track.layers()[0], 5000, scratch);
        RtpPacket added = new RtpPacket();
        byte[] last = rtpSent.get(3);
        assertThat(last.length).isEqualTo(bare.length + 8);
        assertThat(added.wrap(last, 0, last.length)).isTrue();
        assertThat(TransportSequenceNumberExtension.read(added, 7)).isEqualTo(3);
        assertThat(added.payloadLength()).isEqualTo(bare.length - 12);
        assertThat(estimator.unstamped()).isZero();

        long[] arrivals = {1_000_000, 1_001_000, 1_002_000, 1_003_000};
        byte[] feedback = new byte[100];
        int len = new TransportFeedbackWriter().write(feedback, 0, feedback.length, 0x5555, 0x5555, 0, 0, arrivals,
                0, 3, 4);
        subscription.onRtcp(feedback, 0, len, 5050, scratch);
        assertThat(estimator.feedbacks()).isEqualTo(1);
        assertThat(estimator.unmatched()).isZero();
        // The feedback's round trip reaches the retransmission budget's repeat interval.
        assertThat(budget.repeatIntervalMillis()).isEqualTo(estimator.feedbackRttMicros() / 1000).isGreaterThan(100);
    }

    private byte[] onlyTransportFeedback() {
        byte[] found = null;
        for (byte[] packet : rtcpSent) {
            if ((packet[1] & 0xFF) == RtcpPacketType.RTPFB
                    && RtcpFeedback.format(packet, 0) == RtcpFeedback.FMT_TRANSPORT_CC) {
                assertThat(found).as("one feedback").isNull();
                found = packet;
            }
        }
        assertThat(found).as("a transport-cc feedback").isNotNull();
        return found;
    }

    /** An Opus packet with a one-byte transport-wide-cc element (id {@code id}) holding {@code transportSeq}. */
    private static byte[] opusPacket(int seq, int id, int transportSeq) {
        byte[] b = new byte[40];
        b[0] = (byte) 0x90;
        b[1] = 111;
        b[2] = (byte) (seq >> 8);
        b[3] = (byte) seq;
        b[7] = (byte) seq;
        b[8] = 0x12;
        b[9] = 0x34;
        b[10] = 0x56;
        b[11] = 0x78;
        b[12] = (byte) 0xBE;
        b[13] = (byte) 0xDE;
        b[15] = 1;
        b[16] = (byte) (id << 4 | 1);
        b[17] = (byte) (transportSeq >> 8);
        b[18] = (byte) transportSeq;
        return b;
    }
}

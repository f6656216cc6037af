package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.media.bwe.ReceiveSideEstimator;
import io.lianmai.wire.rtcp.ReceiverEstimatedMaximumBitrate;
import io.lianmai.wire.rtcp.RtcpIterator;
import io.lianmai.wire.rtp.AbsSendTimeExtension;
import io.lianmai.wire.rtp.Codec;
import io.lianmai.wire.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * REMB to a publisher through its {@link Publication}: one that negotiated {@code goog-remb} and abs-send-time and
 * not transport-cc (aiortc) is sent the server's estimate of its uplink ({@link ReceiveSideEstimator}) in REMB,
 * naming its media SSRCs, from the server's RTCP sender SSRC, over the RTCP path its NACKs and PLIs take.
 */
class PublisherRembTest {
    private static final long AUDIO_SSRC = 0x1111;
    private static final long VIDEO_SSRC = 0x2222;
    private static final long SERVER_SSRC = 0x9999;
    private static final int ABS_SEND_TIME_ID = 3;

    private final List<byte[]> rtcp = new ArrayList<>();
    private final RtpSink peer = new RtpSink() {
        @Override
        public void sendRtp(byte[] buf, int off, int len) {
        }

        @Override
        public void sendRtcp(byte[] buf, int off, int len) {
            rtcp.add(Arrays.copyOfRange(buf, off, off + len));
        }
    };
    private final byte[] scratch = new byte[Buffers.CAPACITY];
    private final RtpPacket packet = new RtpPacket();
    private int seq;

    @Test
    void aRembOnlyPublisherGetsTheEstimateOfItsUplinkForAllItsSsrcs() {
        Publication publication = publication();
        ReceiveSideEstimator estimator = new ReceiveSideEstimator();
        publication.sendRemb(ABS_SEND_TIME_ID, estimator);

        // 500 kbit/s of video on a clean path for 8 s (audio without abs-send-time beside it), ticking every 20 ms.
        for (long now = 0; now < 8000; now++) {
            if (now % 20 == 0) {
                publication.onRtp(rtp(AUDIO_SSRC, 111, -1, 100), now, scratch);
                publication.tick(now, scratch);
            }
            if (now % 33 == 0) {
                for (int i = 0; i < 2; i++) {
                    publication.onRtp(rtp(VIDEO_SSRC, 96, AbsSendTimeExtension.fromNanos(now * 1_000_000), 1000),
                            now, scratch);
                }
            }
        }
        List<ReceiverEstimatedMaximumBitrate> rembs = rembs();
        assertThat(rembs).as("one a second once valid (after 5 s of incoming rate)").hasSizeBetween(2, 4);
        ReceiverEstimatedMaximumBitrate last = rembs.get(rembs.size() - 1);
        assertThat(last.senderSsrc()).isEqualTo(SERVER_SSRC);
        assertThat(last.ssrcCount()).isEqualTo(2);
        assertThat(List.of(last.ssrc(0), last.ssrc(1))).containsExactly(AUDIO_SSRC, VIDEO_SSRC);
        assertThat(last.bitrate()).as("the estimate then (it grows on a clean path)").isBetween(400_000L, 800_000L)
                .isLessThanOrEqualTo(estimator.bitrate());
        assertThat(publication.rembsSent()).isEqualTo(rembs.size());
        assertThat(publication.uplinkEstimate()).isSameAs(estimator);
    }

    @Test
    void aPublisherWithoutRembGetsNone() {
        Publication publication = publication();
        for (long now = 0; now < 8000; now += 20) {
            publication.onRtp(rtp(VIDEO_SSRC, 96, AbsSendTimeExtension.fromNanos(now * 1_000_000), 1000), now,
                    scratch);
            publication.tick(now, scratch);
        }
        assertThat(rembs()).isEmpty();
        assertThat(publication.rembsSent()).isZero();
        assertThat(publication.uplinkEstimate()).isNull();
    }

    private Publication publication() {
        PublishedTrack audio = new PublishedTrack("0", Codec.OPUS, 111, 0, new String[] {null},
                new long[] {AUDIO_SSRC});
        PublishedTrack video = new PublishedTrack("1", Codec.VP8, 96, 0, new String[] {null},
                new long[] {VIDEO_SSRC});
        return new Publication("app/r1/alice_main", List.of(audio, video), new int[] {-1, -1}, 0, 0, SERVER_SSRC,
                peer);
    }

    private List<ReceiverEstimatedMaximumBitrate> rembs() {
        List<ReceiverEstimatedMaximumBitrate> found = new ArrayList<>();
        RtcpIterator it = new RtcpIterator();
        for (byte[] compound : rtcp) {
            it.reset(compound, 0, compound.length);
            while (it.next()) {
                if (ReceiverEstimatedMaximumBitrate.isRemb(compound, it.packetOffset(), it.packetLength())) {
                    ReceiverEstimatedMaximumBitrate remb = new ReceiverEstimatedMaximumBitrate();
                    assertThat(remb.wrap(compound, it.packetOffset(), it.packetLength())).isTrue();
                    found.add(remb);
                }
            }
        }
        return found;
    }

    /** An RTP packet of {@code payload} bytes, with abs-send-time {@code absSendTime} unless it is -1. */
    private RtpPacket rtp(long ssrc, int payloadType, int absSendTime, int payload) {
        byte[] b = new byte[Buffers.CAPACITY];
        RtpPacket.writeFixedHeader(b, 0, true, payloadType, seq, seq * 90L, ssrc);
        seq++;
        b[12] = 0x10; // a VP8 descriptor (S=1) in the video packets
        packet.wrap(b, 0, 12 + payload);
        if (absSendTime >= 0) {
            packet.addExtension(ABS_SEND_TIME_ID, AbsSendTimeExtension.LENGTH, b.length);
            AbsSendTimeExtension.write(packet, ABS_SEND_TIME_ID, absSendTime);
        }
        return packet;
    }
}

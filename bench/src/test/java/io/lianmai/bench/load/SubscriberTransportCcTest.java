package io.lianmai.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.common.BigEndian;
import io.lianmai.media.MediaConfig;
import io.lianmai.media.MediaServer;
import io.lianmai.media.PlayerStats;
import io.lianmai.media.dtls.DtlsConfig;
import io.lianmai.media.dtls.DtlsContext;
import io.lianmai.media.sdp.ExtMap;
import io.lianmai.media.sdp.MediaDescription;
import io.lianmai.media.sdp.RtcpFeedbackType;
import io.lianmai.media.sdp.RtpCodec;
import io.lianmai.media.sdp.SessionDescription;
import io.lianmai.media.srtp.SrtpContext;
import io.lianmai.media.srtp.SrtpMasterKey;
import io.lianmai.media.srtp.SrtpProfile;
import io.lianmai.wire.rtcp.RtcpFeedback;
import io.lianmai.wire.rtcp.RtcpIterator;
import io.lianmai.wire.rtcp.RtcpPacketType;
import io.lianmai.wire.rtcp.TransportFeedback;
import io.lianmai.wire.rtp.RtpPacket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A simulated player negotiates transport-wide congestion control as Chrome does: its offer carries the extension and
 * {@code transport-cc} feedback for every codec, a real media server's answer keeps them (and the server then
 * estimates the player), and the feedback the player sends through SRTCP parses with the media module's reader and
 * reports exactly the packets it got, the server's probe padding included but not counted as media.
 */
class SubscriberTransportCcTest {
    private static final long MS = 1_000_000L;
    private static final int ANSWERED_ID = 7;
    private static final int RTX_PT = 97;

    private final DtlsContext dtls = DtlsContext.withNewCertificate(DtlsConfig.DEFAULT, Runnable::run,
            Clock.systemUTC());
    private final SecureRandom random = new SecureRandom();

    @Test
    void theOfferCarriesTransportCcForEveryCodecLikeChrome() throws Exception {
        SessionDescription offer = SessionDescription.parse(player(true).offer());

        for (MediaDescription media : offer.media()) {
            assertThat(media.extMaps()).contains(ExtMap.of(SubscriberPeer.TRANSPORT_CC_ID, ExtMap.TRANSPORT_WIDE_CC));
            for (RtpCodec codec : media.codecs()) {
                if (!codec.isRtx()) {
                    assertThat(codec.feedback()).as(codec.describe()).contains(RtcpFeedbackType.TRANSPORT_CC);
                }
            }
        }
        SessionDescription plain = SessionDescription.parse(player(false).offer());
        for (MediaDescription media : plain.media()) {
            assertThat(media.extMaps()).noneMatch(e -> e.uri().equals(ExtMap.TRANSPORT_WIDE_CC));
            assertThat(media.codecs()).allSatisfy(c -> assertThat(c.feedback())
                    .doesNotContain(RtcpFeedbackType.TRANSPORT_CC, RtcpFeedbackType.GOOG_REMB));
        }
    }

    @Test
    void aMediaServerAnswersTransportCcAndEstimatesThePlayer() throws Exception {
        MediaServer server = MediaServer.start(new MediaConfig("127.0.0.1", 0, -1, List.of("127.0.0.1"),
                Duration.ofSeconds(30), Duration.ofSeconds(10)).withBandwidthEstimation(true));
        try {
            server.publishLocal("room/pub_main", List.of(RtpCodec.of(111, "opus", 48_000, 2),
                    RtpCodec.of(96, "VP8", 90_000, 0))).toCompletableFuture().get(5, TimeUnit.SECONDS);
            SubscriberPeer player = player(true);
            String answer = server.play("room/pub_main", player.offer()).toCompletableFuture()
                    .get(5, TimeUnit.SECONDS).answerSdp();

            player.onRemoteMedia(SessionDescription.parse(answer), false);

            assertThat(player.transportCcId()).as(answer).isPositive();
            PlayerStats.Page page = server.playerStats("room/", 10);
            assertThat(page.players()).isEqualTo(1);
            assertThat(page.listed().get(0).estimator()).isEqualTo("transport-cc");
            assertThat(server.playerStats("other/", 10).players()).isZero();

            SubscriberPeer plain = player(false);
            String plainAnswer = server.play("room/pub_main", plain.offer()).toCompletableFuture()
                    .get(5, TimeUnit.SECONDS).answerSdp();
            plain.onRemoteMedia(SessionDescription.parse(plainAnswer), false);
            assertThat(plain.transportCcId()).isZero();
            assertThat(server.playerStats("room/", 0).players()).isEqualTo(2);
        } finally {
            server.close();
        }
    }

    @Test
    void theFeedbackSentThroughSrtcpReportsEveryPacketReceivedAndPaddingIsNotMedia() throws Exception {
        SubscriberPeer player = player(true);
        player.onRemoteMedia(SessionDescription.parse(answer()), false);
        assertThat(player.transportCcId()).isEqualTo(ANSWERED_ID);
        SrtpMasterKey key = SrtpMasterKey.of(SrtpProfile.AES128_CM_HMAC_SHA1_80, new byte[16], new byte[14]);
        player.outbound = SrtpContext.create(key);
        SrtpContext server = SrtpContext.create(key);
        EmbeddedChannel channel = new EmbeddedChannel();
        player.useChannel(channel);
        player.markWindowStart();

        SyntheticStream audio = new SyntheticStream(false, false, 10, -1, 111, -1, '0', new Random(1));
        SyntheticStream video = new SyntheticStream(true, false, 20, 21, 96, RTX_PT, '1', new Random(2));
        byte[] buf = new byte[SyntheticStream.BUFFER_LENGTH];
        long now = 1_000 * MS;
        int transportSeq = 65_530; // wraps within the run
        List<Integer> sent = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            int len;
            if (i % 3 == 0) {
                len = audio.writeAudio(buf, 120, now);
            } else if (i == 10) {
                len = padding(buf, now);
            } else {
                video.startFrame(i == 1, 1000, 3000);
                len = video.writeVideo(buf, now);
            }
            len = withTransportSequence(buf, len, transportSeq);
            if (i != 5) { // lost on the way
                player.onRtp(buf, len, now + (i + 1) * MS);
                sent.add(transportSeq);
            }
            transportSeq = (transportSeq + 1) & 0xFFFF;
        }
        player.onTick(now + 100 * MS);
        player.flush();

        List<String> reported = new ArrayList<>();
        int feedbacks = 0;
        ByteBuf out;
        while ((out = channel.readOutbound()) != null) {
            byte[] packet = new byte[out.readableBytes()];
            out.readBytes(packet);
            out.release();
            int len = server.unprotectRtcp(packet, 0, packet.length);
            assertThat(len).as("SRTCP from the player").isPositive();
            RtcpIterator rtcp = new RtcpIterator();
            rtcp.reset(packet, 0, len);
            while (rtcp.next()) {
                int at = rtcp.packetOffset();
                if (rtcp.packetType() == RtcpPacketType.RTPFB
                        && RtcpFeedback.format(packet, at) == RtcpFeedback.FMT_TRANSPORT_CC) {
                    TransportFeedback feedback = new TransportFeedback();
                    assertThat(feedback.wrap(packet, at, rtcp.packetLength())).isTrue();
                    feedback.forEachPacket((seq, status, arrival) -> reported.add(seq
                            + (status == TransportFeedback.NOT_RECEIVED ? "x" : "")));
                    feedbacks++;
                }
            }
        }

        assertThat(feedbacks).isEqualTo(1);
        assertThat(reported).containsExactly("65530", "65531", "65532", "65533", "65534", "65535x", "0", "1", "2",
                "3", "4", "5");
        SubscriberPeer.Result result = player.result();
        assertThat(result.paddingPackets()).isEqualTo(1);
        assertThat(result.unknown()).as("padding is not unknown media").isZero();
        assertThat(result.packets()).as("media packets: the padding and the lost one left out").isEqualTo(10);
        assertThat(result.feedbacks()).isEqualTo(1);
    }

    private SubscriberPeer player(boolean bwe) {
        return new SubscriberPeer(new ClientLoop(null), "sub", "pub_main", 200 * MS, bwe, Impairment.NONE, dtls,
                random, 1);
    }

    /** A padding-only RTX packet as the server's probes send it: P set, no payload, 200 bytes of padding. */
    private static int padding(byte[] buf, long now) {
        RtpPacket.writeFixedHeader(buf, 0, false, RTX_PT, 77, 1234, 21);
        buf[0] |= 0x20;
        int len = RtpPacket.FIXED_HEADER_LENGTH + 200;
        java.util.Arrays.fill(buf, RtpPacket.FIXED_HEADER_LENGTH, len, (byte) 0);
        buf[len - 1] = (byte) 200;
        return len;
    }

    /** Adds the transport-wide sequence number element the server stamps into every packet to a player. */
    private static int withTransportSequence(byte[] buf, int len, int seq) {
        RtpPacket packet = new RtpPacket();
        assertThat(packet.wrap(buf, 0, len)).isTrue();
        int at = packet.addExtension(ANSWERED_ID, 2, buf.length - 64);
        assertThat(at).isPositive();
        BigEndian.put16(buf, at, seq);
        return packet.length();
    }

    /** A server-shaped answer: transport-wide-cc renumbered to {@link #ANSWERED_ID}, VP8 with RTX. */
    private static String answer() {
        String transportCc = "a=extmap:" + ANSWERED_ID + " " + ExtMap.TRANSPORT_WIDE_CC + "\r\n";
        return "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\n"
                + "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=setup:passive\r\na=mid:0\r\na=sendonly\r\na=rtcp-mux\r\n"
                + transportCc + "a=rtpmap:111 opus/48000/2\r\na=rtcp-fb:111 transport-cc\r\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\n"
                + "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=setup:passive\r\na=mid:1\r\na=sendonly\r\na=rtcp-mux\r\n"
                + transportCc + "a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 transport-cc\r\na=rtcp-fb:96 nack\r\n"
                + "a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n";
    }
}

package io.lianmai.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.lianmai.media.LocalPublisher;
import io.lianmai.media.dtls.DtlsConfig;
import io.lianmai.media.dtls.DtlsContext;
import io.lianmai.media.sdp.RtpCodec;
import io.lianmai.media.srtp.SrtpContext;
import io.lianmai.media.srtp.SrtpMasterKey;
import io.lianmai.media.srtp.SrtpProfile;
import io.lianmai.wire.rtcp.GenericNack;
import io.lianmai.wire.rtp.RtpPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay leg's receive path (SRTP in, RTX restored, sequence spliced, into the local publisher) allocates nothing
 * per packet, and its feedback (NACK) reaches the source in the source's SSRC and numbering.
 */
class RelayPeerTest {
    private static final int VIDEO_PT = 96;
    private static final int RTX_PT = 97;
    private static final int AUDIO_PT = 111;
    private static final long SOURCE_VIDEO_SSRC = 0x1111_2222L;
    private static final long SOURCE_RTX_SSRC = 0x3333_4444L;
    private static final long SOURCE_AUDIO_SSRC = 0x5555_6666L;

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final FakePublisher publisher = new FakePublisher();
    private final SrtpMasterKey key = key(SrtpProfile.AES128_CM_HMAC_SHA1_80, 1);
    private final SrtpMasterKey backKey = key(SrtpProfile.AES128_CM_HMAC_SHA1_80, 2);
    private final EmbeddedChannel wire = new EmbeddedChannel();
    private RelayPeer peer;
    private int sequence = 65_000;
    private int audioSequence = 100;
    private int rtxSequence = 7;
    private int packetIndex;

    @AfterEach
    void stop() {
        loop.shutdownGracefully();
        wire.finishAndReleaseAll();
    }

    private RelayPeer connectedPeer(SrtpContext back) {
        RelayPeer relay = new RelayPeer(loop, DtlsContext.withNewCertificate(DtlsConfig.DEFAULT, Runnable::run,
                Clock.systemUTC()), new SecureRandom(), new RelayPeer.Listener() {
                    @Override
                    public void onRelayConnected(RelayPeer p) {
                    }

                    @Override
                    public void onRelayEnded(RelayPeer p, String why) {
                    }
                });
        RelayPeer.Negotiated answer = new RelayPeer.Negotiated(Optional.of(RtpCodec.of(AUDIO_PT, "opus", 48_000, 2)),
                Optional.of(RtpCodec.of(VIDEO_PT, "VP8", 90_000, 0)), RTX_PT);
        relay.connectedForTest(answer, publisher, 0, 1, SrtpContext.create(key), back, wire);
        return relay;
    }

    /** {@code count} protected packets from the source: video, every 10th an RTX of an earlier one, every 5th audio. */
    private ByteBuf[] sourcePackets(SrtpContext source, int count) {
        ByteBuf[] packets = new ByteBuf[count];
        for (int n = 0; n < count; n++) {
            int i = packetIndex++;
            byte[] buf = new byte[1300];
            int len;
            if (i % 5 == 4) {
                RtpPacket.writeFixedHeader(buf, 0, false, AUDIO_PT, audioSequence++ & 0xFFFF, i * 960L,
                        SOURCE_AUDIO_SSRC);
                len = RtpPacket.FIXED_HEADER_LENGTH + 160;
            } else if (i % 10 == 3) {
                // RTX (RFC 4588): its own sequence, then the original sequence number before the payload.
                RtpPacket.writeFixedHeader(buf, 0, false, RTX_PT, rtxSequence++ & 0xFFFF, i * 3000L,
                        SOURCE_RTX_SSRC);
                int original = (sequence - 3) & 0xFFFF;
                buf[12] = (byte) (original >>> 8);
                buf[13] = (byte) original;
                len = RtpPacket.FIXED_HEADER_LENGTH + 2 + 1000;
            } else {
                RtpPacket.writeFixedHeader(buf, 0, i % 4 == 0, VIDEO_PT, sequence & 0xFFFF, i * 3000L,
                        SOURCE_VIDEO_SSRC);
                sequence++;
                len = RtpPacket.FIXED_HEADER_LENGTH + 1000;
            }
            int protectedLength = source.protectRtp(buf, 0, len);
            packets[n] = Unpooled.wrappedBuffer(buf, 0, protectedLength);
        }
        return packets;
    }

    @Test
    void theReceivePathAllocatesNothingPerPacket() {
        peer = connectedPeer(SrtpContext.create(backKey));
        SrtpContext source = SrtpContext.create(key);
        ByteBuf[] warmUp = sourcePackets(source, 30_000);
        ByteBuf[] measured = sourcePackets(source, 10_000);
        for (ByteBuf packet : warmUp) {
            peer.channelRead(null, packet);
        }
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (ByteBuf packet : measured) {
            peer.channelRead(null, packet);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // Less than a byte per packet: one object per packet (16 B at least) would measure 160 000 B or more; a few
        // KiB once (the test's buffers being released, the JIT) is not per packet.
        assertThat(allocated).as("bytes allocated receiving 10 000 packets").isLessThan(10_000);
        assertThat(peer.packetsForwarded).as("forwarded; %d dropped", peer.dropped).isEqualTo(40_000);
        assertThat(peer.retransmissionsIn).isEqualTo(4_000);
        assertThat(peer.dropped).isZero();
        assertThat(publisher.sent[1]).isEqualTo(32_000);
        assertThat(publisher.sent[0]).isEqualTo(8_000);
        // RTX packets reach the publisher as the originals: the video payload type and the original's number.
        assertThat(publisher.lastRetransmittedPayloadType).isEqualTo(VIDEO_PT);
    }

    @Test
    void garbageFromTheSourceIsDroppedAndCounted() {
        peer = connectedPeer(SrtpContext.create(backKey));
        Random random = new Random(18);
        for (int i = 0; i < 5_000; i++) {
            byte[] junk = new byte[random.nextInt(1400) + 1];
            random.nextBytes(junk);
            if (i % 2 == 0) {
                junk[0] = (byte) 0x80; // looks like RTP: must fail SRTP authentication
            }
            peer.channelRead(null, Unpooled.wrappedBuffer(junk));
        }
        assertThat(peer.packetsForwarded).isZero();
        assertThat(publisher.sent[0] + publisher.sent[1]).isZero();
    }

    @Test
    void aNackOfTheLocalPublicationReachesTheSourceInItsNumbering() throws Exception {
        SrtpContext back = SrtpContext.create(backKey);
        peer = connectedPeer(back);
        SrtpContext source = SrtpContext.create(key);
        for (ByteBuf packet : sourcePackets(source, 20)) {
            peer.channelRead(null, packet);
        }
        // The local publication numbers from 0 after a fresh splice; it NACKs its own numbers 3 and 5.
        byte[] nack = new byte[64];
        int len = GenericNack.write(nack, 0, 0xAAAA_0001L, 0xBBBB_0002L, new int[] {3, 5}, 0, 2);
        peer.onNack(1, nack, 0, len);
        peer.onKeyframeRequest();
        loop.submit(() -> { }).get(); // the drain the listeners scheduled has run
        ByteBuf sent = wire.readOutbound();
        assertThat(sent).as("a NACK went to the source").isNotNull();
        byte[] out = new byte[sent.readableBytes()];
        sent.readBytes(out);
        sent.release();
        SrtpContext sourceIn = SrtpContext.create(backKey);
        int plain = sourceIn.unprotectRtcp(out, 0, out.length);
        assertThat(plain).isPositive();
        assertThat(io.lianmai.wire.rtcp.RtcpFeedback.mediaSsrc(out, 0)).isEqualTo(SOURCE_VIDEO_SSRC);
        int pid = ((out[12] & 0xFF) << 8) | (out[13] & 0xFF);
        // The first leg keeps the source's numbers (offset 0): 3 is 3 there.
        assertThat(pid).isEqualTo(3);
        ByteBuf pli = wire.readOutbound();
        assertThat(pli).as("the keyframe request went to the source as PLI").isNotNull();
        pli.release();
        assertThat(peer.nacksSent).isEqualTo(1);
        assertThat(peer.keyframeRequestsSent).isEqualTo(1);
    }

    @Test
    void aLaterLegContinuesTheNumbering() {
        RelayPeer.SequenceSplice splice = new RelayPeer.SequenceSplice();
        splice.newLeg();
        assertThat(splice.out(1000)).isEqualTo(1000);
        assertThat(splice.out(1001)).isEqualTo(1001);
        assertThat(splice.out(999)).isEqualTo(999); // a retransmission, same offset
        splice.newLeg();
        assertThat(splice.out(40)).isEqualTo(1002);
        assertThat(splice.out(41)).isEqualTo(1003);
        assertThat(splice.in(1003)).isEqualTo(41);
        splice.newLeg();
        assertThat(splice.out(65_535)).isEqualTo(1004);
        assertThat(splice.out(0)).isEqualTo(1005);
    }

    private static SrtpMasterKey key(SrtpProfile profile, int seed) {
        Random random = new Random(seed);
        byte[] key = new byte[profile.masterKeyLength()];
        byte[] salt = new byte[profile.masterSaltLength()];
        random.nextBytes(key);
        random.nextBytes(salt);
        return SrtpMasterKey.of(profile, key, salt);
    }

    /** Counts what the leg hands over, per track; allocates nothing. */
    private static final class FakePublisher implements LocalPublisher {
        final long[] sent = new long[2];
        int lastRetransmittedPayloadType = -1;

        @Override
        public String sessionId() {
            return "local";
        }

        @Override
        public boolean send(int track, byte[] rtp, int off, int len) {
            sent[track]++;
            if (track == 1 && len == RtpPacket.FIXED_HEADER_LENGTH + 1000 && (rtp[off + 1] & 0x7F) == VIDEO_PT
                    && off > 0) {
                lastRetransmittedPayloadType = rtp[off + 1] & 0x7F;
            }
            return true;
        }

        @Override
        public boolean senderReport(int track, long ntpTimestamp, long rtpTimestamp) {
            return true;
        }

        @Override
        public void onKeyframeRequest(Runnable listener) {
        }

        @Override
        public void onNack(NackListener listener) {
        }

        @Override
        public boolean isActive() {
            return true;
        }

        @Override
        public void end() {
        }
    }
}

package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.common.BigEndian;
import io.lianmai.wire.rtcp.ExtendedReport;
import io.lianmai.wire.rtcp.RtcpIterator;
import io.lianmai.wire.rtcp.RtcpPacketType;
import io.lianmai.wire.rtp.Codec;
import io.lianmai.wire.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * A player's round trip for its own use (RFC 3611 §4.4–4.5): its receiver reference time (RRTR) is answered with a
 * DLRR in the next sender-report compound, echoing the middle of its NTP time and the time the server held it, so a
 * receive-only browser knows its RTT (Chromium then times its NACKs and its jitter buffer's repair allowance by it).
 */
class ReceiverRoundTripTest {
    private static final long PLAYER_SSRC = 1;
    private final List<byte[]> rtcpSent = new ArrayList<>();
    private final RtpSink peer = new RtpSink() {
        @Override
        public void sendRtp(byte[] buf, int off, int len) {
        }

        @Override
        public void sendRtcp(byte[] buf, int off, int len) {
            rtcpSent.add(Arrays.copyOfRange(buf, off, off + len));
        }
    };
    private final byte[] scratch = Buffers.packetArray();

    @Test
    void anRrtrIsAnsweredOnceWithTheTimeItWasHeld() {
        Subscription subscription = playing();
        byte[] rrtr = rrtr(PLAYER_SSRC, 0xE9C3_A1B2L, 0xC4D5_E6F7L);
        subscription.onRtcp(rrtr, 0, rrtr.length, 10_250, scratch);

        subscription.tick(10_500, scratch); // 250 ms later: the next report
        byte[] dlrr = xrIn(rtcpSent.get(rtcpSent.size() - 1));
        assertThat(dlrr).as("a DLRR in the report compound").isNotNull();
        assertThat(dlrr[8]).isEqualTo((byte) ExtendedReport.DLRR);
        assertThat(BigEndian.u32(dlrr, 12)).as("to the RRTR's sender").isEqualTo(PLAYER_SSRC);
        assertThat(BigEndian.u32(dlrr, 16)).as("LRR: the middle 32 bits").isEqualTo(0xA1B2C4D5L);
        assertThat(BigEndian.u32(dlrr, 20)).as("held 250 ms, in 1/65536 s").isEqualTo(250 * 65_536 / 1000);
        assertThat(subscription.dlrrSent()).isEqualTo(1);

        subscription.tick(11_500, scratch);
        assertThat(xrIn(rtcpSent.get(rtcpSent.size() - 1))).as("answered once").isNull();
    }

    @Test
    void eachReceivingStreamsLatestRrtrIsAnswered() {
        Subscription subscription = playing();
        byte[] audio = rrtr(7, 0x1111_2222L, 0x3333_4444L);
        byte[] video = rrtr(8, 0x5555_6666L, 0x7777_8888L);
        byte[] videoLater = rrtr(8, 0x5555_6667L, 0x7777_8888L);
        subscription.onRtcp(audio, 0, audio.length, 10_100, scratch);
        subscription.onRtcp(video, 0, video.length, 10_200, scratch);
        subscription.onRtcp(videoLater, 0, videoLater.length, 10_300, scratch);
        subscription.tick(10_500, scratch);
        byte[] dlrr = xrIn(rtcpSent.get(rtcpSent.size() - 1));
        assertThat(dlrr).hasSize(ExtendedReport.dlrrLength(2));
        assertThat(BigEndian.u32(dlrr, 12)).isEqualTo(7);
        assertThat(BigEndian.u32(dlrr, 16)).isEqualTo(0x2222_3333L);
        assertThat(BigEndian.u32(dlrr, 24)).isEqualTo(8);
        assertThat(BigEndian.u32(dlrr, 28)).as("the later one").isEqualTo(0x6667_7777L);
        assertThat(BigEndian.u32(dlrr, 32)).isEqualTo(200 * 65_536 / 1000);
    }

    @Test
    void withoutAnRrtrTheReportsCarryNoXr() {
        Subscription subscription = playing();
        subscription.tick(10_500, scratch);
        assertThat(rtcpSent).isNotEmpty();
        assertThat(xrIn(rtcpSent.get(rtcpSent.size() - 1))).isNull();
        assertThat(subscription.dlrrSent()).isZero();
    }

    /** Garbage XR: no exception and nothing answered for it. */
    @Property(tries = 1000)
    void garbageXrIsIgnored(@ForAll @Size(max = 64) byte[] garbage) {
        Subscription subscription = playing();
        byte[] packet = Arrays.copyOf(new byte[] {(byte) 0x80, (byte) RtcpPacketType.XR, 0, 0}, 4 + garbage.length);
        System.arraycopy(garbage, 0, packet, 4, garbage.length);
        packet[3] = (byte) (packet.length / 4 - 1);
        subscription.onRtcp(packet, 0, packet.length, 10_250, scratch);
        subscription.tick(10_500, scratch);
        boolean wellFormed = ExtendedReport.receiverReferenceTimeMiddle32(packet, 0, packet.length) >= 0;
        assertThat(subscription.dlrrSent()).isEqualTo(wellFormed ? 1 : 0);
    }

    /** A subscription whose audio down-track has forwarded packets and has a sender report to translate. */
    private Subscription playing() {
        PublishedTrack track = new PublishedTrack("0", Codec.OPUS, 111, 0, new String[] {null}, new long[] {0x1111});
        DownTrack downTrack = new DownTrack(track, 0x2222, 111, ExtensionIdMap.between(Map.of(), Map.of(), Set.of()),
                peer);
        track.addDownTrack(downTrack);
        RtpPacket packet = new RtpPacket();
        for (int seq = 0; seq < 5; seq++) {
            byte[] rtp = new byte[12 + 40];
            RtpPacket.writeFixedHeader(rtp, 0, false, 111, seq, seq * 960L, 0x1111);
            packet.wrap(rtp, 0, rtp.length);
            track.onRtp(packet, track.layers()[0], 10_000 + seq * 20L, scratch);
        }
        track.layers()[0].onSenderReport(0xE9C3_A1B2_0000_0000L, 0, 10_000);
        Subscription subscription = new Subscription("s", List.of(downTrack), peer);
        subscription.tick(9_000, scratch); // sets the report clock: the next report is a second later
        rtcpSent.clear();
        return subscription;
    }

    private static byte[] rrtr(long ssrc, long ntpMsw, long ntpLsw) {
        byte[] xr = new byte[20];
        xr[0] = (byte) 0x80;
        xr[1] = (byte) RtcpPacketType.XR;
        BigEndian.put16(xr, 2, 4);
        BigEndian.put32(xr, 4, ssrc);
        xr[8] = ExtendedReport.RRTR;
        BigEndian.put16(xr, 10, 2);
        BigEndian.put32(xr, 12, ntpMsw);
        BigEndian.put32(xr, 16, ntpLsw);
        return xr;
    }

    /** The XR packet within an RTCP compound, or null. */
    private static byte[] xrIn(byte[] compound) {
        RtcpIterator it = new RtcpIterator();
        it.reset(compound, 0, compound.length);
        while (it.next()) {
            if (it.packetType() == RtcpPacketType.XR) {
                return Arrays.copyOfRange(compound, it.packetOffset(), it.packetOffset() + it.packetLength());
            }
        }
        return null;
    }
}

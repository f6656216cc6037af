package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.wire.rtp.Codec;
import io.lianmai.wire.rtp.RtpPacket;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The per-subscriber retransmission budget on made-up times (milliseconds). */
class RetransmissionBudgetTest {

    @Test
    void packetsPerSecondAreCappedByATokenBucketOfOneSecond() {
        RetransmissionBudget budget = new RetransmissionBudget(new RetransmissionLimits(0, 100, 1_000_000), 0);
        budget.onForwarded(10_000_000, 0);

        int allowed = 0;
        for (int i = 0; i < 1_000; i++) {
            allowed += budget.tryRetransmit(1_000, 0) ? 1 : 0;
        }
        assertThat(allowed).as("a full bucket at once").isEqualTo(100);
        assertThat(budget.refusedRate()).isEqualTo(900);

        // 100 per second: 10 ms buys one more.
        assertThat(budget.tryRetransmit(1_000, 5)).isFalse();
        assertThat(budget.tryRetransmit(1_000, 10)).isTrue();
        assertThat(budget.tryRetransmit(1_000, 10)).isFalse();

        // Over 10 s of NACKs every 10 ms, about 100 a second get through.
        int later = 0;
        for (long now = 20; now < 10_020; now += 10) {
            budget.onForwarded(10_000, now);
            for (int i = 0; i < 50; i++) {
                later += budget.tryRetransmit(1_000, now) ? 1 : 0;
            }
        }
        assertThat(later).isBetween(990, 1_010);
        assertThat(budget.allowed()).isEqualTo(100 + 1 + later);
    }

    @Test
    void retransmittedBytesStayWithinTheShareOfForwardedBytes() {
        RetransmissionBudget budget = new RetransmissionBudget(new RetransmissionLimits(0, 1_000_000, 50), 0);
        assertThat(budget.tryRetransmit(100, 0)).as("nothing forwarded yet").isFalse();

        budget.onForwarded(10_000, 0);
        int resent = 0;
        while (budget.tryRetransmit(1_000, 1)) {
            resent++;
        }
        assertThat(resent).as("50 % of 10,000 bytes in 1,000-byte packets").isEqualTo(5);
        assertThat(budget.refusedShare()).as("this one and the one before anything was forwarded").isEqualTo(2);

        // The next second still counts the previous one: 5,000 of 20,000 resent, 5,000 more allowed.
        budget.onForwarded(10_000, 1_000);
        int more = 0;
        while (budget.tryRetransmit(1_000, 1_001)) {
            more++;
        }
        assertThat(more).isEqualTo(5);

        // Two quiet seconds forget everything.
        assertThat(budget.tryRetransmit(1_000, 3_500)).isFalse();
        budget.onForwarded(2_000, 3_500);
        assertThat(budget.tryRetransmit(1_000, 3_501)).isTrue();
        assertThat(budget.tryRetransmit(1_000, 3_501)).isFalse();
    }

    @Test
    void aDownTrackDoesNotResendTheSamePacketWithinTheRepeatInterval() {
        PublishedTrack track = new PublishedTrack("0", Codec.OPUS, 111, 0, new String[] {null},
                new long[] {0x1111});
        RecordingSink sink = new RecordingSink();
        DownTrack downTrack = new DownTrack(track, 0x2222, 111, ExtensionIdMap.between(Map.of(), Map.of(), Set.of()), sink);
        RetransmissionBudget budget = new RetransmissionBudget(new RetransmissionLimits(100, 1_000, 100), 0);
        downTrack.limitRetransmissions(budget);
        track.addDownTrack(downTrack);
        byte[] scratch = Buffers.packetArray();
        RtpPacket packet = new RtpPacket();
        for (int seq = 0; seq < 20; seq++) {
            byte[] rtp = rtp(seq);
            assertThat(packet.wrap(rtp, 0, rtp.length)).isTrue();
            track.onRtp(packet, track.layers()[0], seq * 20L, scratch);
        }
        assertThat(sink.sent).isEqualTo(20);

        assertThat(downTrack.retransmit(10, 400, scratch)).isTrue();
        assertThat(downTrack.retransmit(10, 450, scratch)).as("again 50 ms later").isFalse();
        assertThat(downTrack.retransmit(11, 450, scratch)).as("another packet").isTrue();
        assertThat(downTrack.retransmit(10, 500, scratch)).as("a full interval later").isTrue();
        assertThat(budget.refusedRepeat()).isEqualTo(1);
        assertThat(downTrack.retransmitted()).isEqualTo(3);
        assertThat(sink.sent).isEqualTo(23);
    }

    @Test
    void theRepeatIntervalStretchesToTheSubscribersRoundTrip() {
        RetransmissionBudget budget = new RetransmissionBudget(new RetransmissionLimits(100, 1_000, 100), 0);
        assertThat(budget.repeatIntervalMillis()).as("nothing measured yet").isEqualTo(100);
        budget.setRoundTripMillis(60);
        assertThat(budget.repeatIntervalMillis()).as("a shorter round trip keeps the configured floor").isEqualTo(100);
        budget.setRoundTripMillis(320);
        assertThat(budget.repeatIntervalMillis()).isEqualTo(320);
        budget.setRoundTripMillis(5_000);
        assertThat(budget.repeatIntervalMillis()).as("bounded")
                .isEqualTo(RetransmissionBudget.MAX_REPEAT_INTERVAL_MILLIS);

        RetransmissionBudget off = new RetransmissionBudget(new RetransmissionLimits(0, 1_000, 100), 0);
        off.setRoundTripMillis(320);
        assertThat(off.repeatIntervalMillis()).as("the check turned off stays off").isZero();
    }

    @Test
    void behindAQueueTheSamePacketIsNotResentBeforeTheFirstRepairCouldArrive() {
        PublishedTrack track = new PublishedTrack("0", Codec.OPUS, 111, 0, new String[] {null},
                new long[] {0x1111});
        DownTrack downTrack = new DownTrack(track, 0x2222, 111, ExtensionIdMap.between(Map.of(), Map.of(), Set.of()),
                new RecordingSink());
        RetransmissionBudget budget = new RetransmissionBudget(new RetransmissionLimits(100, 1_000, 100), 0);
        downTrack.limitRetransmissions(budget);
        track.addDownTrack(downTrack);
        byte[] scratch = Buffers.packetArray();
        RtpPacket packet = new RtpPacket();
        for (int seq = 0; seq < 20; seq++) {
            byte[] rtp = rtp(seq);
            assertThat(packet.wrap(rtp, 0, rtp.length)).isTrue();
            track.onRtp(packet, track.layers()[0], seq * 20L, scratch);
        }
        // A player 300 ms away (delay plus a bottleneck's queue) that repeats its NACK every 100 ms, as libwebrtc's
        // receiver does when it has no round trip of its own.
        budget.setRoundTripMillis(300);

        assertThat(downTrack.retransmit(10, 400, scratch)).isTrue();
        assertThat(downTrack.retransmit(10, 505, scratch)).as("the repair is still on its way").isFalse();
        assertThat(downTrack.retransmit(10, 610, scratch)).isFalse();
        assertThat(downTrack.retransmit(10, 715, scratch)).as("a round trip later: the repair was lost").isTrue();
        assertThat(budget.refusedRepeat()).isEqualTo(2);
    }

    @Test
    void limitsAreValidated() {
        assertThatThrownBy(() -> new RetransmissionLimits(-1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetransmissionLimits(0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetransmissionLimits(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] rtp(int seq) {
        byte[] buf = new byte[12 + 100];
        buf[0] = (byte) 0x80;
        buf[1] = 111;
        buf[2] = (byte) (seq >> 8);
        buf[3] = (byte) seq;
        buf[7] = (byte) (seq * 960);
        buf[6] = (byte) ((seq * 960) >> 8);
        buf[11] = 0x11;
        buf[10] = 0x11;
        return buf;
    }

    private static final class RecordingSink implements RtpSink {
        int sent;

        @Override
        public void sendRtp(byte[] buf, int off, int len) {
            sent++;
        }

        @Override
        public void sendRtcp(byte[] buf, int off, int len) {
        }
    }
}

package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.wire.rtcp.GenericNack;
import io.lianmai.wire.rtcp.PictureLossIndication;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A player's NACKs (RFC 4585 section 6.2.1) and keyframe requests (PLI, RFC 4585 section 6.3.1; FIR, RFC 5104
 * section 4.3.1) are counted for {@code /metrics}, whether or not they name a stream the player receives.
 */
class SubscriptionFeedbackCountTest {
    private static final RtpSink DISCARD = new RtpSink() {
        @Override
        public void sendRtp(byte[] buf, int off, int len) {
        }

        @Override
        public void sendRtcp(byte[] buf, int off, int len) {
        }
    };

    @Test
    void nacksAndKeyframeRequestsAreCounted() {
        Subscription subscription = new Subscription("s", List.of(), DISCARD);
        byte[] scratch = Buffers.packetArray();
        byte[] packet = new byte[64];

        int len = GenericNack.write(packet, 0, 1, 2, new int[] {10, 11, 40}, 0, 3);
        subscription.onRtcp(packet, 0, len, 1, scratch);
        len = PictureLossIndication.write(packet, 0, 1, 2);
        subscription.onRtcp(packet, 0, len, 2, scratch);
        byte[] fir = {(byte) 0x84, (byte) 206, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 7, 0, 0, 0};
        subscription.onRtcp(fir, 0, fir.length, 3, scratch);

        assertThat(subscription.nacksReceived()).isEqualTo(1);
        assertThat(subscription.keyframeRequestsReceived()).isEqualTo(2);
        assertThat(subscription.retransmitted()).as("no down-track to resend from").isZero();
    }
}

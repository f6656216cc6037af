package io.lianmai.media.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyframeRequesterTest {
    private final KeyframeRequester requester = new KeyframeRequester(300);

    @Test
    void manyRequestsBecomeOnePerInterval() {
        requester.request();
        requester.request();
        assertThat(requester.poll(0)).isTrue();

        requester.request();
        assertThat(requester.poll(100)).isFalse();
        assertThat(requester.isPending()).isTrue();
        assertThat(requester.poll(300)).isTrue();
        assertThat(requester.poll(700)).as("nothing pending").isFalse();
        assertThat(requester.requestedCount()).isEqualTo(3);
        assertThat(requester.sentCount()).isEqualTo(2);
    }

    @Test
    void aKeyframeSatisfiesThePendingRequest() {
        requester.request();
        requester.poll(0);
        requester.request();

        requester.onKeyframe(0);

        assertThat(requester.poll(1000)).isFalse();
    }

    @Test
    void firSequenceNumberAdvancesPerRequestSent() {
        requester.request();
        requester.poll(0);
        int first = requester.firSequenceNumber();
        requester.request();
        requester.poll(300);

        assertThat(requester.firSequenceNumber()).isEqualTo((first + 1) & 0xFF);
    }
}

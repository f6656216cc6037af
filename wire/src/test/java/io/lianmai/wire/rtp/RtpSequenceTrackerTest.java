package io.lianmai.wire.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RtpSequenceTrackerTest {
    @Test
    void classifiesAcrossTheWrap() {
        RtpSequenceTracker tracker = new RtpSequenceTracker();
        assertThat(tracker.accept(65534)).isEqualTo(RtpSequenceTracker.IN_ORDER);
        assertThat(tracker.accept(65535)).isEqualTo(RtpSequenceTracker.IN_ORDER);
        assertThat(tracker.accept(0)).isEqualTo(RtpSequenceTracker.IN_ORDER);
        assertThat(tracker.accept(3)).isEqualTo(RtpSequenceTracker.GAP);
        assertThat(tracker.lostPackets()).isEqualTo(2);
        assertThat(tracker.accept(2)).isEqualTo(RtpSequenceTracker.OLD);
        assertThat(tracker.accept(3)).isEqualTo(RtpSequenceTracker.OLD);
        assertThat(tracker.accept(4)).isEqualTo(RtpSequenceTracker.IN_ORDER);
        tracker.reset();
        assertThat(tracker.accept(100)).isEqualTo(RtpSequenceTracker.IN_ORDER);
    }
}

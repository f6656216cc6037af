package io.lianmai.codec.transcode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AudioTimelineTest {
    private final AudioTimeline timeline = new AudioTimeline(480, 9600); // 10 ms tolerance, 200 ms fill

    @Test
    void jitterWithinTheToleranceIsPlayedAndNeverAccumulates() {
        assertThat(timeline.place(1_000_000, 0)).isEqualTo(AudioTimeline.PLAY);
        long output = 0;
        for (int i = 1; i <= 1000; i++) {
            output += 1024;
            long jitter = (i % 3 - 1) * 400; // ±8 ms around the true time
            assertThat(timeline.place(1_000_000 + 1024L * i + jitter, output)).isEqualTo(AudioTimeline.PLAY);
        }
        assertThat(timeline.outputPosition(1_000_000 + 48_000)).isEqualTo(48_000);
    }

    @Test
    void gapsFillOrJumpAndOverlapsDropOrResync() {
        timeline.place(0, 0);
        assertThat(timeline.place(960 + 2000, 960)).isEqualTo(AudioTimeline.FILL);
        assertThat(timeline.gap()).isEqualTo(2000);
        assertThat(timeline.place(50_000, 2960)).isEqualTo(AudioTimeline.JUMP);
        assertThat(timeline.gap()).isEqualTo(47_040);
        assertThat(timeline.place(50_000, 51_000)).isEqualTo(AudioTimeline.DROP);
        assertThat(timeline.gap()).isEqualTo(-1000);
        assertThat(timeline.place(10_000, 51_000)).isEqualTo(AudioTimeline.RESYNC);
        // the new anchor: input 10 000 is output 51 000 from now on
        assertThat(timeline.outputPosition(10_960)).isEqualTo(51_960);
        assertThat(timeline.place(10_960, 51_960)).isEqualTo(AudioTimeline.PLAY);
    }
}

package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a mix task moves a member's track by its sender reports ({@link MixTask.TrackMapping}). */
class MixTaskTest {
    @Test
    void theFirstPlausibleMappingIsTakenAndLaterOnesOnlyWhenTheyMoveTheTrackOverTheTolerance() {
        MixTask.TrackMapping audio = new MixTask.TrackMapping(48);
        // Audio captured at 10 000 ms on the mixer clock arrived 300 ms later (held up on its way).
        assertThat(audio.next(10_000, 480_000, 10_300)).isEqualTo(10_000);
        // One second later a report places the next frame 10 ms off (a report sent a little late): kept.
        assertThat(audio.next(11_010, 480_000 + 48_000, 11_300)).isNaN();
        // 40 ms off (the sender's clock moved, or a less delayed report): the track moves.
        assertThat(audio.next(12_040, 480_000 + 96_000, 12_300)).isEqualTo(12_040);
        // The RTP timestamp wraps: the tolerance still holds across it.
        MixTask.TrackMapping video = new MixTask.TrackMapping(90);
        assertThat(video.next(5_000, 0xFFFF_FFFFL - 45_000, 5_100)).isEqualTo(5_000);
        assertThat(video.next(6_005, 45_000 - 1, 6_100)).isNaN();
    }

    @Test
    void aMappingFarFromTheFramesArrivalIsRefused() {
        MixTask.TrackMapping video = new MixTask.TrackMapping(90);
        double late = RoomLiveBridge.MAX_LIP_SYNC_MOVE_MILLIS + 1;
        assertThat(video.next(20_000 + late, 90_000, 20_000)).isEqualTo(MixTask.TrackMapping.IMPLAUSIBLE);
        assertThat(video.next(20_000 - late, 90_000, 20_000)).isEqualTo(MixTask.TrackMapping.IMPLAUSIBLE);
        // Hours off (libwebrtc's synthetic video reports through a local player): refused as well.
        assertThat(video.next(20_000 + 3.6e6, 90_000, 20_000)).isEqualTo(MixTask.TrackMapping.IMPLAUSIBLE);
        // A plausible one afterwards is taken.
        assertThat(video.next(20_050, 90_000, 20_100)).isEqualTo(20_050);
    }

    @Test
    void aTracksDelayIsItsLeastDelayedFrameOnTheSendersClockMovedOntoTheMixers() {
        MixTask.TrackMapping audio = new MixTask.TrackMapping(48);
        long ntpToMixer = -3_600_000; // the sender's wall clock runs an hour ahead of the server's
        assertThat(audio.delay(ntpToMixer)).as("no frame yet").isNaN();
        audio.onFrame(-3_600_000 + 320);
        audio.onFrame(-3_600_000 + 305); // the least delayed frame counts
        audio.onFrame(-3_600_000 + 340);
        assertThat(audio.delay(ntpToMixer)).isEqualTo(305);
        assertThat(audio.delay(Long.MAX_VALUE)).as("no report yet").isNaN();
        MixTask.TrackMapping video = new MixTask.TrackMapping(90);
        video.onFrame(ntpToMixer + 20_000_000.0); // reports in another timestamp space than the packets
        assertThat(video.delay(ntpToMixer)).isEqualTo(MixTask.TrackMapping.IMPLAUSIBLE);
    }
}

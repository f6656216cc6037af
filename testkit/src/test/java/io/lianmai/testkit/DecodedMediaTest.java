package io.lianmai.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class DecodedMediaTest {
    private static final int RATE = 48_000;

    /** Three seconds of the sync signal as a perfect player would decode it, sound shifted by {@code audioLag}. */
    static DecodedMedia syncSignal(double audioLag, double audioStart) {
        int frames = 3 * AvSyncSignal.FPS;
        double[] times = new double[frames];
        double[] brightness = new double[frames];
        for (int f = 0; f < frames; f++) {
            times[f] = (double) f / AvSyncSignal.FPS;
            brightness[f] = (times[f] % 1.0) < AvSyncSignal.PULSE_SECONDS - 1e-9 ? 235 : 16;
        }
        short[] audio = new short[3 * RATE];
        for (int i = 0; i < audio.length; i++) {
            double t = audioStart + (double) i / RATE - audioLag;
            double inSecond = t - Math.floor(t);
            if (t >= 0 && inSecond < AvSyncSignal.PULSE_SECONDS) {
                audio[i] = (short) Math.round(4096 * Math.sin(2 * Math.PI * AvSyncSignal.BEEP_HZ * t));
            }
        }
        return new DecodedMedia(times, brightness, audio, RATE, audioStart);
    }

    @Test
    void flashOnsetsSkipAStreamThatStartsMidFlash() {
        DecodedMedia media = syncSignal(0, 0);
        assertThat(media.videoFrames()).isEqualTo(90);
        assertThat(media.flashOnsets(128)).containsExactly(1.0, 2.0);
    }

    @Test
    void soundOnsetsAreOnTheStreamsClockToWithinASample() {
        DecodedMedia media = syncSignal(0, 0.25);
        List<Double> beeps = media.soundOnsets(0.005, 0.03);
        assertThat(beeps).hasSize(3); // audio covers 0.25 .. 3.25 s
        for (int i = 0; i < 3; i++) {
            assertThat(beeps.get(i)).isCloseTo(i + 1.0, within(0.001));
        }
    }

    @Test
    void theSyncOffsetIsHowLateTheSoundIs() {
        assertThat(AvSyncSignal.medianOffset(syncSignal(0, 0), 2)).isCloseTo(0, within(0.001));
        assertThat(AvSyncSignal.medianOffset(syncSignal(0.080, 0), 2)).isCloseTo(0.080, within(0.001));
        assertThat(AvSyncSignal.medianOffset(syncSignal(-0.050, 0.1), 2)).isCloseTo(-0.050, within(0.001));
    }

    @Test
    void tooFewPairsIsAFailureNotAZero() {
        DecodedMedia silent = new DecodedMedia(syncSignal(0, 0).frameTimes(), syncSignal(0, 0).frameBrightness(),
                new short[3 * RATE], RATE, 0);
        assertThat(AvSyncSignal.offsets(silent)).isEmpty();
        assertThatThrownBy(() -> AvSyncSignal.medianOffset(silent, 1)).isInstanceOf(AssertionError.class);
    }

    @Test
    void theToneIsMeasuredInTheMiddleOfWhatWasDecoded() {
        short[] audio = ToneDetectorTest.sine(440, 0.125, RATE, 3 * RATE);
        DecodedMedia media = new DecodedMedia(new double[0], new double[0], audio, RATE, 0);
        assertThat(media.audioSeconds()).isEqualTo(3.0);
        assertThat(media.dominantFrequency(50, 4000)).isCloseTo(440, within(0.5));
        assertThat(media.toneShare(440)).isGreaterThan(0.9);
        DecodedMedia tooShort = new DecodedMedia(new double[0], new double[0], new short[100], RATE, 0);
        assertThatThrownBy(() -> tooShort.dominantFrequency(50, 4000)).isInstanceOf(AssertionError.class);
    }
}

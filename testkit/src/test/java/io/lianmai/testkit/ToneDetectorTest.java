package io.lianmai.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ToneDetectorTest {
    private static final int RATE = 48_000;

    static short[] sine(double hz, double amplitude, int rate, int samples) {
        short[] pcm = new short[samples];
        for (int i = 0; i < samples; i++) {
            pcm[i] = (short) Math.round(amplitude * 32767 * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return pcm;
    }

    @Test
    void findsAPureToneToWithinAFractionOfAHertz() {
        assertThat(ToneDetector.dominantFrequency(sine(440, 0.125, RATE, RATE), RATE, 50, 4000))
                .isCloseTo(440, within(0.5));
        assertThat(ToneDetector.dominantFrequency(sine(1000.4, 0.5, 44_100, 44_100), 44_100, 50, 4000))
                .isCloseTo(1000.4, within(0.5));
    }

    @Test
    void findsTheToneUnderNoiseAndTheLouderOfTwo() {
        short[] pcm = sine(440, 0.1, RATE, RATE);
        short[] other = sine(1500, 0.03, RATE, RATE);
        Random random = new Random(7);
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (short) (pcm[i] + other[i] + random.nextGaussian() * 0.03 * 32767);
        }
        assertThat(ToneDetector.dominantFrequency(pcm, RATE, 50, 4000)).isCloseTo(440, within(1.0));
    }

    @Test
    void toneShareTellsAToneFromNoiseAndSilence() {
        short[] noise = new short[RATE];
        Random random = new Random(11);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (short) (random.nextGaussian() * 3000);
        }
        assertThat(ToneDetector.toneShare(sine(440, 0.125, RATE, RATE), 0, RATE, RATE, 440, 10)).isGreaterThan(0.9);
        assertThat(ToneDetector.toneShare(sine(880, 0.125, RATE, RATE), 0, RATE, RATE, 440, 10)).isLessThan(0.01);
        assertThat(ToneDetector.toneShare(noise, 0, RATE, RATE, 440, 10)).isLessThan(0.05);
        assertThat(ToneDetector.toneShare(new short[RATE], 0, RATE, RATE, 440, 10)).isZero();
    }

    @Test
    void measuresOnlyTheBlockAskedFor() {
        short[] pcm = new short[2 * RATE];
        System.arraycopy(sine(700, 0.2, RATE, RATE), 0, pcm, RATE, RATE);
        System.arraycopy(sine(300, 0.2, RATE, RATE), 0, pcm, 0, RATE);
        assertThat(ToneDetector.dominantFrequency(pcm, RATE, RATE, RATE, 50, 4000)).isCloseTo(700, within(0.5));
        assertThat(ToneDetector.dominantFrequency(pcm, 0, RATE, RATE, 50, 4000)).isCloseTo(300, within(0.5));
    }

    @Test
    void refusesABlockOutsideTheSamplesOrABandAboveNyquist() {
        assertThatThrownBy(() -> ToneDetector.dominantFrequency(new short[10], 5, 10, RATE, 50, 4000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ToneDetector.dominantFrequency(new short[10], RATE, 50, RATE))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

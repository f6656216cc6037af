package io.lianmai.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the frequency of a tone in decoded PCM, so an end-to-end test can assert that what a player hears is the
 * sine the publisher sent (440 Hz in, 440 Hz out) rather than that some audio packets arrived.
 *
 * <p>It scans candidate frequencies with the Goertzel algorithm (one DFT bin per frequency, G. Goertzel, "An
 * Algorithm for the Evaluation of Finite Trigonometric Series", 1958) over a Hann-windowed block, then refines the
 * strongest 1 Hz step with a parabola through its neighbours. A one-second block resolves a pure tone to well under
 * 1 Hz, which is all a codec round trip (AAC, Opus, resampling) needs.
 */
public final class ToneDetector {
    private ToneDetector() {
    }

    /**
     * The strongest frequency between {@code minHz} and {@code maxHz} in {@code samples[from, from + length)}, in Hz.
     *
     * @param samples    mono PCM, any scale
     * @param sampleRate samples per second
     */
    public static double dominantFrequency(short[] samples, int from, int length, int sampleRate, double minHz,
            double maxHz) {
        if (from < 0 || length <= 0 || from + length > samples.length) {
            throw new IllegalArgumentException("block [" + from + ", " + (from + length) + ") outside "
                    + samples.length + " samples");
        }
        if (!(minHz > 0 && minHz < maxHz && maxHz < sampleRate / 2.0)) {
            throw new IllegalArgumentException("need 0 < minHz < maxHz < sampleRate / 2");
        }
        double[] block = hann(samples, from, length);
        int steps = (int) Math.floor(maxHz - minHz) + 1;
        int best = 0;
        double bestPower = -1;
        double[] power = new double[steps];
        for (int i = 0; i < steps; i++) {
            power[i] = power(block, sampleRate, minHz + i);
            if (power[i] > bestPower) {
                bestPower = power[i];
                best = i;
            }
        }
        double shift = 0;
        if (best > 0 && best < steps - 1) {
            double left = power[best - 1];
            double right = power[best + 1];
            double denominator = left - 2 * power[best] + right;
            if (denominator != 0) {
                shift = 0.5 * (left - right) / denominator;
            }
        }
        return minHz + best + shift;
    }

    /** {@link #dominantFrequency(short[], int, int, int, double, double)} over the whole array. */
    public static double dominantFrequency(short[] samples, int sampleRate, double minHz, double maxHz) {
        return dominantFrequency(samples, 0, samples.length, sampleRate, minHz, maxHz);
    }

    /**
     * The share of a block's energy that lies within {@code ±toleranceHz} of {@code hz} (0..1): near 1 for a clean
     * tone, near 0 for silence or for a different sound. A dominant frequency alone cannot tell a tone from noise.
     */
    public static double toneShare(short[] samples, int from, int length, int sampleRate, double hz,
            double toleranceHz) {
        double[] block = hann(samples, from, length);
        double total = 0;
        for (double v : block) {
            total += v * v;
        }
        if (total == 0) {
            return 0;
        }
        // Parseval: sum over all bins of |X(k)|^2 = N * sum of x^2; one-sided spectrum doubles the tone's bins.
        double binHz = (double) sampleRate / length;
        double near = 0;
        for (double f = Math.max(binHz, hz - toleranceHz); f <= hz + toleranceHz; f += binHz) {
            near += 2 * power(block, sampleRate, f);
        }
        return Math.min(1, near / (length * total));
    }

    /**
     * Writes {@code seconds} of a {@code hz} sine (amplitude 1/4) as a mono 16-bit PCM WAV file at {@code sampleRate}:
     * a known sound for a browser's fake microphone. A whole number of cycles per second keeps a looped file seamless.
     */
    public static Path writeWav(Path file, int hz, int seconds, int sampleRate) throws IOException {
        int samples = seconds * sampleRate;
        ByteBuffer wav = ByteBuffer.allocate(44 + 2 * samples).order(ByteOrder.LITTLE_ENDIAN);
        wav.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 2 * samples)
                .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(sampleRate).putInt(2 * sampleRate).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(2 * samples);
        for (int i = 0; i < samples; i++) {
            wav.putShort((short) Math.round(0.25 * 32767 * Math.sin(2 * Math.PI * hz * i / sampleRate)));
        }
        return Files.write(file, wav.array());
    }

    /** The squared magnitude of the DFT of {@code block} at {@code hz} (Goertzel). */
    static double power(double[] block, int sampleRate, double hz) {
        double coefficient = 2 * Math.cos(2 * Math.PI * hz / sampleRate);
        double previous = 0;
        double beforePrevious = 0;
        for (double x : block) {
            double current = x + coefficient * previous - beforePrevious;
            beforePrevious = previous;
            previous = current;
        }
        return previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
    }

    private static double[] hann(short[] samples, int from, int length) {
        double[] block = new double[length];
        for (int i = 0; i < length; i++) {
            double window = length == 1 ? 1 : 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (length - 1));
            block[i] = samples[from + i] * window;
        }
        return block;
    }
}

package io.lianmai.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * What a player decoded from a stream: each video frame's presentation time and mean brightness, and the audio as
 * mono 16-bit PCM with the presentation time of its first sample. Both clocks are the stream's own, so a flash in
 * the video and a beep in the audio can be compared (see {@link AvSyncSignal}).
 *
 * @param frameTimes      presentation time of each decoded video frame, seconds, in decoding order
 * @param frameBrightness mean luma of each frame, 0..255
 * @param audio           decoded audio, mono
 * @param sampleRate      audio samples per second
 * @param audioStart      presentation time of {@code audio[0]}, seconds (NaN when there was no audio)
 */
public record DecodedMedia(double[] frameTimes, double[] frameBrightness, short[] audio, int sampleRate,
        double audioStart) {

    /** How many video frames were decoded. */
    public int videoFrames() {
        return frameTimes.length;
    }

    /** Seconds of audio decoded. */
    public double audioSeconds() {
        return (double) audio.length / sampleRate;
    }

    /**
     * The dominant frequency of the audio between {@code minHz} and {@code maxHz}, measured over the middle second
     * (or less, when less was decoded) so that the codec's start-up and the cut at the end stay out of it.
     */
    public double dominantFrequency(double minHz, double maxHz) {
        int length = Math.min(sampleRate, audio.length / 2);
        if (length < sampleRate / 10) {
            throw new AssertionError("only " + audio.length + " audio samples decoded: too few to hear a tone");
        }
        return ToneDetector.dominantFrequency(audio, (audio.length - length) / 2, length, sampleRate, minHz, maxHz);
    }

    /** The share of the middle block's energy within ±10 Hz of {@code hz}; see {@link ToneDetector#toneShare}. */
    public double toneShare(double hz) {
        int length = Math.min(sampleRate, audio.length / 2);
        if (length < sampleRate / 10) {
            throw new AssertionError("only " + audio.length + " audio samples decoded: too few to hear a tone");
        }
        return ToneDetector.toneShare(audio, (audio.length - length) / 2, length, sampleRate, hz, 10);
    }

    /** Presentation times of the frames where the picture turns bright (mean luma crosses {@code threshold}). */
    public List<Double> flashOnsets(double threshold) {
        List<Double> onsets = new ArrayList<>();
        boolean bright = true; // a stream that starts mid-flash has no measurable onset there
        for (int i = 0; i < frameTimes.length; i++) {
            boolean now = frameBrightness[i] >= threshold;
            if (now && !bright) {
                onsets.add(frameTimes[i]);
            }
            bright = now;
        }
        return onsets;
    }

    /**
     * Presentation times where a sound starts after silence: the first sample of each {@code windowSeconds}
     * window whose RMS reaches {@code rmsThreshold} (of 32767) after one below it, refined to the first sample in
     * that window whose magnitude reaches the threshold.
     */
    public List<Double> soundOnsets(double windowSeconds, double rmsThreshold) {
        List<Double> onsets = new ArrayList<>();
        int window = Math.max(1, (int) Math.round(windowSeconds * sampleRate));
        boolean loud = true; // likewise: a beep already sounding when the stream starts is not an onset
        double limit = rmsThreshold * 32767;
        for (int start = 0; start + window <= audio.length; start += window) {
            double sum = 0;
            for (int i = start; i < start + window; i++) {
                sum += (double) audio[i] * audio[i];
            }
            boolean now = Math.sqrt(sum / window) >= limit;
            if (now && !loud) {
                int first = start;
                int from = Math.max(0, start - window);
                for (int i = from; i < start + window; i++) {
                    if (Math.abs(audio[i]) >= limit) {
                        first = i;
                        break;
                    }
                }
                onsets.add(audioStart + (double) first / sampleRate);
            }
            loud = now;
        }
        return onsets;
    }
}

package io.lianmai.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A publisher's signal for measuring audio/video sync, and its measurement on the player's side: the picture is
 * black with a white flash at the start of every second, and the sound is silent with a beep at the start of every
 * second. In the source both start on the same instant, so at the player the time from each decoded flash to the
 * nearest decoded beep is how far the stream has pulled sound and picture apart (positive: sound late).
 *
 * <p>The signal is made by ffmpeg's {@code lavfi} sources, given to it as two inputs ({@code -f lavfi -i VIDEO
 * -f lavfi -i AUDIO}).
 */
public final class AvSyncSignal {
    /** How long each flash and beep lasts, seconds: several video frames and audio codec frames. */
    public static final double PULSE_SECONDS = 0.2;
    /** Pitch of the beep, Hz. */
    public static final int BEEP_HZ = 1000;
    /** Frame rate of the flashing picture. */
    public static final int FPS = 30;

    private AvSyncSignal() {
    }

    /** The lavfi video source: {@code width}×{@code height} black, white for the first {@value #PULSE_SECONDS} s of each second. */
    public static String video(int width, int height) {
        return String.format(Locale.ROOT, "color=c=black:s=%dx%d:r=%d,drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill"
                + ":enable='lt(mod(t\\,1)\\,%.3f)'", width, height, FPS, PULSE_SECONDS);
    }

    /**
     * The lavfi audio source: silence with a {@value #BEEP_HZ} Hz beep (amplitude 1/8) for the first
     * {@value #PULSE_SECONDS} s of each second. The expression is evaluated per sample ({@code aevalsrc}); gating a
     * {@code sine} with a timeline {@code enable} would switch only on its 1024-sample frames and start each beep up
     * to 23 ms late.
     */
    public static String audio(int sampleRate) {
        return audio(sampleRate, BEEP_HZ);
    }

    /** {@link #audio(int)} with a beep of {@code hz} Hz (to tell two publishers' beeps apart in a mix). */
    public static String audio(int sampleRate, int hz) {
        return String.format(Locale.ROOT, "aevalsrc='if(lt(mod(t\\,1)\\,%.3f)\\,0.125*sin(2*PI*%d*t)\\,0)'"
                + ":s=%d:c=mono", PULSE_SECONDS, hz, sampleRate);
    }

    /**
     * An ffmpeg audio filter chain (ending in a comma, for {@link FfmpegDecoder#decode}) that keeps a beep of
     * {@code hz} Hz and drops one two octaves or more away: two band-passes of Q 5 (together under 1 % at 3× the
     * frequency, ~3 ms of delay at 1 kHz).
     */
    public static String beepFilter(int hz) {
        String one = String.format(Locale.ROOT, "bandpass=f=%d:width_type=q:w=5,", hz);
        return one + one;
    }

    /**
     * For each flash onset in {@code decoded}, the beep onset nearest to it minus the flash's time, in seconds
     * (positive when the sound comes late). Flashes with no beep within half a second are left out.
     */
    public static List<Double> offsets(DecodedMedia decoded) {
        List<Double> flashes = decoded.flashOnsets(128);
        // lavfi's sine has amplitude 1/8 (RMS ~0.088); AAC and Opus keep it near that, silence stays near 0.
        List<Double> beeps = decoded.soundOnsets(0.005, 0.03);
        List<Double> offsets = new ArrayList<>();
        for (double flash : flashes) {
            double nearest = Double.NaN;
            for (double beep : beeps) {
                if (Double.isNaN(nearest) || Math.abs(beep - flash) < Math.abs(nearest - flash)) {
                    nearest = beep;
                }
            }
            if (!Double.isNaN(nearest) && Math.abs(nearest - flash) < 0.5) {
                offsets.add(nearest - flash);
            }
        }
        return offsets;
    }

    /** The median of {@link #offsets}, seconds; fails when fewer than {@code minPairs} flash–beep pairs were found. */
    public static double medianOffset(DecodedMedia decoded, int minPairs) {
        List<Double> offsets = new ArrayList<>(offsets(decoded));
        if (offsets.size() < minPairs) {
            throw new AssertionError("found " + offsets.size() + " flash/beep pairs, need " + minPairs
                    + "; flashes " + decoded.flashOnsets(128) + ", beeps " + decoded.soundOnsets(0.005, 0.03));
        }
        offsets.sort(Double::compare);
        return offsets.get(offsets.size() / 2);
    }
}

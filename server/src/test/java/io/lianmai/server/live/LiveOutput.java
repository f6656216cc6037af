package io.lianmai.server.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lianmai.testkit.DecodedMedia;
import io.lianmai.testkit.FfmpegDecoder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a viewer of a live output relies on, checked by decoding it: the picture moves at the publisher's frame rate
 * and the sound is the publisher's tone. {@link FfmpegRtmp#publish} sends 30 fps and a {@value #TONE_HZ} Hz sine.
 */
public final class LiveOutput {
    /** The publisher's tone, Hz. */
    public static final int TONE_HZ = 440;
    /** Stream time decoded. */
    public static final Duration DECODED = Duration.ofSeconds(3);
    /**
     * Fewest video frames in {@link #DECODED} of a 30 fps publisher: 90 are sent; a player may start a frame or two
     * late and ffmpeg stops at the first packet past the limit, so allow a few, but not a dropped tenth.
     */
    public static final int MIN_FRAMES = 80;
    /** How far the decoded tone may be from the sent one: AAC and Opus keep a sine's pitch to a fraction of 1 Hz. */
    public static final double TONE_TOLERANCE_HZ = 3;

    private LiveOutput() {
    }

    /**
     * Plays {@code url} with ffmpeg (retrying for up to 30 s until it is live), decodes {@link #DECODED} of it and
     * asserts the frame count and the tone; returns what was decoded for further checks.
     */
    public static DecodedMedia assertSeenAndHeard(Path dir, String url) throws IOException, InterruptedException {
        return assertSeenAndHeard(dir, url, MIN_FRAMES);
    }

    /** Like {@link #assertSeenAndHeard(Path, String)} with a publisher whose frame rate may drop to {@code minFrames}. */
    public static DecodedMedia assertSeenAndHeard(Path dir, String url, int minFrames) throws IOException,
            InterruptedException {
        return assertSeenAndHeard(dir, url, minFrames, TONE_HZ);
    }

    /**
     * Like {@link #assertSeenAndHeard(Path, String, int)} with a publisher whose tone is {@code toneHz}: a browser
     * whose echo canceller also hears another member's {@value #TONE_HZ} Hz would cancel its own microphone's tone of
     * the same pitch, so it is given another.
     */
    public static DecodedMedia assertSeenAndHeard(Path dir, String url, int minFrames, int toneHz)
            throws IOException, InterruptedException {
        DecodedMedia decoded = FfmpegDecoder.find(dir).decodeWhenLive(url, DECODED, Duration.ofSeconds(30));
        assertThat(decoded.videoFrames()).as("video frames decoded from %s in %s of stream", url, DECODED)
                .isGreaterThanOrEqualTo(minFrames);
        assertThat(decoded.audioSeconds()).as("seconds of audio decoded from %s", url).isGreaterThan(2.5);
        assertThat(decoded.dominantFrequency(50, 4000)).as("the tone heard from %s", url)
                .isCloseTo(toneHz, within(TONE_TOLERANCE_HZ));
        assertThat(decoded.toneShare(toneHz)).as("share of the sound that is the tone in %s", url)
                .isGreaterThan(0.8);
        return decoded;
    }
}

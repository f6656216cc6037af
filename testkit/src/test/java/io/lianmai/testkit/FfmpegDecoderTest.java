package io.lianmai.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decoder against files ffmpeg itself encodes, so what it should find is known exactly. */
class FfmpegDecoderTest {
    @TempDir
    Path dir;

    private Path encode(String name, String video, String audio, String... codecs) throws Exception {
        FfmpegDecoder.find(dir); // skips loudly without ffmpeg
        Path out = dir.resolve(name);
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/ffmpeg", "-hide_banner", "-loglevel",
                "error", "-y", "-f", "lavfi", "-i", video, "-f", "lavfi", "-i", audio, "-t", "4"));
        command.addAll(List.of(codecs));
        command.add(out.toString());
        Process process = new ProcessBuilder(command).inheritIO().start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        return out;
    }

    @Test
    void countsDecodedFramesAndHearsTheTone() throws Exception {
        Path flv = encode("tone.flv", "testsrc2=size=320x240:rate=30", "sine=frequency=440:sample_rate=44100",
                "-c:v", "libx264", "-preset", "veryfast", "-g", "30", "-c:a", "aac", "-f", "flv");
        DecodedMedia decoded = FfmpegDecoder.find(dir).decode(flv.toString(), Duration.ofSeconds(3),
                Duration.ofSeconds(30));
        assertThat(decoded.videoFrames()).isBetween(88, 91);
        assertThat(decoded.frameTimes()[1] - decoded.frameTimes()[0]).isCloseTo(1 / 30.0, within(0.002));
        assertThat(decoded.audioSeconds()).isCloseTo(3.0, within(0.1));
        assertThat(decoded.dominantFrequency(50, 4000)).isCloseTo(440, within(2.0));
        assertThat(decoded.toneShare(440)).isGreaterThan(0.9);
    }

    @Test
    void measuresTheSyncOfAFileThatIsInSync() throws Exception {
        Path flv = encode("sync.flv", AvSyncSignal.video(320, 240), AvSyncSignal.audio(44_100),
                "-c:v", "libx264", "-preset", "veryfast", "-g", "30", "-c:a", "aac", "-f", "flv");
        DecodedMedia decoded = FfmpegDecoder.find(dir).decode(flv.toString(), Duration.ofSeconds(4),
                Duration.ofSeconds(30));
        List<Double> offsets = AvSyncSignal.offsets(decoded);
        assertThat(offsets).hasSizeGreaterThanOrEqualTo(3);
        // ffmpeg's AAC encoder and decoder agree on the priming delay, so flash and beep come out on the same instant,
        // give or take the AAC frame edges.
        assertThat(AvSyncSignal.medianOffset(decoded, 3)).as("offsets %s", offsets).isCloseTo(0.0, within(0.002));
    }

    @Test
    void theToneWavIsWhatFfmpegHears() throws Exception {
        Path wav = ToneDetector.writeWav(dir.resolve("tone.wav"), 440, 2, 48_000);
        Path flv = encode("wav.flv", "testsrc2=size=160x120:rate=30", "amovie=" + wav, "-c:v", "libx264", "-preset",
                "veryfast", "-c:a", "aac", "-f", "flv");
        DecodedMedia decoded = FfmpegDecoder.find(dir).decode(flv.toString(), Duration.ofSeconds(2),
                Duration.ofSeconds(30));
        assertThat(decoded.dominantFrequency(50, 4000)).isCloseTo(440, within(1.0));
        assertThat(decoded.toneShare(440)).isGreaterThan(0.9);
    }

    @Test
    void aMissingInputFailsWithFfmpegsReason() throws Exception {
        FfmpegDecoder decoder = FfmpegDecoder.find(dir);
        assertThatThrownBy(() -> decoder.decode(dir.resolve("none.flv").toString(), Duration.ofSeconds(1),
                Duration.ofSeconds(20))).isInstanceOf(AssertionError.class).hasMessageContaining("No such file");
    }
}

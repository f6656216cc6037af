package io.lianmai.codec.mix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lianmai.codec.TestMedia;
import io.lianmai.codec.TestMedia.Pcm;
import io.lianmai.codec.aac.AudioSpecificConfig;
import io.lianmai.codec.mix.SyntheticMember.Arrival;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four synthetic members (solid colour pictures over H.264 and VP8, one without video; a distinct tone each over
 * Opus and AAC) mixed into a grid; the FLV of the output is probed and decoded by the ffmpeg/ffprobe command-line
 * tools.
 */
class MixerTest {
    static final int W = 640;
    static final int H = 360;
    static final int FPS = 25;
    static final int GOP = 25;
    static final int RED = 0xE02020;
    static final int GREEN = 0x20C040;
    static final int BLUE = 0x2040E0;
    static final int PLACEHOLDER = 0xF0E020;
    static final double[] TONES = {500, 700, 1100, 1700};

    @TempDir
    Path dir;

    @Test
    void gridOfFourMembersDecodesWithColoursTonesSizeRateAndGop() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ffmpeg")), "ffmpeg is not installed: skipped");
        MixOutputs outputs = new MixOutputs();
        Mixer.Config config = Mixer.Config.DEFAULTS.withSize(W, H).withFps(FPS).withGopFrames(GOP)
                .withVideoBitrate(800_000).withBackground(0x000000);
        List<Arrival> arrivals = new ArrayList<>();
        AudioOutput aacOut;
        try (Mixer mixer = new Mixer(config, null, outputs)) {
            mixer.setLayout(MixLayout.grid().withPlaceholder(PLACEHOLDER));
            // a: H.264 red + Opus 500 Hz, clocks from "sender reports"
            MixInput av = mixer.addH264Input("a", 0);
            MixInput aa = mixer.addOpusInput("a");
            av.setClockMapping(1_000_000, 100);
            aa.setClockMapping(2_000_000, 100);
            arrivals.addAll(SyntheticMember.arrivals(av, SyntheticMember.video(true, 320, 240, 4, 100, 1_000_000,
                    i -> SyntheticMember.solid(320, 240, RED)), 40, 1));
            arrivals.addAll(SyntheticMember.arrivals(aa, SyntheticMember.opus(TestMedia.tone(TONES[0], 48_000, 4,
                    0.2), 100, 2_000_000), 20, 2));
            // b: VP8 green (4:3 into a 16:9 cell: cropped) + AAC 44.1 kHz 700 Hz, arrival-time clocks
            MixInput bv = mixer.addVp8Input("b", 0);
            AudioSpecificConfig[] asc = new AudioSpecificConfig[1];
            List<SyntheticMember.Frame> bAudio = SyntheticMember.aac(TestMedia.tone(TONES[1], 44_100, 4, 0.2),
                    44_100, 100, asc);
            MixInput ba = mixer.addAacInput("b", asc[0]);
            arrivals.addAll(SyntheticMember.arrivals(bv, SyntheticMember.video(false, 320, 240, 4, 100, 7,
                    i -> SyntheticMember.solid(320, 240, GREEN)), 0, 3));
            arrivals.addAll(SyntheticMember.arrivals(ba, bAudio, 0, 4));
            // c: H.264 blue at another size + Opus 1100 Hz
            MixInput cv = mixer.addH264Input("c", 0);
            MixInput ca = mixer.addOpusInput("c");
            cv.setClockMapping(0, 100);
            ca.setClockMapping(0, 100);
            arrivals.addAll(SyntheticMember.arrivals(cv, SyntheticMember.video(true, 640, 360, 4, 100, 0,
                    i -> SyntheticMember.solid(640, 360, BLUE)), 60, 5));
            arrivals.addAll(SyntheticMember.arrivals(ca, SyntheticMember.opus(TestMedia.tone(TONES[2], 48_000, 4,
                    0.2), 100, 0), 30, 6));
            // d: audio only, 1700 Hz: its cell shows the placeholder
            MixInput da = mixer.addOpusInput("d");
            arrivals.addAll(SyntheticMember.arrivals(da, SyntheticMember.opus(TestMedia.tone(TONES[3], 48_000, 4,
                    0.2), 100, 555), 10, 7));
            aacOut = mixer.addAacOutput(48_000, 2, 128_000, null, outputs::onAac);
            mixer.addOpusOutput(2, 64_000, "a", outputs::onOpus); // what member a hears: everyone but a
            SyntheticMember.run(mixer, arrivals, 4300);
            assertThat(mixer.framesSkipped()).isZero();
            assertThat(av.corruptFrames() + bv.corruptFrames() + cv.corruptFrames()).isZero();
            assertThat(mixer.regions()).extracting(Region::userId).containsExactly("a", "b", "c", "d");
            // a member stays in the layout while it has any input, and leaves with its last one
            mixer.removeInput(cv);
            assertThat(mixer.regions()).extracting(Region::userId).containsExactly("a", "b", "c", "d");
            mixer.removeInput(ca);
            assertThat(mixer.regions()).extracting(Region::userId).containsExactly("a", "b", "d");
        }
        Path flv = dir.resolve("mix.flv");
        outputs.writeFlv(flv, aacOut.audioSpecificConfig());

        // size and frame rate
        String stream = run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                "stream=width,height,avg_frame_rate", "-of", "csv=p=0", flv.toString()).trim();
        assertThat(stream).isEqualTo(W + "," + H + "," + FPS + "/1");
        // GOP: a keyframe exactly every GOP pictures, and the frame interval 1/FPS
        String[] frames = run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                "frame=key_frame,pts_time", "-of", "csv=p=0", flv.toString()).trim().split("\n");
        assertThat(frames.length).isGreaterThanOrEqualTo(4 * FPS);
        for (int i = 0; i < frames.length; i++) {
            String[] f = frames[i].split(",");
            assertThat(f[0]).as("key_frame of picture %d", i).isEqualTo(i % GOP == 0 ? "1" : "0");
            assertThat(Double.parseDouble(f[1])).as("pts of picture %d", i).isCloseTo(i / (double) FPS,
                    org.assertj.core.data.Offset.offset(0.0011));
        }

        // colours where the grid puts them (2×2 cells of 320×180), sampled at the centre of each cell at t = 2 s
        Path yuv = dir.resolve("v.yuv");
        Path pcm = dir.resolve("a.f32");
        run("ffmpeg", "-v", "error", "-i", flv.toString(), "-map", "0:v", "-f", "rawvideo", "-pix_fmt", "yuv420p",
                yuv.toString(), "-map", "0:a", "-ac", "1", "-ar", "48000", "-f", "f32le", pcm.toString());
        byte[] video = Files.readAllBytes(yuv);
        int frameBytes = W * H * 3 / 2;
        int at = 2 * FPS;
        assertColour(video, at * frameBytes, 160, 90, RED, "a (H.264, top left)");
        assertColour(video, at * frameBytes, 480, 90, GREEN, "b (VP8, top right)");
        assertColour(video, at * frameBytes, 160, 270, BLUE, "c (H.264, bottom left)");
        assertColour(video, at * frameBytes, 480, 270, PLACEHOLDER, "d (no video: placeholder)");

        // every tone in the AAC mix, each with about a quarter of the power
        float[] mixed = floats(Files.readAllBytes(pcm));
        int from = 48_000;
        int to = 3 * 48_000;
        for (double tone : TONES) {
            assertThat(TestMedia.toneShare(mixed, from, to, tone, 48_000)).as("share of %s Hz in the mix", tone)
                    .isGreaterThan(0.15);
        }
        // the mix-minus for a (Opus) has b, c, d but not a
        Pcm minus = TestMedia.decodeAudio("opus", null, MixOutputs.bytes(outputs.opus));
        float[] left = minus.channel(0);
        assertThat(TestMedia.toneShare(left, from, to, TONES[0], 48_000)).as("a's own tone").isLessThan(0.01);
        for (int i = 1; i < 4; i++) {
            assertThat(TestMedia.toneShare(left, from, to, TONES[i], 48_000)).as("%s Hz for a", TONES[i])
                    .isGreaterThan(0.2);
        }
    }

    /**
     * A 1280×720 output is encoded as two slices on two threads ({@link H264Output#LARGE_PICTURE}): the stream
     * decodes without errors and every cell, in the top and the bottom slice, has its member's colour.
     */
    @Test
    void a720pMixEncodedInTwoSlicesDecodesWithEveryColourInPlace() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ffmpeg")), "ffmpeg is not installed: skipped");
        int w = 1280;
        int h = 720;
        MixOutputs outputs = new MixOutputs();
        Mixer.Config config = Mixer.Config.DEFAULTS.withSize(w, h).withFps(FPS).withGopFrames(GOP)
                .withVideoBitrate(1_500_000).withBackground(0x000000);
        List<Arrival> arrivals = new ArrayList<>();
        AudioOutput aacOut;
        try (Mixer mixer = new Mixer(config, null, outputs)) {
            mixer.setLayout(MixLayout.grid().withPlaceholder(PLACEHOLDER));
            int[] colours = {RED, GREEN, BLUE};
            for (int m = 0; m < 3; m++) {
                int colour = colours[m];
                MixInput video = mixer.addH264Input("m" + m, 0);
                video.setClockMapping(0, 100);
                arrivals.addAll(SyntheticMember.arrivals(video, SyntheticMember.video(true, 640, 360, 3, 100, 0,
                        i -> SyntheticMember.solid(640, 360, colour)), 10 * m, m + 1));
            }
            MixInput voice = mixer.addOpusInput("d");
            arrivals.addAll(SyntheticMember.arrivals(voice, SyntheticMember.opus(TestMedia.tone(TONES[3], 48_000, 3,
                    0.2), 100, 555), 10, 7));
            aacOut = mixer.addAacOutput(48_000, 2, 128_000, null, outputs::onAac);
            SyntheticMember.run(mixer, arrivals, 3300);
        }
        Path flv = dir.resolve("mix720.flv");
        outputs.writeFlv(flv, aacOut.audioSpecificConfig());
        assertThat(run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
                "-of", "csv=p=0", flv.toString()).trim()).isEqualTo(w + "," + h);
        Path yuv = dir.resolve("v720.yuv");
        String errors = run("ffmpeg", "-v", "error", "-xerror", "-i", flv.toString(), "-map", "0:v", "-f", "rawvideo",
                "-pix_fmt", "yuv420p", yuv.toString());
        assertThat(errors.trim()).as("decoder errors").isEmpty();
        byte[] video = Files.readAllBytes(yuv);
        int frameBytes = w * h * 3 / 2;
        int at = 2 * FPS;
        assertThat(video.length).isGreaterThanOrEqualTo((at + 1) * frameBytes);
        assertColour(video, at * frameBytes, w, h, 320, 180, RED, "m0 (top left, first slice)");
        assertColour(video, at * frameBytes, w, h, 960, 180, GREEN, "m1 (top right, first slice)");
        assertColour(video, at * frameBytes, w, h, 320, 540, BLUE, "m2 (bottom left, second slice)");
        assertColour(video, at * frameBytes, w, h, 960, 540, PLACEHOLDER, "d (bottom right, second slice)");
    }

    @Test
    void anAudioOnlyMixEncodesNoVideoAndMixesAudioOfMembersWithoutAPlace() {
        MixOutputs outputs = new MixOutputs();
        Mixer.Config config = Mixer.Config.DEFAULTS.withSize(W, H).withFps(FPS).withGopFrames(GOP);
        try (Mixer mixer = new Mixer(config, null, null)) {
            assertThatThrownBy(() -> mixer.addH264Input("a", 0)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> mixer.addVp8Input("a", 0)).isInstanceOf(IllegalStateException.class);
            AudioOutput aac = mixer.addAacOutput(48_000, 1, 64_000, null, outputs::onAac);
            MixInput placed = mixer.addOpusInput("a");
            MixInput unplaced = mixer.addOpusInput("b", false);
            assertThat(mixer.regions()).extracting(Region::userId).as("b's audio takes no place").containsExactly("a");
            List<SyntheticMember.Arrival> arrivals = new ArrayList<>();
            arrivals.addAll(SyntheticMember.arrivals(placed, SyntheticMember.opus(TestMedia.tone(TONES[0], 48_000, 4,
                    0.2), 0, 0), 0, 1));
            arrivals.addAll(SyntheticMember.arrivals(unplaced, SyntheticMember.opus(TestMedia.tone(TONES[2],
                    48_000, 4, 0.2), 0, 0), 0, 2));
            SyntheticMember.run(mixer, arrivals, 4_000);
            assertThat(mixer.framesOut()).isZero();
            assertThat(mixer.sequenceHeader()).isNull();
            assertThat(outputs.video).isEmpty();
            Pcm mixed = TestMedia.decodeAudio("aac", aac.audioSpecificConfig().toBytes(),
                    MixOutputs.bytes(outputs.aac));
            float[] mono = mixed.channel(0);
            for (double tone : new double[] {TONES[0], TONES[2]}) {
                assertThat(TestMedia.toneShare(mono, 48_000, 3 * 48_000, tone, 48_000))
                        .as("share of %s Hz in the audio-only mix", tone).isGreaterThan(0.3);
            }
            mixer.removeInput(placed);
            assertThat(mixer.regions()).isEmpty();
        }
    }

    static void assertColour(byte[] video, int frameOffset, int x, int y, int rgb, String what) {
        assertColour(video, frameOffset, W, H, x, y, rgb, what);
    }

    /** As above, in pictures of {@code width}×{@code height}. */
    static void assertColour(byte[] video, int frameOffset, int width, int height, int x, int y, int rgb,
            String what) {
        int[] expected = SyntheticMember.yuvOf(rgb);
        int yv = video[frameOffset + y * width + x] & 0xFF;
        int u = video[frameOffset + width * height + (y / 2) * (width / 2) + x / 2] & 0xFF;
        int v = video[frameOffset + width * height * 5 / 4 + (y / 2) * (width / 2) + x / 2] & 0xFF;
        assertThat(new int[] {yv, u, v}).as(what + " YUV at " + x + "," + y)
                .satisfies(got -> {
                    for (int i = 0; i < 3; i++) {
                        assertThat(Math.abs(got[i] - expected[i])).as("component %d of %s", i, what)
                                .isLessThanOrEqualTo(12);
                    }
                });
    }

    static float[] floats(byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[raw.length / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError(command[0] + " timed out");
            }
            String text = new String(out, java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(command[0] + ": " + text).isZero();
            return text;
        } finally {
            p.destroyForcibly();
        }
    }
}

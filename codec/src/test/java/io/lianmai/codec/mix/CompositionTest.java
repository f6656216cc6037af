package io.lianmai.codec.mix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lianmai.codec.CodecException;
import io.lianmai.codec.TestMedia;
import io.lianmai.codec.TestMedia.Picture;
import io.lianmai.codec.mix.SyntheticMember.Arrival;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Custom regions with z-order, fit rendering with black bars, a background image (PNG) and a placeholder image
 * (JPEG) made by the ffmpeg tool; then the same members switched to the float and picture-in-picture templates
 * mid-stream. Pixels of the decoded output are checked where each layout puts each member.
 */
class CompositionTest {
    static final int W = 640;
    static final int H = 360;
    static final int RED = 0xE02020;
    static final int GREEN = 0x20C040;
    static final int BLUE = 0x2040E0;
    static final int BACKGROUND = 0x3080C0;
    static final int GHOST = 0xC03080;

    @TempDir
    Path dir;

    @Test
    void customFloatAndPictureInPictureLayoutsPutEveryMemberWhereTheySay() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ffmpeg")), "ffmpeg is not installed: skipped");
        Path png = dir.resolve("bg.png");
        Path jpg = dir.resolve("ghost.jpg");
        MixerTest.run("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=0x3080C0:s=64x36", "-frames:v", "1",
                png.toString());
        MixerTest.run("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=0xC03080:s=48x48", "-frames:v", "1",
                "-q:v", "2", jpg.toString());
        MixOutputs outputs = new MixOutputs();
        Mixer.Config config = Mixer.Config.DEFAULTS.withSize(W, H).withFps(10).withGopFrames(10);
        try (StillImage background = StillImage.decode(Files.readAllBytes(png));
                StillImage ghost = StillImage.decode(Files.readAllBytes(jpg));
                Mixer mixer = new Mixer(config, background, outputs)) {
            List<Arrival> arrivals = new ArrayList<>();
            MixInput red = mixer.addH264Input("red", 0);
            MixInput green = mixer.addVp8Input("green", 0);
            MixInput blue = mixer.addH264Input("blue", 0);
            mixer.addOpusInput("ghost");
            arrivals.addAll(SyntheticMember.arrivals(red, SyntheticMember.video(true, 320, 240, 6, 0, 0,
                    i -> SyntheticMember.solid(320, 240, RED)), 0, 1));
            arrivals.addAll(SyntheticMember.arrivals(green, SyntheticMember.video(false, 320, 240, 6, 0, 0,
                    i -> SyntheticMember.solid(320, 240, GREEN)), 0, 2));
            arrivals.addAll(SyntheticMember.arrivals(blue, SyntheticMember.video(true, 640, 360, 6, 0, 0,
                    i -> SyntheticMember.solid(640, 360, BLUE)), 0, 3));
            // listed out of layer order on purpose: green (layer 2) overlaps red (layer 1)
            mixer.setLayout(MixLayout.custom(List.of(
                    Region.of("green", 240, 120, 200, 150, 2),
                    Region.of("red", 0, 0, 320, 180, 1),
                    Region.of("blue", 440, 0, 200, 300, 0).withRenderMode(RenderMode.FIT),
                    Region.of("ghost", 0, 240, 160, 120, 0).withPlaceholderImage(ghost))));
            List<Arrival> first = arrivals.stream().filter(a -> a.arrivalMillis() < 2000).toList();
            List<Arrival> second = arrivals.stream().filter(a -> a.arrivalMillis() >= 2000 && a.arrivalMillis() < 4000)
                    .toList();
            List<Arrival> third = arrivals.stream().filter(a -> a.arrivalMillis() >= 4000).toList();
            runFrom(mixer, first, 0, 1995);
            mixer.setLayout(MixLayout.floating("blue", 0).withPlaceholder(GHOST));
            runFrom(mixer, second, 2000, 3995);
            mixer.setLayout(MixLayout.pictureInPicture("red", 0, Region.of("green", 400, 200, 160, 120, 0)));
            runFrom(mixer, third, 4000, 6000);
        }
        List<Picture> pictures = TestMedia.decodeVideo("h264", outputs.annexB());
        Picture custom = at(pictures, outputs, 1500);
        expect(custom, 100, 60, RED, "red, layer 1");
        expect(custom, 300, 150, GREEN, "green over red (layer 2)");
        expect(custom, 400, 250, GREEN, "green below red's region");
        expect(custom, 540, 30, 0x000000, "blue's fit bar");
        expect(custom, 540, 150, BLUE, "blue fitted");
        expect(custom, 80, 300, GHOST, "ghost's placeholder image");
        expect(custom, 600, 340, BACKGROUND, "background image");
        expect(custom, 300, 340, BACKGROUND, "background image");

        Picture floating = at(pictures, outputs, 3500);
        // main blue fills the canvas; small windows 150×84 from (6, 270): red, green, ghost in join order
        expect(floating, 320, 100, BLUE, "main member");
        expect(floating, 6 + 75, 270 + 42, RED, "first small window");
        expect(floating, 6 + 156 + 75, 270 + 42, GREEN, "second small window");
        expect(floating, 6 + 2 * 156 + 75, 270 + 42, GHOST, "third small window: placeholder colour");

        Picture pip = at(pictures, outputs, 5500);
        expect(pip, 100, 100, RED, "main");
        expect(pip, 480, 260, GREEN, "small window");
    }

    @Test
    void aMemberWhoseVideoStopsKeepsItsLastPictureThenShowsItsPlaceholder() {
        MixOutputs outputs = new MixOutputs();
        Mixer.Config config = Mixer.Config.DEFAULTS.withSize(320, 180).withFps(10).withGopFrames(10);
        try (Mixer mixer = new Mixer(config, null, outputs)) {
            mixer.setLayout(MixLayout.floating(null, 0).withPlaceholder(GHOST));
            MixInput red = mixer.addH264Input("red", 0);
            // one second of video, then nothing (camera off): held for videoTimeoutMillis (2 s), then the placeholder
            runFrom(mixer, SyntheticMember.arrivals(red, SyntheticMember.video(true, 160, 120, 1, 0, 0,
                    i -> SyntheticMember.solid(160, 120, RED)), 0, 1), 0, 5000);
        }
        List<Picture> pictures = TestMedia.decodeVideo("h264", outputs.annexB());
        expect(at(pictures, outputs, 500, 320), 160, 90, RED, "while sending", 320, 180);
        expect(at(pictures, outputs, 2500, 320), 160, 90, RED, "1.5 s after the last picture: held", 320, 180);
        expect(at(pictures, outputs, 4000, 320), 160, 90, GHOST, "3 s after the last picture: placeholder", 320,
                180);
    }

    @Test
    void aScreenShareIsTheBigPictureAndItsSharersCameraHeadsTheColumn() {
        MixOutputs outputs = new MixOutputs();
        Mixer.Config config = Mixer.Config.DEFAULTS.withSize(W, H).withFps(10).withGopFrames(10);
        try (Mixer mixer = new Mixer(config, null, outputs)) {
            mixer.setLayout(MixLayout.screenShare("teacher", 1).withRenderMode(RenderMode.STRETCH));
            MixInput camera = mixer.addH264Input("teacher", 0);
            MixInput screen = mixer.addVp8Input("teacher", 1);
            MixInput pupil = mixer.addH264Input("pupil", 0);
            List<Arrival> arrivals = new ArrayList<>();
            arrivals.addAll(SyntheticMember.arrivals(camera, SyntheticMember.video(true, 160, 120, 2, 0, 0,
                    i -> SyntheticMember.solid(160, 120, RED)), 0, 1));
            arrivals.addAll(SyntheticMember.arrivals(screen, SyntheticMember.video(false, 320, 180, 2, 0, 0,
                    i -> SyntheticMember.solid(320, 180, GREEN)), 0, 2));
            arrivals.addAll(SyntheticMember.arrivals(pupil, SyntheticMember.video(true, 160, 120, 2, 0, 0,
                    i -> SyntheticMember.solid(160, 120, BLUE)), 0, 3));
            runFrom(mixer, arrivals, 0, 2000);
        }
        Picture p = at(TestMedia.decodeVideo("h264", outputs.annexB()), outputs, 1500);
        expect(p, 256, 180, GREEN, "the screen share, left 4/5");
        expect(p, 576, 36, RED, "the sharer's camera, top of the column");
        expect(p, 576, 108, BLUE, "the pupil, second in the column");
    }

    @Test
    void stillImagesThatAreNotPngOrJpegAreRefused() {
        assertThatThrownBy(() -> StillImage.decode(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}))
                .isInstanceOf(CodecException.class);
        byte[] brokenPng = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0};
        assertThatThrownBy(() -> StillImage.decode(brokenPng)).isInstanceOf(CodecException.class);
    }

    private static void runFrom(Mixer mixer, List<Arrival> arrivals, long from, long to) {
        int next = 0;
        List<Arrival> sorted = new ArrayList<>(arrivals);
        sorted.sort((x, y) -> Long.compare(x.arrivalMillis(), y.arrivalMillis()));
        for (long now = from; now <= to; now += 5) {
            while (next < sorted.size() && sorted.get(next).arrivalMillis() <= now) {
                Arrival a = sorted.get(next++);
                a.input().feed(a.frame().data(), 0, a.frame().data().length, a.frame().timestamp(),
                        a.arrivalMillis());
            }
            mixer.tick(now);
        }
    }

    private static Picture at(List<Picture> pictures, MixOutputs outputs, long millis, int width) {
        Picture p = at(pictures, outputs, millis);
        assertThat(p.width()).isEqualTo(width);
        return p;
    }

    private static Picture at(List<Picture> pictures, MixOutputs outputs, long millis) {
        for (int i = 0; i < pictures.size(); i++) {
            if (outputs.video.get(i).timestamp() / 90 >= millis) {
                return pictures.get(i);
            }
        }
        throw new AssertionError("no picture at " + millis + " ms");
    }

    private static void expect(Picture p, int x, int y, int rgb, String what) {
        expect(p, x, y, rgb, what, W, H);
    }

    private static void expect(Picture p, int x, int y, int rgb, String what, int width, int height) {
        int[] e = SyntheticMember.yuvOf(rgb);
        int[] got = {p.yuv()[y * width + x] & 0xFF, p.yuv()[width * height + (y / 2) * (width / 2) + x / 2] & 0xFF,
            p.yuv()[width * height * 5 / 4 + (y / 2) * (width / 2) + x / 2] & 0xFF};
        for (int i = 0; i < 3; i++) {
            assertThat(Math.abs(got[i] - e[i])).as("%s at %d,%d: YUV %s, expected %s", what, x, y,
                    java.util.Arrays.toString(got), java.util.Arrays.toString(e)).isLessThanOrEqualTo(14);
        }
    }
}

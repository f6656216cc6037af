package io.lianmai.codec.mix;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.codec.TestMedia;
import io.lianmai.codec.TestMedia.Pcm;
import io.lianmai.codec.TestMedia.Picture;
import io.lianmai.codec.mix.SyntheticMember.Arrival;
import io.lianmai.codec.mix.SyntheticMember.Frame;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two members whose pictures flash white while their audio beeps, each at its own times and tone; video arrives with
 * up to 150 ms of jitter, audio with up to 20 ms, clocks mapped from sender reports with unrelated RTP bases. In the
 * decoded mix (libavcodec h264 and aac in process, and the FLV through the ffmpeg tool) every flash and its beep start
 * within 60 ms of each other.
 */
class LipSyncTest {
    static final int W = 640;
    static final int H = 240;
    static final int FLASH_MILLIS = 160;

    @TempDir
    Path dir;

    record Member(String id, boolean h264, double tone, double firstFlash, int cellX) {
    }

    static boolean flashing(Member m, double millis) {
        double t = millis - m.firstFlash();
        return t >= 0 && t % 700 < FLASH_MILLIS;
    }

    @Test
    void flashAndBeepStayWithin60MillisForEveryMember() throws Exception {
        Member p = new Member("p", true, 1000, 600, 160);
        Member q = new Member("q", false, 2500, 950, 480);
        MixOutputs outputs = new MixOutputs();
        Mixer.Config config = Mixer.Config.DEFAULTS.withSize(W, H).withFps(30).withGopFrames(60)
                .withLatencyMillis(200);
        List<Arrival> arrivals = new ArrayList<>();
        double start = 200;
        AudioOutput aacConfig;
        try (Mixer mixer = new Mixer(config, null, outputs)) {
            mixer.setLayout(MixLayout.grid());
            int seed = 10;
            for (Member m : List.of(p, q)) {
                MixInput v = m.h264() ? mixer.addH264Input(m.id(), 0) : mixer.addVp8Input(m.id(), 0);
                MixInput a = mixer.addOpusInput(m.id());
                long videoBase = 3_000_000_000L + seed * 12345L; // wraps past 2^32 during the run
                long audioBase = 17L * seed;
                v.setClockMapping(videoBase, start);
                a.setClockMapping(audioBase, start);
                List<Frame> video = SyntheticMember.video(m.h264(), 320, 240, 4.5, start, videoBase,
                        i -> SyntheticMember.solid(320, 240,
                                flashing(m, start + i * 1000.0 / SyntheticMember.FPS) ? 0xFFFFFF : 0x202020));
                float[] pcm = new float[(int) (4.5 * 48_000) * 2];
                for (int i = 0; i < pcm.length / 2; i++) {
                    if (flashing(m, start + i / 48.0)) {
                        float s = (float) (0.3 * Math.sin(2 * Math.PI * m.tone() * i / 48_000));
                        pcm[2 * i] = s;
                        pcm[2 * i + 1] = s;
                    }
                }
                arrivals.addAll(SyntheticMember.arrivals(v, video, 150, seed++));
                arrivals.addAll(SyntheticMember.arrivals(a, SyntheticMember.opus(pcm, start, audioBase), 20,
                        seed++));
            }
            aacConfig = mixer.addAacOutput(48_000, 2, 128_000, null, outputs::onAac);
            SyntheticMember.run(mixer, arrivals, 5000);
        }
        assertLipSync(outputs, aacConfig, p, q);
        if (Files.isExecutable(Path.of("/usr/bin/ffmpeg"))) {
            // the same output as a player sees it: the FLV decoded by the ffmpeg tool; picture times and the mean
            // luma of a 16×16 patch in the member's cell from its showinfo filter, audio from sample 0 = 0 ms
            Path flv = dir.resolve("lipsync.flv");
            outputs.writeFlv(flv, aacConfig.audioSpecificConfig());
            Path raw = dir.resolve("a.f32");
            MixerTest.run("ffmpeg", "-v", "error", "-i", flv.toString(), "-map", "0:a", "-ac", "1", "-f", "f32le",
                    raw.toString());
            float[] audio = MixerTest.floats(Files.readAllBytes(raw));
            for (Member m : List.of(p, q)) {
                String info = MixerTest.run("ffmpeg", "-hide_banner", "-loglevel", "info", "-i", flv.toString(),
                        "-map", "0:v", "-vf", "crop=16:16:" + (m.cellX() - 8) + ":112,showinfo", "-f", "null", "-");
                List<Double> flashes = new ArrayList<>();
                boolean bright = false;
                Matcher frame = Pattern.compile("pts_time:([0-9.]+).*? mean:\\[(\\d+)").matcher(info);
                int pictures = 0;
                while (frame.find()) {
                    pictures++;
                    boolean now = Integer.parseInt(frame.group(2)) > 128;
                    if (now && !bright) {
                        flashes.add(Double.parseDouble(frame.group(1)) * 1000);
                    }
                    bright = now;
                }
                assertThat(pictures).as("pictures ffmpeg decoded").isEqualTo(outputs.video.size());
                List<Double> beeps = beepOnsets(audio, 0, m.tone());
                assertThat(beeps).as("beeps of %s (ffmpeg)", m.id()).hasSameSizeAs(flashes);
                for (int i = 0; i < flashes.size(); i++) {
                    assertThat(Math.abs(flashes.get(i) - beeps.get(i))).as("ffmpeg: offset of %s's flash %d", m.id(), i)
                            .isLessThanOrEqualTo(60.0);
                }
            }
        }
    }

    private static void assertLipSync(MixOutputs outputs, AudioOutput aacConfig, Member p, Member q) {
        List<Picture> pictures = TestMedia.decodeVideo("h264", outputs.annexB());
        assertThat(pictures).hasSize(outputs.video.size());
        Pcm pcm = TestMedia.decodeAudio("aac", aacConfig.audioSpecificConfig().toBytes(),
                MixOutputs.bytes(outputs.aac));
        float[] left = pcm.channel(0);
        double audioStart = outputs.aac.get(0).timestamp();
        for (Member m : List.of(p, q)) {
            List<Double> flashes = onsets(pictures, outputs, m);
            List<Double> beeps = beepOnsets(left, audioStart, m.tone());
            assertThat(flashes).as("flashes of %s", m.id()).hasSizeGreaterThanOrEqualTo(5);
            assertThat(beeps).as("beeps of %s", m.id()).hasSameSizeAs(flashes);
            for (int i = 0; i < flashes.size(); i++) {
                assertThat(Math.abs(flashes.get(i) - beeps.get(i))).as("offset of %s's flash %d (%s ms vs %s ms)",
                        m.id(), i, flashes.get(i), beeps.get(i)).isLessThanOrEqualTo(60.0);
            }
        }
    }

    /** Output times (ms) at which the member's cell turns bright. */
    private static List<Double> onsets(List<Picture> pictures, MixOutputs outputs, Member m) {
        List<Double> out = new ArrayList<>();
        boolean bright = false;
        for (int i = 0; i < pictures.size(); i++) {
            int luma = pictures.get(i).yuv()[120 * W + m.cellX()] & 0xFF;
            boolean now = luma > 128;
            if (now && !bright) {
                out.add(outputs.video.get(i).timestamp() / 90.0);
            }
            bright = now;
        }
        return out;
    }

    /** Output times (ms) at which the tone starts: 2 ms Goertzel steps over a 4 ms window crossing half its peak. */
    private static List<Double> beepOnsets(float[] x, double startMillis, double tone) {
        int step = 96;
        int window = 192;
        double[] level = new double[(x.length - window) / step];
        double max = 0;
        for (int i = 0; i < level.length; i++) {
            level[i] = goertzel(x, i * step, i * step + window, tone);
            max = Math.max(max, level[i]);
        }
        List<Double> out = new ArrayList<>();
        boolean on = false;
        int quietSteps = 0;
        for (int i = 0; i < level.length; i++) {
            boolean now = level[i] > max / 2;
            if (now && !on) {
                out.add(startMillis + (i * step + window / 2) / 48.0);
                on = true;
            }
            quietSteps = now ? 0 : quietSteps + 1;
            if (quietSteps > 50) {
                on = false; // 100 ms of quiet ends a beep
            }
        }
        return out;
    }

    private static double goertzel(float[] x, int from, int to, double frequency) {
        double coeff = 2 * Math.cos(2 * Math.PI * frequency / 48_000);
        double s1 = 0;
        double s2 = 0;
        for (int i = from; i < to; i++) {
            double s0 = x[i] + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        return Math.sqrt(s1 * s1 + s2 * s2 - coeff * s1 * s2);
    }
}

package io.lianmai.codec.transcode;

import io.lianmai.codec.TestMedia;
import io.lianmai.codec.TestMedia.Packet;
import io.lianmai.codec.aac.AudioSpecificConfig;
import io.lianmai.codec.h264.H264AccessUnitListener;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures each transcoder's CPU time per second of media (thread CPU time of the feeding thread, all codecs single
 * threaded, input prepared beforehand, after one warm-up pass). Run on demand, the numbers go to docs/codec.md:
 * {@code ./mvnw -q -pl codec -am verify -Dtest=TranscoderCostTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dlianmai.measure=true}.
 */
@EnabledIfSystemProperty(named = "lianmai.measure", matches = "true")
class TranscoderCostTest {
    private static final Logger LOG = LoggerFactory.getLogger(TranscoderCostTest.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Music-like test audio: three tones with vibrato and some noise, so the encoders have work to do. */
    private static float[] music(int rate, double seconds) {
        int n = (int) (rate * seconds);
        float[] out = new float[2 * n];
        Random random = new Random(1);
        for (int i = 0; i < n; i++) {
            double t = (double) i / rate;
            double v = 0.2 * Math.sin(2 * Math.PI * 220 * t + 3 * Math.sin(2 * Math.PI * 5 * t))
                    + 0.15 * Math.sin(2 * Math.PI * 554 * t) + 0.1 * Math.sin(2 * Math.PI * 1318 * t)
                    + 0.05 * random.nextGaussian();
            out[2 * i] = (float) v;
            out[2 * i + 1] = (float) (v * 0.8 + 0.02 * random.nextGaussian());
        }
        return out;
    }

    private static void report(String what, double mediaSeconds, long cpuNanos, long wallNanos) {
        LOG.info(String.format("%s: %.1f ms CPU per second of media (%.2f %% of a core), wall %.1f ms/s", what,
                cpuNanos / 1e6 / mediaSeconds, cpuNanos / 1e7 / mediaSeconds, wallNanos / 1e6 / mediaSeconds));
    }

    @Test
    void aacToOpus() {
        double seconds = 30;
        byte[][] asc = new byte[1][];
        List<Packet> aac = TestMedia.encodeAudio("aac", music(44_100, seconds), 44_100, 128_000, Map.of(), asc);
        for (int pass = 0; pass < 2; pass++) {
            try (AacToOpus transcoder = new AacToOpus(AudioSpecificConfig.parse(asc[0]), AacToOpus.Config.DEFAULTS,
                    (buf, off, len, ts) -> {
                    })) {
                long cpu = THREADS.getCurrentThreadCpuTime();
                long wall = System.nanoTime();
                for (int i = 0; i < aac.size(); i++) {
                    byte[] f = aac.get(i).data();
                    transcoder.feed(f, 0, f.length, Math.round(i * 1024 * 1000.0 / 44_100));
                }
                if (pass == 1) {
                    report("AacToOpus 44.1 kHz stereo AAC 128k -> Opus 48k", seconds,
                            THREADS.getCurrentThreadCpuTime() - cpu, System.nanoTime() - wall);
                }
            }
        }
    }

    @Test
    void opusToAac() {
        double seconds = 30;
        List<Packet> opus = TestMedia.encodeAudio("libopus", music(48_000, seconds), 48_000, 64_000,
                Map.of("frame_duration", "20"), null);
        for (int pass = 0; pass < 2; pass++) {
            try (OpusToAac transcoder = new OpusToAac(OpusToAac.Config.DEFAULTS, (buf, off, len, ts) -> {
            })) {
                long cpu = THREADS.getCurrentThreadCpuTime();
                long wall = System.nanoTime();
                for (int i = 0; i < opus.size(); i++) {
                    byte[] p = opus.get(i).data();
                    transcoder.feed(p, 0, p.length, i * 960L);
                }
                if (pass == 1) {
                    report("OpusToAac Opus 64k stereo -> AAC-LC 96k", seconds,
                            THREADS.getCurrentThreadCpuTime() - cpu, System.nanoTime() - wall);
                }
            }
        }
    }

    @Test
    void vp8ToH264() {
        measureVideo(640, 360, 300, 800_000);
        measureVideo(1280, 720, 150, 1_500_000);
    }

    private static void measureVideo(int width, int height, int frames, int bitrate) {
        List<byte[]> pictures = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            pictures.add(TestMedia.movingPicture(width, height, i));
        }
        List<Packet> vp8 = TestMedia.encodeVideo("libvpx", pictures, width, height, 30, bitrate * 2, 1_000,
                Map.of("deadline", "realtime", "cpu-used", "8"));
        pictures.clear();
        H264AccessUnitListener ignore = (buf, off, len, ts, key) -> {
        };
        for (int pass = 0; pass < 2; pass++) {
            try (Vp8ToH264 transcoder = new Vp8ToH264(Vp8ToH264.Config.DEFAULTS.withBitrate(bitrate), ignore)) {
                long cpu = THREADS.getCurrentThreadCpuTime();
                long wall = System.nanoTime();
                for (int i = 0; i < vp8.size(); i++) {
                    byte[] f = vp8.get(i).data();
                    transcoder.feed(f, 0, f.length, i * 3000L);
                }
                if (pass == 1) {
                    report(String.format("Vp8ToH264 %dx%d 30 fps -> H.264 %d kbit/s", width, height,
                            bitrate / 1000), frames / 30.0, THREADS.getCurrentThreadCpuTime() - cpu,
                            System.nanoTime() - wall);
                }
            }
        }
    }
}

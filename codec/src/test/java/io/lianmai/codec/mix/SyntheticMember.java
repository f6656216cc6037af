package io.lianmai.codec.mix;

import io.lianmai.codec.TestMedia;
import io.lianmai.codec.TestMedia.Packet;
import io.lianmai.codec.aac.AudioSpecificConfig;
import io.lianmai.codec.h264.AnnexB;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * A test member: media encoded with FFmpeg (not the code under test), each frame with its capture time, fed to a mixer
 * in arrival order (capture time plus random jitter) with RTP-like timestamps from a random base.
 */
final class SyntheticMember {
    /** One encoded frame: capture time (ms on the test's mixer clock), input timestamp, bytes. */
    record Frame(double captureMillis, long timestamp, byte[] data) {
    }

    /** A frame scheduled for arrival at one input. */
    record Arrival(long arrivalMillis, MixInput input, Frame frame) {
    }

    static final int FPS = 30;

    /** Solid 4:2:0 picture of an RGB colour (BT.601 limited range, as the mixer's placeholders). */
    static byte[] solid(int width, int height, int rgb) {
        int[] yuv = yuvOf(rgb);
        byte[] out = new byte[width * height * 3 / 2];
        java.util.Arrays.fill(out, 0, width * height, (byte) yuv[0]);
        java.util.Arrays.fill(out, width * height, width * height * 5 / 4, (byte) yuv[1]);
        java.util.Arrays.fill(out, width * height * 5 / 4, out.length, (byte) yuv[2]);
        return out;
    }

    static int[] yuvOf(int rgb) {
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        return new int[] {16 + ((66 * r + 129 * g + 25 * b + 128) >> 8),
            128 + ((-38 * r - 74 * g + 112 * b + 128) >> 8), 128 + ((112 * r - 94 * g - 18 * b + 128) >> 8)};
    }

    /** Video frames of {@code seconds} from pictures {@code picture(i)}, H.264 AVCC (libopenh264) or VP8 (libvpx). */
    static List<Frame> video(boolean h264, int width, int height, double seconds, double startMillis, long tsBase,
            IntFunction<byte[]> picture) {
        int n = (int) (seconds * FPS);
        List<byte[]> pictures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pictures.add(picture.apply(i));
        }
        List<Packet> packets = h264
                ? TestMedia.encodeVideo("libopenh264", pictures, width, height, FPS, 400_000, FPS, Map.of())
                : TestMedia.encodeVideo("libvpx", pictures, width, height, FPS, 400_000, FPS,
                        Map.of("deadline", "realtime", "cpu-used", "8", "lag-in-frames", "0"));
        List<Frame> out = new ArrayList<>();
        for (Packet p : packets) {
            byte[] data = h264 ? AnnexB.toAvcc(p.data(), 0, p.data().length) : p.data();
            long i = p.pts();
            out.add(new Frame(startMillis + i * 1000.0 / FPS, tsBase + i * 3000, data));
        }
        return out;
    }

    /** Opus 20 ms packets of 48 kHz stereo {@code pcm}, 48 kHz timestamps. */
    static List<Frame> opus(float[] pcm, double startMillis, long tsBase) {
        List<Packet> packets = TestMedia.encodeAudio("libopus", pcm, 48_000, 64_000, Map.of("application", "audio"),
                null);
        List<Frame> out = new ArrayList<>();
        for (int i = 0; i < packets.size(); i++) {
            out.add(new Frame(startMillis + i * 20.0, tsBase + i * 960L, packets.get(i).data()));
        }
        return out;
    }

    /** AAC-LC frames of stereo {@code pcm} at {@code rate}, ms timestamps; {@code asc[0]} gets the config. */
    static List<Frame> aac(float[] pcm, int rate, double startMillis, AudioSpecificConfig[] asc) {
        byte[][] extradata = new byte[1][];
        List<Packet> packets = TestMedia.encodeAudio("aac", pcm, rate, 128_000, Map.of(), extradata);
        asc[0] = AudioSpecificConfig.parse(extradata[0]);
        List<Frame> out = new ArrayList<>();
        // packet i decodes to input samples [1024 (i - 1), 1024 i): the first is priming
        for (int i = 1; i < packets.size(); i++) {
            double capture = startMillis + (i - 1) * 1024 * 1000.0 / rate;
            out.add(new Frame(capture, (long) Math.floor(capture - startMillis), packets.get(i).data()));
        }
        return out;
    }

    /** Arrivals of {@code frames} at {@code input}: capture time plus 0..{@code jitterMillis} random delay. */
    static List<Arrival> arrivals(MixInput input, List<Frame> frames, int jitterMillis, long seed) {
        Random random = new Random(seed);
        List<Arrival> out = new ArrayList<>();
        for (Frame f : frames) {
            long arrival = (long) Math.ceil(f.captureMillis()) + (jitterMillis > 0 ? random.nextInt(jitterMillis) : 0);
            out.add(new Arrival(arrival, input, f));
        }
        return out;
    }

    /**
     * Runs the mix from {@code 0} to {@code endMillis} on a simulated clock: every 5 ms, feeds what has arrived (in
     * arrival order, so jitter reorders frames across inputs but each input's own frames stay in order) and ticks.
     */
    static void run(Mixer mixer, List<Arrival> arrivals, long endMillis) {
        List<Arrival> sorted = new ArrayList<>(arrivals);
        // per input, frames keep their order (a depacketizer delivers in order): arrival = max(own, previous)
        Map<MixInput, Long> last = new java.util.HashMap<>();
        List<Arrival> ordered = new ArrayList<>();
        for (Arrival a : sorted) {
            long t = Math.max(a.arrivalMillis(), last.getOrDefault(a.input(), Long.MIN_VALUE));
            last.put(a.input(), t);
            ordered.add(new Arrival(t, a.input(), a.frame()));
        }
        ordered.sort((x, y) -> Long.compare(x.arrivalMillis(), y.arrivalMillis()));
        int next = 0;
        for (long now = 0; now <= endMillis; now += 5) {
            while (next < ordered.size() && ordered.get(next).arrivalMillis() <= now) {
                Arrival a = ordered.get(next++);
                byte[] d = a.frame().data();
                a.input().feed(d, 0, d.length, a.frame().timestamp(), a.arrivalMillis());
            }
            mixer.tick(now);
        }
    }
}

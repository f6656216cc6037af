package io.lianmai.bench.codec.mix;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set;

import io.lianmai.codec.Ffmpeg;
import io.lianmai.codec.h264.AnnexB;
import io.lianmai.codec.mix.MixInput;
import io.lianmai.codec.mix.MixLayout;
import io.lianmai.codec.mix.Mixer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One output picture (1/30 s) of a 4-member MCU mix into 1280×720 30 fps H.264 2 Mbit/s + AAC 48 kHz 128 kbit/s +
 * Opus 64 kbit/s: the members' next video frames (2 × H.264, 2 × VP8, {@code input} size, 30 fps, a moving gradient
 * with a box, 2 s GOP) and due Opus packets fed, then one tick (decode, scale into a 2×2 grid, encode, mix). All on
 * the benchmark thread, as the mixer's owner thread runs it; ms/op × 30 is the CPU time per output second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 4, time = 5)
@Fork(1)
public class MixerBenchmark {
    private static final int FPS = 30;
    private static final int CLIP_FRAMES = 60;
    private static final int EAGAIN = -11;

    @Param({"640x360", "1280x720"})
    public String input;

    private Mixer mixer;
    private final List<MixInput> videoInputs = new ArrayList<>();
    private final List<MixInput> audioInputs = new ArrayList<>();
    private final List<List<byte[]>> clips = new ArrayList<>();
    private List<byte[]> opus;
    private long frame;
    private long opusPacket;
    private long iterationCpu;
    private long iterationFrames;
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    @Setup(Level.Trial)
    public void setUp() {
        Ffmpeg.load();
        String[] size = input.split("x");
        int w = Integer.parseInt(size[0]);
        int h = Integer.parseInt(size[1]);
        mixer = new Mixer(Mixer.Config.DEFAULTS.withSize(1280, 720).withFps(FPS).withVideoBitrate(2_000_000)
                .withGopFrames(2 * FPS), null, (buf, off, len, ts, key) -> {
                });
        mixer.setLayout(MixLayout.grid());
        opus = encodeOpus();
        for (int m = 0; m < 4; m++) {
            boolean h264 = m % 2 == 0;
            clips.add(encodeVideo(h264, w, h, m));
            videoInputs.add(h264 ? mixer.addH264Input("m" + m, 0) : mixer.addVp8Input("m" + m, 0));
            audioInputs.add(mixer.addOpusInput("m" + m));
        }
        mixer.addAacOutput(48_000, 2, 128_000, null, (buf, off, len, ms) -> {
        });
        mixer.addOpusOutput(2, 64_000, null, (buf, off, len, ts) -> {
        });
        mixer.tick(0);
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        iterationCpu = THREADS.getCurrentThreadCpuTime();
        iterationFrames = frame;
    }

    /**
     * Thread CPU time per output second of this iteration: on a shared machine the JMH score (wall time) includes
     * time the thread waited for a core, this does not.
     */
    @TearDown(Level.Iteration)
    public void endIteration() {
        long frames = frame - iterationFrames;
        if (frames > 0) {
            double cpuMillisPerPicture = (THREADS.getCurrentThreadCpuTime() - iterationCpu) / 1e6 / frames;
            System.out.printf("  [thread CPU %.2f ms per picture = %.0f ms per output second]%n",
                    cpuMillisPerPicture, cpuMillisPerPicture * FPS);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (mixer.framesOut() < frame / 2) {
            throw new IllegalStateException("mixer produced " + mixer.framesOut() + " pictures for " + frame);
        }
        for (MixInput in : videoInputs) {
            if (in.corruptFrames() + in.rejectedFrames() > 0) {
                throw new IllegalStateException(in.userId() + " had bad frames");
            }
        }
        mixer.close();
    }

    @Benchmark
    public long outputPicture() {
        long now = 1000 * frame / FPS;
        for (int m = 0; m < 4; m++) {
            byte[] f = clips.get(m).get((int) (frame % CLIP_FRAMES));
            videoInputs.get(m).feed(f, 0, f.length, frame * 3000, now);
        }
        while (opusPacket * 20 <= now) {
            byte[] p = opus.get((int) (opusPacket % opus.size()));
            for (MixInput a : audioInputs) {
                a.feed(p, 0, p.length, opusPacket * 960, now);
            }
            opusPacket++;
        }
        mixer.tick(now);
        frame++;
        return mixer.framesOut();
    }

    private static List<byte[]> encodeVideo(boolean h264, int w, int h, int seed) {
        AVCodec codec = avcodec_find_encoder_by_name(h264 ? "libopenh264" : "libvpx");
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        ctx.width(w).height(h).pix_fmt(AV_PIX_FMT_YUV420P);
        ctx.time_base(new AVRational().num(1).den(FPS));
        ctx.framerate(new AVRational().num(FPS).den(1));
        ctx.bit_rate(w >= 1280 ? 1_500_000 : 600_000);
        ctx.gop_size(CLIP_FRAMES);
        ctx.max_b_frames(0);
        ctx.thread_count(1);
        if (!h264) {
            Map.of("deadline", "realtime", "cpu-used", "8", "lag-in-frames", "0")
                    .forEach((k, v) -> av_opt_set(ctx.priv_data(), k, v, 0));
        }
        check(avcodec_open2(ctx, codec, (PointerPointer<?>) null), "open video encoder");
        AVFrame picture = av_frame_alloc();
        picture.width(w).height(h).format(AV_PIX_FMT_YUV420P);
        check(av_frame_get_buffer(picture, 0), "frame");
        AVPacket pkt = av_packet_alloc();
        List<byte[]> out = new ArrayList<>();
        byte[] row = new byte[w];
        for (int i = 0; i < CLIP_FRAMES; i++) {
            check(av_frame_make_writable(picture), "writable");
            int boxX = ((i + seed * 7) * 8) % (w - 64);
            int boxY = ((i + seed * 5) * 5) % (h - 64);
            BytePointer y = picture.data(0);
            for (int r = 0; r < h; r++) {
                for (int x = 0; x < w; x++) {
                    boolean box = x >= boxX && x < boxX + 64 && r >= boxY && r < boxY + 64;
                    row[x] = (byte) (box ? 235 : (x + r + i * 2 + seed * 40) % 200 + 16);
                }
                y.position((long) r * picture.linesize(0)).put(row, 0, w);
            }
            for (int p = 1; p < 3; p++) {
                BytePointer plane = picture.data(p);
                for (int r = 0; r < h / 2; r++) {
                    for (int x = 0; x < w / 2; x++) {
                        row[x] = (byte) (128 + (p == 1 ? (x - w / 4) / 8 : (r - h / 4) / 8) + seed * 10);
                    }
                    plane.position((long) r * picture.linesize(p)).put(row, 0, w / 2);
                }
            }
            picture.pts(i);
            check(avcodec_send_frame(ctx, picture), "encode");
            while (avcodec_receive_packet(ctx, pkt) >= 0) {
                byte[] data = new byte[pkt.size()];
                pkt.data().get(data);
                out.add(h264 ? AnnexB.toAvcc(data, 0, data.length) : data);
                av_packet_unref(pkt);
            }
        }
        av_frame_free(picture);
        av_packet_free(pkt);
        avcodec_free_context(ctx);
        if (out.size() != CLIP_FRAMES) {
            throw new IllegalStateException("encoder gave " + out.size() + " frames for " + CLIP_FRAMES);
        }
        return out;
    }

    /** 2 s of a 440 Hz tone as 20 ms Opus packets (looped: the decoders see continuous audio). */
    private static List<byte[]> encodeOpus() {
        AVCodec codec = avcodec_find_encoder_by_name("libopus");
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        ctx.sample_rate(48_000).sample_fmt(AV_SAMPLE_FMT_FLT).bit_rate(64_000);
        av_channel_layout_default(ctx.ch_layout(), 2);
        ctx.time_base(new AVRational().num(1).den(48_000));
        check(avcodec_open2(ctx, codec, (PointerPointer<?>) null), "open libopus");
        AVFrame f = av_frame_alloc();
        f.nb_samples(960).format(AV_SAMPLE_FMT_FLT).sample_rate(48_000);
        av_channel_layout_default(f.ch_layout(), 2);
        check(av_frame_get_buffer(f, 0), "audio frame");
        AVPacket pkt = av_packet_alloc();
        float[] samples = new float[960 * 2];
        List<byte[]> out = new ArrayList<>();
        for (int n = 0; n < 100; n++) {
            for (int i = 0; i < 960; i++) {
                float v = (float) (0.2 * Math.sin(2 * Math.PI * 440 * (n * 960 + i) / 48_000.0));
                samples[2 * i] = v;
                samples[2 * i + 1] = v;
            }
            check(av_frame_make_writable(f), "writable");
            new FloatPointer(f.data(0)).put(samples, 0, samples.length);
            f.pts(n * 960L);
            check(avcodec_send_frame(ctx, f), "encode opus");
            int ret;
            while ((ret = avcodec_receive_packet(ctx, pkt)) >= 0) {
                byte[] data = new byte[pkt.size()];
                pkt.data().get(data);
                out.add(data);
                av_packet_unref(pkt);
            }
            if (ret != EAGAIN && ret < 0) {
                throw new IllegalStateException("libopus: " + Ffmpeg.errorString(ret));
            }
        }
        av_frame_free(f);
        av_packet_free(pkt);
        avcodec_free_context(ctx);
        return out;
    }

    private static void check(int ret, String what) {
        if (ret < 0) {
            throw new IllegalStateException(what + ": " + Ffmpeg.errorString(ret));
        }
    }
}

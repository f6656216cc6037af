package io.lianmai.codec;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Test media made and checked with FFmpeg directly (not through the code under test): tones, synthetic pictures, and
 * whole-stream encoders and decoders for AAC, Opus, VP8 and H.264.
 */
public final class TestMedia {
    private static final int EAGAIN = -11;

    private TestMedia() {
    }

    /** An encoded packet with its pts (codec time base) and key flag. */
    public record Packet(byte[] data, long pts, boolean key) {
    }

    /** Decoded audio: interleaved float samples. */
    public record Pcm(float[] samples, int rate, int channels) {
        public int frames() {
            return samples.length / channels;
        }

        public float[] channel(int ch) {
            float[] out = new float[frames()];
            for (int i = 0; i < out.length; i++) {
                out[i] = samples[i * channels + ch];
            }
            return out;
        }
    }

    /** A decoded picture: planar YUV 4:2:0 without padding. */
    public record Picture(int width, int height, byte[] yuv) {
    }

    /** A stereo sine tone, interleaved. */
    public static float[] tone(double frequency, int rate, double seconds, double amplitude) {
        int n = (int) Math.round(rate * seconds);
        float[] out = new float[n * 2];
        for (int i = 0; i < n; i++) {
            float v = (float) (amplitude * Math.sin(2 * Math.PI * frequency * i / rate));
            out[2 * i] = v;
            out[2 * i + 1] = v;
        }
        return out;
    }

    /** Power of {@code frequency} in {@code x[from, to)} relative to the signal's power (Goertzel), 0..1. */
    public static double toneShare(float[] x, int from, int to, double frequency, int rate) {
        double w = 2 * Math.PI * frequency / rate;
        double coeff = 2 * Math.cos(w);
        double s1 = 0;
        double s2 = 0;
        double energy = 0;
        for (int i = from; i < to; i++) {
            double s0 = x[i] + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
            energy += x[i] * x[i];
        }
        double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
        int n = to - from;
        return energy == 0 ? 0 : (2 * power / n) / energy;
    }

    /** Frequency estimated from upward zero crossings of {@code x[from, to)}. */
    public static double zeroCrossingFrequency(float[] x, int from, int to, int rate) {
        int crossings = 0;
        int first = -1;
        int last = -1;
        for (int i = from + 1; i < to; i++) {
            if (x[i - 1] < 0 && x[i] >= 0) {
                if (first < 0) {
                    first = i;
                }
                last = i;
                crossings++;
            }
        }
        return crossings < 2 ? 0 : (double) (crossings - 1) * rate / (last - first);
    }

    /** RMS of {@code x[from, to)}. */
    public static double rms(float[] x, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += x[i] * x[i];
        }
        return Math.sqrt(sum / Math.max(1, to - from));
    }

    /**
     * Encodes interleaved stereo float audio with an FFmpeg encoder (aac, libopus); returns the packets and, in {@code
     * extradata[0]}, the encoder's extradata.
     */
    public static List<Packet> encodeAudio(String encoder, float[] interleaved, int rate, int bitrate,
            Map<String, String> options, byte[][] extradata) {
        Ffmpeg.load();
        AVCodec codec = avcodec_find_encoder_by_name(encoder);
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        boolean planar = encoder.equals("aac");
        ctx.sample_rate(rate);
        ctx.sample_fmt(planar ? AV_SAMPLE_FMT_FLTP : AV_SAMPLE_FMT_FLT);
        av_channel_layout_default(ctx.ch_layout(), 2);
        ctx.bit_rate(bitrate);
        ctx.time_base(new AVRational().num(1).den(rate));
        options.forEach((k, v) -> check(av_opt_set(ctx.priv_data(), k, v, 0), k));
        check(avcodec_open2(ctx, codec, (PointerPointer<?>) null), "open " + encoder);
        if (extradata != null && ctx.extradata_size() > 0) {
            extradata[0] = new byte[ctx.extradata_size()];
            ctx.extradata().get(extradata[0]);
        }
        int frameSize = ctx.frame_size();
        AVFrame frame = av_frame_alloc();
        frame.nb_samples(frameSize).format(ctx.sample_fmt()).sample_rate(rate);
        av_channel_layout_default(frame.ch_layout(), 2);
        check(av_frame_get_buffer(frame, 0), "frame");
        AVPacket pkt = av_packet_alloc();
        List<Packet> out = new ArrayList<>();
        int total = interleaved.length / 2;
        float[] plane = new float[frameSize];
        for (int start = 0; start + frameSize <= total; start += frameSize) {
            check(av_frame_make_writable(frame), "writable");
            if (planar) {
                for (int ch = 0; ch < 2; ch++) {
                    for (int i = 0; i < frameSize; i++) {
                        plane[i] = interleaved[(start + i) * 2 + ch];
                    }
                    new FloatPointer(frame.data(ch)).put(plane, 0, frameSize);
                }
            } else {
                new FloatPointer(frame.data(0)).put(interleaved, start * 2, frameSize * 2);
            }
            frame.pts(start);
            check(avcodec_send_frame(ctx, frame), "send frame");
            drain(ctx, pkt, out);
        }
        check(avcodec_send_frame(ctx, null), "flush");
        drain(ctx, pkt, out);
        av_frame_free(frame);
        av_packet_free(pkt);
        avcodec_free_context(ctx);
        return out;
    }

    /** Decodes packets with an FFmpeg decoder (aac, opus) to interleaved float, downmixed or kept at 2 channels. */
    public static Pcm decodeAudio(String decoder, byte[] extradata, List<byte[]> packets) {
        Ffmpeg.load();
        AVCodec codec = avcodec_find_decoder_by_name(decoder);
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        if (extradata != null) {
            BytePointer copy = new BytePointer(av_mallocz(extradata.length + 64));
            copy.put(extradata, 0, extradata.length);
            ctx.extradata(copy).extradata_size(extradata.length);
        } else {
            ctx.sample_rate(48000);
            av_channel_layout_default(ctx.ch_layout(), 2);
        }
        check(avcodec_open2(ctx, codec, (PointerPointer<?>) null), "open " + decoder);
        AVPacket pkt = av_packet_alloc();
        AVFrame frame = av_frame_alloc();
        float[] out = new float[1 << 16];
        int n = 0;
        int rate = 0;
        int channels = 0;
        for (int p = 0; p <= packets.size(); p++) {
            if (p < packets.size()) {
                byte[] data = packets.get(p);
                BytePointer buf = new BytePointer(data.length + 64);
                buf.put(data, 0, data.length);
                pkt.data(buf).size(data.length);
                int ret = avcodec_send_packet(ctx, pkt);
                buf.close();
                if (ret < 0) {
                    throw new AssertionError("decoder " + decoder + " rejected packet " + p + ": "
                            + Ffmpeg.errorString(ret));
                }
            } else {
                avcodec_send_packet(ctx, null);
            }
            while (true) {
                int ret = avcodec_receive_frame(ctx, frame);
                if (ret < 0) {
                    break;
                }
                rate = frame.sample_rate();
                channels = Math.min(2, frame.ch_layout().nb_channels());
                int samples = frame.nb_samples();
                if (n + samples * channels > out.length) {
                    out = Arrays.copyOf(out, Math.max(out.length * 2, n + samples * channels));
                }
                if (frame.format() != AV_SAMPLE_FMT_FLTP) {
                    throw new AssertionError("unexpected sample format " + frame.format());
                }
                float[] plane = new float[samples];
                for (int ch = 0; ch < channels; ch++) {
                    new FloatPointer(frame.extended_data(ch)).get(plane, 0, samples);
                    for (int i = 0; i < samples; i++) {
                        out[n + i * channels + ch] = plane[i];
                    }
                }
                n += samples * channels;
                av_frame_unref(frame);
            }
        }
        av_frame_free(frame);
        av_packet_free(pkt);
        avcodec_free_context(ctx);
        return new Pcm(Arrays.copyOf(out, n), rate, Math.max(channels, 1));
    }

    /** A 4:2:0 picture: a diagonal gradient moving with {@code index} and a bright box bouncing over it. */
    public static byte[] movingPicture(int width, int height, int index) {
        byte[] yuv = new byte[width * height * 3 / 2];
        int boxX = (index * 4) % Math.max(1, width - 48);
        int boxY = (index * 3) % Math.max(1, height - 48);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = (x + y + index * 2) % 200 + 16;
                if (x >= boxX && x < boxX + 48 && y >= boxY && y < boxY + 48) {
                    v = 235;
                }
                yuv[y * width + x] = (byte) v;
            }
        }
        int cw = width / 2;
        int ch = height / 2;
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                yuv[width * height + y * cw + x] = (byte) (128 + (x - cw / 2) / 4);
                yuv[width * height + cw * ch + y * cw + x] = (byte) (128 + (y - ch / 2) / 4);
            }
        }
        return yuv;
    }

    /** Encodes YUV 4:2:0 pictures with an FFmpeg video encoder (libvpx, libopenh264); one packet per picture. */
    public static List<Packet> encodeVideo(String encoder, List<byte[]> pictures, int width, int height, int fps,
            int bitrate, int gop, Map<String, String> options) {
        Ffmpeg.load();
        AVCodec codec = avcodec_find_encoder_by_name(encoder);
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        ctx.width(width).height(height).pix_fmt(AV_PIX_FMT_YUV420P);
        ctx.time_base(new AVRational().num(1).den(fps));
        ctx.framerate(new AVRational().num(fps).den(1));
        ctx.bit_rate(bitrate);
        ctx.gop_size(gop);
        ctx.max_b_frames(0);
        ctx.thread_count(1);
        options.forEach((k, v) -> check(av_opt_set(ctx.priv_data(), k, v, 0), k));
        check(avcodec_open2(ctx, codec, (PointerPointer<?>) null), "open " + encoder);
        AVFrame frame = av_frame_alloc();
        frame.width(width).height(height).format(AV_PIX_FMT_YUV420P);
        check(av_frame_get_buffer(frame, 0), "frame");
        AVPacket pkt = av_packet_alloc();
        List<Packet> out = new ArrayList<>();
        for (int i = 0; i < pictures.size(); i++) {
            check(av_frame_make_writable(frame), "writable");
            putPicture(frame, pictures.get(i), width, height);
            frame.pts(i);
            check(avcodec_send_frame(ctx, frame), "send frame");
            drain(ctx, pkt, out);
        }
        check(avcodec_send_frame(ctx, null), "flush");
        drain(ctx, pkt, out);
        av_frame_free(frame);
        av_packet_free(pkt);
        avcodec_free_context(ctx);
        return out;
    }

    /** Decodes video packets (vp8, h264 Annex-B) to pictures; a packet the decoder rejects is an assertion error. */
    public static List<Picture> decodeVideo(String decoder, List<byte[]> packets) {
        Ffmpeg.load();
        AVCodec codec = avcodec_find_decoder_by_name(decoder);
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        ctx.thread_count(1);
        check(avcodec_open2(ctx, codec, (PointerPointer<?>) null), "open " + decoder);
        AVPacket pkt = av_packet_alloc();
        AVFrame frame = av_frame_alloc();
        List<Picture> out = new ArrayList<>();
        for (int p = 0; p <= packets.size(); p++) {
            if (p < packets.size()) {
                byte[] data = packets.get(p);
                BytePointer buf = new BytePointer(data.length + 64);
                buf.put(data, 0, data.length);
                buf.position(data.length).put(new byte[64], 0, 64);
                buf.position(0);
                pkt.data(buf).size(data.length);
                int ret = avcodec_send_packet(ctx, pkt);
                buf.close();
                if (ret < 0) {
                    throw new AssertionError(decoder + " rejected packet " + p + ": " + Ffmpeg.errorString(ret));
                }
            } else {
                avcodec_send_packet(ctx, null);
            }
            while (avcodec_receive_frame(ctx, frame) >= 0) {
                out.add(getPicture(frame));
                av_frame_unref(frame);
            }
        }
        av_frame_free(frame);
        av_packet_free(pkt);
        avcodec_free_context(ctx);
        return out;
    }

    /** PSNR of the luma planes of two pictures of equal size, in dB. */
    public static double psnr(byte[] a, byte[] b, int width, int height) {
        double sum = 0;
        for (int i = 0; i < width * height; i++) {
            int d = (a[i] & 0xFF) - (b[i] & 0xFF);
            sum += d * d;
        }
        double mse = sum / (width * height);
        return mse == 0 ? 99 : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    private static void putPicture(AVFrame frame, byte[] yuv, int width, int height) {
        int[] widths = {width, width / 2, width / 2};
        int[] heights = {height, height / 2, height / 2};
        int pos = 0;
        for (int plane = 0; plane < 3; plane++) {
            BytePointer data = frame.data(plane);
            int stride = frame.linesize(plane);
            for (int y = 0; y < heights[plane]; y++) {
                data.position((long) y * stride).put(yuv, pos, widths[plane]);
                pos += widths[plane];
            }
        }
    }

    private static Picture getPicture(AVFrame frame) {
        int width = frame.width();
        int height = frame.height();
        if (frame.format() != AV_PIX_FMT_YUV420P) {
            throw new AssertionError("unexpected pixel format " + frame.format());
        }
        int[] widths = {width, (width + 1) / 2, (width + 1) / 2};
        int[] heights = {height, (height + 1) / 2, (height + 1) / 2};
        byte[] yuv = new byte[width * height + 2 * widths[1] * heights[1]];
        int pos = 0;
        for (int plane = 0; plane < 3; plane++) {
            BytePointer data = frame.data(plane);
            int stride = frame.linesize(plane);
            for (int y = 0; y < heights[plane]; y++) {
                data.position((long) y * stride).get(yuv, pos, widths[plane]);
                pos += widths[plane];
            }
        }
        return new Picture(width, height, yuv);
    }

    private static void drain(AVCodecContext ctx, AVPacket pkt, List<Packet> out) {
        while (true) {
            int ret = avcodec_receive_packet(ctx, pkt);
            if (ret == EAGAIN || ret < 0) {
                break;
            }
            byte[] data = new byte[pkt.size()];
            pkt.data().get(data);
            out.add(new Packet(data, pkt.pts(), (pkt.flags() & 1) != 0));
            av_packet_unref(pkt);
        }
    }

    private static void check(int ret, String what) {
        if (ret < 0) {
            throw new AssertionError(what + ": " + Ffmpeg.errorString(ret));
        }
    }
}

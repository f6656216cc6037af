package io.lianmai.bench.live;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;

import io.lianmai.codec.CodecException;
import io.lianmai.codec.Ffmpeg;
import io.lianmai.codec.aac.AudioSpecificConfig;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The pusher's audio: a 440 Hz tone, AAC-LC 48 kHz mono at 64 kbit/s from FFmpeg's aac encoder, raw frames of 1024
 * samples as FLV carries them. Not thread-safe: one owner thread. {@link #close()} frees the native encoder.
 */
final class AacToneEncoder implements AutoCloseable {
    /** Samples per second. */
    static final int RATE = 48_000;
    /** Samples per AAC frame. */
    static final int FRAME_SAMPLES = 1024;
    private static final int EAGAIN = -11;
    private static final double TONE_HZ = 440;

    /** Receives each AAC frame during the call; {@code ptsSamples} is the encoder's presentation time. */
    interface FrameSink {
        void onAacFrame(byte[] frame, int length, long ptsSamples);
    }

    private final AVCodecContext encoder;
    private final AVFrame frame;
    private final AVPacket packet;
    private final float[] samples = new float[FRAME_SAMPLES];
    private byte[] out = new byte[4096];
    private long position;

    AacToneEncoder() {
        Ffmpeg.load();
        AVCodec codec = avcodec_find_encoder_by_name("aac");
        if (codec == null) {
            throw new CodecException("FFmpeg has no aac encoder");
        }
        encoder = avcodec_alloc_context3(codec);
        frame = av_frame_alloc();
        packet = av_packet_alloc();
        if (encoder == null || frame == null || packet == null) {
            close();
            throw new CodecException("cannot allocate the aac encoder");
        }
        try {
            encoder.sample_rate(RATE);
            encoder.sample_fmt(AV_SAMPLE_FMT_FLTP);
            av_channel_layout_default(encoder.ch_layout(), 1);
            encoder.bit_rate(64_000);
            encoder.time_base(new AVRational().num(1).den(RATE));
            check(avcodec_open2(encoder, codec, (PointerPointer<?>) null), "open the aac encoder");
            if (encoder.frame_size() != FRAME_SAMPLES) {
                throw new CodecException("aac encoder frame size " + encoder.frame_size() + ", expected "
                        + FRAME_SAMPLES);
            }
            frame.nb_samples(FRAME_SAMPLES);
            frame.format(AV_SAMPLE_FMT_FLTP);
            frame.sample_rate(RATE);
            av_channel_layout_default(frame.ch_layout(), 1);
            check(av_frame_get_buffer(frame, 0), "allocate the audio frame");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The AudioSpecificConfig of what this encoder makes (the FLV AAC sequence header). */
    static AudioSpecificConfig config() {
        return AudioSpecificConfig.of(AudioSpecificConfig.AAC_LC, RATE, 1);
    }

    /** Samples encoded so far: the start of the next frame. */
    long position() {
        return position;
    }

    /** Encodes the next {@value #FRAME_SAMPLES} samples of the tone; finished AAC frames go to {@code sink}. */
    void encodeNext(FrameSink sink) {
        for (int i = 0; i < FRAME_SAMPLES; i++) {
            samples[i] = (float) (0.3 * Math.sin(2 * Math.PI * TONE_HZ * (position + i) / RATE));
        }
        check(av_frame_make_writable(frame), "make the audio frame writable");
        new FloatPointer(frame.data(0)).put(samples, 0, FRAME_SAMPLES);
        frame.pts(position);
        position += FRAME_SAMPLES;
        check(avcodec_send_frame(encoder, frame), "encode audio");
        while (true) {
            int ret = avcodec_receive_packet(encoder, packet);
            if (ret == EAGAIN || ret == AVERROR_EOF) {
                return;
            }
            check(ret, "receive an AAC frame");
            try {
                int size = packet.size();
                if (size > out.length) {
                    out = new byte[size * 2];
                }
                packet.data().get(out, 0, size);
                sink.onAacFrame(out, size, packet.pts());
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    private static void check(int ret, String what) {
        if (ret < 0) {
            throw new CodecException("aac: cannot " + what + ": " + Ffmpeg.errorString(ret));
        }
    }

    @Override
    public void close() {
        if (encoder != null) {
            avcodec_free_context(encoder);
        }
        if (frame != null) {
            av_frame_free(frame);
        }
        if (packet != null) {
            av_packet_free(packet);
        }
    }
}

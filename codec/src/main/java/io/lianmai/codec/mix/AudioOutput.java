package io.lianmai.codec.mix;

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
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_free;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_read;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_size;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_write;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_copy;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_uninit;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set;
import static org.bytedeco.ffmpeg.global.swresample.swr_alloc_set_opts2;
import static org.bytedeco.ffmpeg.global.swresample.swr_convert;
import static org.bytedeco.ffmpeg.global.swresample.swr_free;
import static org.bytedeco.ffmpeg.global.swresample.swr_init;

import io.lianmai.codec.CodecException;
import io.lianmai.codec.Ffmpeg;
import io.lianmai.codec.aac.AudioSpecificConfig;
import io.lianmai.codec.transcode.AacFrameListener;
import io.lianmai.codec.transcode.OpusPacketListener;
import io.lianmai.codec.transcode.PacketInput;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVAudioFifo;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * One encoded audio output of a {@link Mixer}: the mix of every member (or every member but one, a mix-minus for
 * that member to hear), converted by libswresample from the mixer's 48 kHz stereo to the encoder's rate, channels and
 * format, and encoded as AAC-LC or Opus in whole encoder frames.
 *
 * <p>Timestamps are on the mixer's output timeline (0 = the first output picture) and are those of the encoder's
 * pts, which already subtract its priming, so a decoder's output of a packet lines up with the video: AAC frames in
 * milliseconds (the first frame, priming only, at a negative time, is not delivered); Opus packets in 48 kHz samples
 * (the first is at −312: add the RTP base and take the low 32 bits).
 */
public final class AudioOutput {
    private final String excludedUserId;
    private final AacFrameListener aacListener;
    private final OpusPacketListener opusListener;
    private final int rate;
    private final AVChannelLayout layout = new AVChannelLayout();
    private final AVChannelLayout stereo = new AVChannelLayout();
    private AVCodecContext encoder;
    private SwrContext swr;
    private AVAudioFifo fifo;
    private AVFrame frame;
    private AVFrame converted;
    private AVPacket packet;
    private FloatPointer in;
    private PointerPointer<FloatPointer> inPlanes;
    private final int frameSize;
    private final int convertedCapacity;
    private long samplesSent;
    private byte[] out = new byte[4096];
    private byte[] audioSpecificConfig;
    private long packetsOut;

    AudioOutput(String encoderName, int rate, int channels, int bitrate, String excludedUserId,
            AacFrameListener aacListener, OpusPacketListener opusListener) {
        Ffmpeg.load();
        this.excludedUserId = excludedUserId;
        this.aacListener = aacListener;
        this.opusListener = opusListener;
        this.rate = rate;
        av_channel_layout_default(layout, channels);
        av_channel_layout_default(stereo, 2);
        try {
            AVCodec codec = avcodec_find_encoder_by_name(encoderName);
            if (codec == null) {
                throw new CodecException("FFmpeg has no encoder " + encoderName);
            }
            encoder = avcodec_alloc_context3(codec);
            if (encoder == null) {
                throw new CodecException("cannot allocate the " + encoderName + " encoder");
            }
            boolean planar = encoderName.equals("aac");
            encoder.sample_rate(rate);
            encoder.sample_fmt(planar ? AV_SAMPLE_FMT_FLTP : AV_SAMPLE_FMT_FLT);
            check(av_channel_layout_copy(encoder.ch_layout(), layout), "channel layout");
            encoder.bit_rate(bitrate);
            encoder.time_base(new AVRational().num(1).den(rate));
            encoder.thread_count(1);
            if (!planar) {
                check(av_opt_set(encoder.priv_data(), "application", "audio", 0), "libopus application");
            }
            check(avcodec_open2(encoder, codec, (PointerPointer<?>) null), "open " + encoderName);
            frameSize = encoder.frame_size();
            if (frameSize <= 0) {
                throw new CodecException(encoderName + " reports no frame size");
            }
            if (planar) {
                audioSpecificConfig = new byte[encoder.extradata_size()];
                encoder.extradata().get(audioSpecificConfig);
            }
            SwrContext context = new SwrContext();
            check(swr_alloc_set_opts2(context, layout, encoder.sample_fmt(), rate, stereo, AV_SAMPLE_FMT_FLT,
                    AudioInput.RATE, 0, null), "swr_alloc_set_opts2");
            swr = context;
            check(swr_init(swr), "swr_init");
            fifo = av_audio_fifo_alloc(encoder.sample_fmt(), channels, frameSize * 4);
            frame = av_frame_alloc();
            converted = av_frame_alloc();
            packet = av_packet_alloc();
            if (fifo == null || frame == null || converted == null || packet == null) {
                throw new CodecException("FFmpeg allocation failed");
            }
            frame.nb_samples(frameSize).format(encoder.sample_fmt()).sample_rate(rate);
            check(av_channel_layout_copy(frame.ch_layout(), layout), "channel layout");
            check(av_frame_get_buffer(frame, 0), "encoder frame");
            convertedCapacity = Mixer.AUDIO_BLOCK * 2 * rate / AudioInput.RATE + 64;
            converted.nb_samples(convertedCapacity).format(encoder.sample_fmt()).sample_rate(rate);
            check(av_channel_layout_copy(converted.ch_layout(), layout), "channel layout");
            check(av_frame_get_buffer(converted, 0), "conversion frame");
            in = new FloatPointer((long) Mixer.AUDIO_BLOCK * 2 * 2);
            inPlanes = new PointerPointer<>(1);
            inPlanes.put(0, in);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The member whose audio this output leaves out, or null for the full mix. */
    public String excludedUserId() {
        return excludedUserId;
    }

    /** The AAC AudioSpecificConfig (FLV sequence header, avcC's audio counterpart), or null for Opus. */
    public AudioSpecificConfig audioSpecificConfig() {
        return audioSpecificConfig == null ? null : AudioSpecificConfig.parse(audioSpecificConfig);
    }

    /** Encoder frame size in samples (1024 AAC, 960 Opus). */
    public int frameSize() {
        return frameSize;
    }

    /** Sample rate of the output. */
    public int sampleRate() {
        return rate;
    }

    /** Packets delivered. */
    public long packetsOut() {
        return packetsOut;
    }

    /** Encodes {@code n} mixed 48 kHz stereo samples (interleaved, at most {@link Mixer#AUDIO_BLOCK}). */
    void encode(float[] mix, int n) {
        in.position(0).put(mix, 0, n * 2);
        int got = swr_convert(swr, converted.extended_data(), convertedCapacity, inPlanes, n);
        if (got < 0) {
            throw new CodecException("swr_convert: " + Ffmpeg.errorString(got));
        }
        if (got > 0 && av_audio_fifo_write(fifo, converted.extended_data(), got) < got) {
            throw new CodecException("audio FIFO write failed");
        }
        while (av_audio_fifo_size(fifo) >= frameSize) {
            check(av_frame_make_writable(frame), "encoder frame writable");
            av_audio_fifo_read(fifo, frame.extended_data(), frameSize);
            frame.pts(samplesSent);
            samplesSent += frameSize;
            check(avcodec_send_frame(encoder, frame), "audio encoder");
            while (true) {
                int ret = avcodec_receive_packet(encoder, packet);
                if (ret == PacketInput.EAGAIN || ret == AVERROR_EOF) {
                    break;
                }
                check(ret, "audio encoder");
                try {
                    deliver(packet);
                } finally {
                    av_packet_unref(packet);
                }
            }
        }
    }

    /** Moves the output timeline forward by {@code samples48k} without encoding (the mixer skipped a stall). */
    void skip(long samples48k) {
        samplesSent += samples48k * rate / AudioInput.RATE;
    }

    private void deliver(AVPacket p) {
        int size = p.size();
        if (size <= 0) {
            return;
        }
        if (size > out.length) {
            out = new byte[Math.max(size, out.length * 2)];
        }
        p.data().get(out, 0, size);
        long pts = p.pts();
        if (aacListener != null) {
            if (pts < 0) {
                return; // priming only: its decoded output lies before the first picture
            }
            packetsOut++;
            aacListener.onAacFrame(out, 0, size, pts * 1000 / rate);
        } else {
            packetsOut++;
            opusListener.onOpusPacket(out, 0, size, pts * (48_000 / rate));
        }
    }

    private static void check(int ret, String what) {
        if (ret < 0) {
            throw new CodecException(what + ": " + Ffmpeg.errorString(ret));
        }
    }

    void close() {
        if (in == null && encoder == null) {
            return; // closed (or never opened)
        }
        if (encoder != null) {
            avcodec_free_context(encoder);
            encoder = null;
        }
        if (swr != null) {
            swr_free(swr);
            swr = null;
        }
        if (fifo != null) {
            av_audio_fifo_free(fifo);
            fifo = null;
        }
        if (frame != null) {
            av_frame_free(frame);
            frame = null;
        }
        if (converted != null) {
            av_frame_free(converted);
            converted = null;
        }
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
        if (in != null) {
            in.close();
            inPlanes.close();
            in = null;
        }
        av_channel_layout_uninit(layout);
        av_channel_layout_uninit(stereo);
    }
}

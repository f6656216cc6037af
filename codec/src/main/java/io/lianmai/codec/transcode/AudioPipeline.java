package io.lianmai.codec.transcode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
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
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_compare;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_copy;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_uninit;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set;
import static org.bytedeco.ffmpeg.global.swresample.swr_alloc_set_opts2;
import static org.bytedeco.ffmpeg.global.swresample.swr_convert;
import static org.bytedeco.ffmpeg.global.swresample.swr_free;
import static org.bytedeco.ffmpeg.global.swresample.swr_get_delay;
import static org.bytedeco.ffmpeg.global.swresample.swr_get_out_samples;
import static org.bytedeco.ffmpeg.global.swresample.swr_init;

import io.lianmai.codec.CodecException;
import io.lianmai.codec.Ffmpeg;
import java.util.Arrays;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The audio path both audio transcoders share: an FFmpeg decoder, libswresample to 48 kHz stereo float, a FIFO of
 * interleaved samples (in Java), and an FFmpeg encoder fed whole frames of its frame size. Positions are counted in
 * 48 kHz output samples: {@link #position()} is where the next decoded sample will land, and each encoded packet is
 * reported with the position of its first sample (its pts plus the encoder's priming).
 *
 * <p>The resampler is set up from the first decoded frame and again whenever the decoded format, rate or layout
 * changes (e.g. HE-AAC signalled only implicitly). Not thread-safe: one owner thread.
 */
final class AudioPipeline implements AutoCloseable {
    /** AVERROR(EAGAIN) on Linux, the only platform whose natives we ship. */
    static final int EAGAIN = -11;
    static final int RATE = 48_000;
    static final int CHANNELS = 2;

    /** Receives each encoded packet, during the call only. */
    interface EncodedSink {
        void onEncoded(byte[] buf, int len, long position);
    }

    private final EncodedSink sink;
    private final PacketInput input = new PacketInput();
    private final AVChannelLayout outLayout = new AVChannelLayout();
    private final AVChannelLayout swrInLayout = new AVChannelLayout();
    private final boolean planarEncoder;
    private AVCodecContext decoder;
    private AVCodecContext encoder;
    private AVFrame decoded;
    private AVFrame frame;
    private AVPacket encoded;
    private SwrContext swr;
    private int swrInFormat = -1;
    private int swrInRate = -1;
    private FloatPointer converted;
    private PointerPointer<FloatPointer> convertedPlanes;
    private int convertedCapacity;
    private final int frameSize;

    private float[] fifo = new float[8192 * CHANNELS];
    private int fifoSamples;
    private long fifoStart;
    private float[] plane;
    private byte[] out = new byte[4096];
    private boolean closed;

    /**
     * Opens the decoder and the encoder.
     *
     * @param decoderName FFmpeg decoder, e.g. {@code aac}
     * @param extradata decoder extradata (AudioSpecificConfig), or null
     * @param encoderName FFmpeg encoder, e.g. {@code libopus}
     * @param planar whether the encoder takes planar float (aac) rather than interleaved (libopus)
     * @param bitrate encoder bit rate in bit/s
     * @param options encoder private options (AVOptions)
     */
    AudioPipeline(String decoderName, byte[] extradata, String encoderName, boolean planar, int bitrate,
            Map<String, String> options, EncodedSink sink) {
        Ffmpeg.load();
        this.sink = sink;
        this.planarEncoder = planar;
        av_channel_layout_default(outLayout, CHANNELS);
        try {
            openDecoder(decoderName, extradata);
            openEncoder(encoderName, bitrate, options);
            frameSize = encoder.frame_size();
            if (frameSize <= 0) {
                throw new CodecException(encoderName + " reports no frame size");
            }
            decoded = av_frame_alloc();
            frame = av_frame_alloc();
            encoded = av_packet_alloc();
            if (decoded == null || frame == null || encoded == null) {
                throw new CodecException("FFmpeg frame/packet allocation failed");
            }
            frame.nb_samples(frameSize);
            frame.format(encoder.sample_fmt());
            frame.sample_rate(RATE);
            check(av_channel_layout_copy(frame.ch_layout(), outLayout), "copy channel layout");
            check(av_frame_get_buffer(frame, 0), "allocate the encoder frame");
            plane = new float[frameSize];
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void openDecoder(String name, byte[] extradata) {
        AVCodec codec = avcodec_find_decoder_by_name(name);
        if (codec == null) {
            throw new CodecException("FFmpeg has no decoder " + name);
        }
        decoder = avcodec_alloc_context3(codec);
        if (decoder == null) {
            throw new CodecException("cannot allocate the " + name + " decoder");
        }
        decoder.thread_count(1);
        if (extradata == null) {
            // Opus over RTP has no extradata: decode at 48 kHz stereo (RFC 7587 §7, opus/48000/2)
            decoder.sample_rate(RATE);
            check(av_channel_layout_copy(decoder.ch_layout(), outLayout), "copy channel layout");
        } else {
            BytePointer copy = new BytePointer(av_mallocz(extradata.length + AV_INPUT_BUFFER_PADDING_SIZE));
            if (copy.isNull()) {
                throw new CodecException("cannot allocate decoder extradata");
            }
            copy.put(extradata, 0, extradata.length);
            decoder.extradata(copy); // freed by avcodec_free_context
            decoder.extradata_size(extradata.length);
        }
        int ret = avcodec_open2(decoder, codec, (PointerPointer<?>) null);
        if (ret < 0) {
            throw new CodecException("cannot open the " + name + " decoder: " + Ffmpeg.errorString(ret));
        }
    }

    private void openEncoder(String name, int bitrate, Map<String, String> options) {
        AVCodec codec = avcodec_find_encoder_by_name(name);
        if (codec == null) {
            throw new CodecException("FFmpeg has no encoder " + name);
        }
        encoder = avcodec_alloc_context3(codec);
        if (encoder == null) {
            throw new CodecException("cannot allocate the " + name + " encoder");
        }
        encoder.sample_rate(RATE);
        encoder.sample_fmt(planarEncoder ? AV_SAMPLE_FMT_FLTP : AV_SAMPLE_FMT_FLT);
        check(av_channel_layout_copy(encoder.ch_layout(), outLayout), "copy channel layout");
        encoder.bit_rate(bitrate);
        encoder.time_base(new AVRational().num(1).den(RATE));
        encoder.thread_count(1);
        for (Map.Entry<String, String> option : options.entrySet()) {
            int ret = av_opt_set(encoder.priv_data(), option.getKey(), option.getValue(), 0);
            if (ret < 0) {
                throw new CodecException(name + " option " + option.getKey() + "=" + option.getValue() + ": "
                        + Ffmpeg.errorString(ret));
            }
        }
        int ret = avcodec_open2(encoder, codec, (PointerPointer<?>) null);
        if (ret < 0) {
            throw new CodecException("cannot open the " + name + " encoder: " + Ffmpeg.errorString(ret));
        }
    }

    /** The encoder's frame size in samples (960 for 20 ms Opus, 1024 for AAC). */
    int frameSize() {
        return frameSize;
    }

    /** The encoder's extradata (AudioSpecificConfig for aac), or null. */
    byte[] encoderExtradata() {
        int size = encoder.extradata_size();
        if (size <= 0 || encoder.extradata() == null) {
            return null;
        }
        byte[] bytes = new byte[size];
        encoder.extradata().get(bytes, 0, size);
        return bytes;
    }

    /** Output position (48 kHz samples) the next decoded sample lands at. */
    long position() {
        long delay = swr != null ? swr_get_delay(swr, RATE) : 0;
        return fifoStart + fifoSamples + delay;
    }

    /**
     * Decodes one packet; when {@code keep}, its samples go on to the encoder, otherwise they are discarded (the
     * decoder state still advances). Returns false if the decoder rejected the packet or a frame of it.
     */
    boolean decode(byte[] buf, int off, int len, boolean keep) {
        checkOpen();
        int ret = avcodec_send_packet(decoder, input.wrap(buf, off, len, 0));
        if (ret < 0) {
            return false;
        }
        boolean ok = true;
        while (true) {
            ret = avcodec_receive_frame(decoder, decoded);
            if (ret == EAGAIN || ret == AVERROR_EOF) {
                break;
            }
            if (ret < 0) {
                ok = false;
                break;
            }
            try {
                if (keep && decoded.nb_samples() > 0) {
                    resample(decoded);
                }
            } finally {
                av_frame_unref(decoded);
            }
        }
        encodeReady();
        return ok;
    }

    /** Appends {@code samples} of silence (48 kHz) and encodes what is complete. */
    void silence(long samples) {
        checkOpen();
        long left = samples;
        while (left > 0) {
            int n = (int) Math.min(left, frameSize);
            ensureFifo(n);
            Arrays.fill(fifo, fifoSamples * CHANNELS, (fifoSamples + n) * CHANNELS, 0f);
            fifoSamples += n;
            left -= n;
            encodeReady();
        }
    }

    /**
     * Completes the current frame with silence, then moves the output position forward to {@code position} without
     * producing samples (the encoded timestamps jump).
     */
    void jumpTo(long position) {
        checkOpen();
        if (fifoSamples > 0) {
            silence(frameSize - fifoSamples);
        }
        long target = position - (swr != null ? swr_get_delay(swr, RATE) : 0);
        if (target > fifoStart) {
            fifoStart = target;
        }
    }

    private void resample(AVFrame in) {
        if (swr == null || in.format() != swrInFormat || in.sample_rate() != swrInRate
                || av_channel_layout_compare(in.ch_layout(), swrInLayout) != 0) {
            openResampler(in);
        }
        int needed = swr_get_out_samples(swr, in.nb_samples());
        if (needed < 0) {
            throw new CodecException("swr_get_out_samples: " + Ffmpeg.errorString(needed));
        }
        ensureConverted(needed);
        int n = swr_convert(swr, convertedPlanes, convertedCapacity, in.extended_data(), in.nb_samples());
        if (n < 0) {
            throw new CodecException("swr_convert: " + Ffmpeg.errorString(n));
        }
        ensureFifo(n);
        converted.position(0).get(fifo, fifoSamples * CHANNELS, n * CHANNELS);
        fifoSamples += n;
    }

    private void openResampler(AVFrame in) {
        if (swr != null) {
            swr_free(swr);
            swr = null;
        }
        SwrContext context = new SwrContext(); // null: swr_alloc_set_opts2 allocates and sets it (SwrContext**)
        int ret = swr_alloc_set_opts2(context, outLayout, AV_SAMPLE_FMT_FLT, RATE, in.ch_layout(), in.format(),
                in.sample_rate(), 0, null);
        if (ret < 0 || context.isNull()) {
            throw new CodecException("swr_alloc_set_opts2: " + Ffmpeg.errorString(ret));
        }
        swr = context;
        ret = swr_init(swr);
        if (ret < 0) {
            throw new CodecException("swr_init for " + in.sample_rate() + " Hz: " + Ffmpeg.errorString(ret));
        }
        av_channel_layout_uninit(swrInLayout);
        check(av_channel_layout_copy(swrInLayout, in.ch_layout()), "copy channel layout");
        swrInFormat = in.format();
        swrInRate = in.sample_rate();
    }

    private void ensureConverted(int samples) {
        if (samples <= convertedCapacity) {
            return;
        }
        if (converted != null) {
            converted.close();
            convertedPlanes.close();
        }
        convertedCapacity = Math.max(samples, 4096);
        converted = new FloatPointer((long) convertedCapacity * CHANNELS);
        convertedPlanes = new PointerPointer<>(1);
        convertedPlanes.put(0, converted);
    }

    private void ensureFifo(int extraSamples) {
        int needed = (fifoSamples + extraSamples) * CHANNELS;
        if (needed > fifo.length) {
            fifo = Arrays.copyOf(fifo, Math.max(needed, fifo.length * 2));
        }
    }

    private void encodeReady() {
        while (fifoSamples >= frameSize) {
            encodeFrame();
        }
    }

    private void encodeFrame() {
        check(av_frame_make_writable(frame), "make the encoder frame writable");
        if (planarEncoder) {
            for (int ch = 0; ch < CHANNELS; ch++) {
                for (int i = 0; i < frameSize; i++) {
                    plane[i] = fifo[i * CHANNELS + ch];
                }
                new FloatPointer(frame.data(ch)).put(plane, 0, frameSize);
            }
        } else {
            new FloatPointer(frame.data(0)).put(fifo, 0, frameSize * CHANNELS);
        }
        frame.pts(fifoStart);
        int ret = avcodec_send_frame(encoder, frame);
        if (ret < 0) {
            throw new CodecException("audio encoder refused a frame: " + Ffmpeg.errorString(ret));
        }
        fifoSamples -= frameSize;
        System.arraycopy(fifo, frameSize * CHANNELS, fifo, 0, fifoSamples * CHANNELS);
        fifoStart += frameSize;
        while (true) {
            ret = avcodec_receive_packet(encoder, encoded);
            if (ret == EAGAIN || ret == AVERROR_EOF) {
                break;
            }
            if (ret < 0) {
                throw new CodecException("audio encoder failed: " + Ffmpeg.errorString(ret));
            }
            try {
                int size = encoded.size();
                if (size > out.length) {
                    out = new byte[Math.max(size, out.length * 2)];
                }
                encoded.data().get(out, 0, size);
                long position = encoded.pts() + encoder.initial_padding();
                sink.onEncoded(out, size, position);
            } finally {
                av_packet_unref(encoded);
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("transcoder is closed");
        }
    }

    private static void check(int ret, String what) {
        if (ret < 0) {
            throw new CodecException(what + ": " + Ffmpeg.errorString(ret));
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (decoder != null) {
            avcodec_free_context(decoder);
            decoder = null;
        }
        if (encoder != null) {
            avcodec_free_context(encoder);
            encoder = null;
        }
        if (swr != null) {
            swr_free(swr);
            swr = null;
        }
        if (decoded != null) {
            av_frame_free(decoded);
            decoded = null;
        }
        if (frame != null) {
            av_frame_free(frame);
            frame = null;
        }
        if (encoded != null) {
            av_packet_free(encoded);
            encoded = null;
        }
        if (converted != null) {
            converted.close();
            convertedPlanes.close();
            converted = null;
        }
        input.close();
        av_channel_layout_uninit(outLayout);
        av_channel_layout_uninit(swrInLayout);
        outLayout.close();
        swrInLayout.close();
    }
}

package io.lianmai.codec.mix;

import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_compare;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_copy;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_uninit;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;
import static org.bytedeco.ffmpeg.global.swresample.swr_alloc_set_opts2;
import static org.bytedeco.ffmpeg.global.swresample.swr_convert;
import static org.bytedeco.ffmpeg.global.swresample.swr_free;
import static org.bytedeco.ffmpeg.global.swresample.swr_get_out_samples;
import static org.bytedeco.ffmpeg.global.swresample.swr_init;

import io.lianmai.codec.CodecException;
import io.lianmai.codec.Ffmpeg;
import io.lianmai.codec.transcode.PacketInput;
import java.util.Arrays;
import java.util.Objects;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * A member's audio: decoded on feed, resampled to 48 kHz stereo float, and written into a ring of the mixer's
 * timeline at the position its capture time maps to, where the mixer picks it up when its playout point passes.
 * Packets landing within {@value #SNAP_SAMPLES} samples of where the previous one ended are placed right after it
 * (timestamp jitter, resampler delay), so steady input never clicks; larger differences (loss, DTX, a new mapping)
 * move the write position.
 */
final class AudioInput implements MixInput {
    static final int RATE = 48_000;
    /** Ring length in 48 kHz frames (2.7 s): more than the longest playout latency plus a burst. */
    static final int RING = 1 << 17;
    static final int SNAP_SAMPLES = 960;
    static final int MAX_FRAME_BYTES = 8 * 1024;

    private final Mixer mixer;
    private final String userId;
    private final int streamType;
    private final InputClock clock;
    private final PacketInput input = new PacketInput();
    private final AVChannelLayout stereo = new AVChannelLayout();
    private final AVChannelLayout swrInLayout = new AVChannelLayout();
    private AVCodecContext decoder;
    private AVFrame decoded;
    private SwrContext swr;
    private int swrInFormat = -1;
    private int swrInRate = -1;
    private FloatPointer converted;
    private PointerPointer<FloatPointer> convertedPlanes;
    private int convertedCapacity;
    private float[] chunk = new float[4096 * 2];
    final float[] ring = new float[RING * 2];
    private long writeEnd = Long.MIN_VALUE;

    private long framesIn;
    private long corrupt;
    private long rejected;
    private long late;
    private long jumps;
    private boolean closed;

    AudioInput(Mixer mixer, String userId, int streamType, String decoderName, byte[] extradata, int clockRate) {
        Ffmpeg.load();
        this.mixer = mixer;
        this.userId = Objects.requireNonNull(userId, "userId");
        this.streamType = streamType;
        this.clock = new InputClock(clockRate);
        av_channel_layout_default(stereo, 2);
        try {
            AVCodec codec = avcodec_find_decoder_by_name(decoderName);
            if (codec == null) {
                throw new CodecException("FFmpeg has no decoder " + decoderName);
            }
            decoder = avcodec_alloc_context3(codec);
            if (decoder == null) {
                throw new CodecException("cannot allocate the " + decoderName + " decoder");
            }
            decoder.thread_count(1);
            if (extradata == null) {
                decoder.sample_rate(RATE); // Opus over RTP: opus/48000/2 (RFC 7587 §7)
                av_channel_layout_copy(decoder.ch_layout(), stereo);
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
                throw new CodecException("cannot open the " + decoderName + " decoder: " + Ffmpeg.errorString(ret));
            }
            decoded = av_frame_alloc();
            if (decoded == null) {
                throw new CodecException("av_frame_alloc failed");
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public String userId() {
        return userId;
    }

    @Override
    public int streamType() {
        return streamType;
    }

    @Override
    public void setClockMapping(long timestamp, double millis) {
        clock.setMapping(timestamp, millis);
    }

    @Override
    public void feed(byte[] buf, int off, int len, long timestamp, long arrivalMillis) {
        checkOpen();
        Objects.checkFromIndexSize(off, len, buf.length);
        framesIn++;
        if (len < 1 || len > MAX_FRAME_BYTES) {
            rejected++;
            return;
        }
        long position = Math.round(clock.toMillis(timestamp, arrivalMillis) * (RATE / 1000.0));
        int ret = avcodec_send_packet(decoder, input.wrap(buf, off, len, 0));
        if (ret < 0) {
            corrupt++;
            return;
        }
        boolean first = true;
        while (true) {
            ret = avcodec_receive_frame(decoder, decoded);
            if (ret == PacketInput.EAGAIN || ret == AVERROR_EOF) {
                break;
            }
            if (ret < 0) {
                corrupt++;
                break;
            }
            try {
                int n = decoded.nb_samples() > 0 ? resample(decoded) : 0;
                if (n > 0) {
                    write(first ? position : writeEnd, n);
                    first = false;
                }
            } finally {
                av_frame_unref(decoded);
            }
        }
    }

    private void write(long position, int n) {
        if (writeEnd != Long.MIN_VALUE && Math.abs(position - writeEnd) <= SNAP_SAMPLES) {
            position = writeEnd;
        } else if (writeEnd != Long.MIN_VALUE) {
            jumps++;
        }
        writeEnd = position + n;
        long cursor = mixer.audioCursor();
        if (cursor == Long.MIN_VALUE) {
            return; // the mix has not started: nothing will be played before its first tick
        }
        long from = Math.max(position, cursor);
        long to = Math.min(position + n, cursor + RING - SNAP_SAMPLES);
        if (from >= to) {
            late++;
            return;
        }
        if (from > position || to < position + n) {
            late++; // partly behind the playout point or too far ahead: the rest is played
        }
        for (long p = from; p < to; p++) {
            int r = (int) (p & (RING - 1)) * 2;
            int c = (int) (p - position) * 2;
            ring[r] = chunk[c];
            ring[r + 1] = chunk[c + 1];
        }
    }

    /** Adds this input's samples at mixer positions {@code [from, from + n)} to {@code mix} (interleaved stereo). */
    void addTo(float[] mix, long from, int n) {
        for (int i = 0; i < n; i++) {
            int r = (int) ((from + i) & (RING - 1)) * 2;
            mix[2 * i] += ring[r];
            mix[2 * i + 1] += ring[r + 1];
        }
    }

    /** Forgets everything written (the mixer skipped ahead: what is in the ring would play at wrong positions). */
    void clear() {
        Arrays.fill(ring, 0f);
    }

    /** Clears positions {@code [from, from + n)} once every mix has read them. */
    void consume(long from, int n) {
        int start = (int) (from & (RING - 1));
        int first = Math.min(n, RING - start);
        Arrays.fill(ring, start * 2, (start + first) * 2, 0f);
        if (first < n) {
            Arrays.fill(ring, 0, (n - first) * 2, 0f);
        }
    }

    private int resample(AVFrame in) {
        if (swr == null || in.format() != swrInFormat || in.sample_rate() != swrInRate
                || av_channel_layout_compare(in.ch_layout(), swrInLayout) != 0) {
            openResampler(in);
        }
        int needed = swr_get_out_samples(swr, in.nb_samples());
        if (needed < 0) {
            throw new CodecException("swr_get_out_samples: " + Ffmpeg.errorString(needed));
        }
        if (needed > convertedCapacity) {
            if (converted != null) {
                converted.close();
                convertedPlanes.close();
            }
            convertedCapacity = Math.max(needed, 4096);
            converted = new FloatPointer((long) convertedCapacity * 2);
            convertedPlanes = new PointerPointer<>(1);
            convertedPlanes.put(0, converted);
        }
        int n = swr_convert(swr, convertedPlanes, convertedCapacity, in.extended_data(), in.nb_samples());
        if (n < 0) {
            throw new CodecException("swr_convert: " + Ffmpeg.errorString(n));
        }
        if (n * 2 > chunk.length) {
            chunk = new float[n * 2];
        }
        converted.position(0).get(chunk, 0, n * 2);
        return n;
    }

    private void openResampler(AVFrame in) {
        if (swr != null) {
            swr_free(swr);
            swr = null;
        }
        SwrContext context = new SwrContext();
        int ret = swr_alloc_set_opts2(context, stereo, AV_SAMPLE_FMT_FLT, RATE, in.ch_layout(), in.format(),
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
        av_channel_layout_copy(swrInLayout, in.ch_layout());
        swrInFormat = in.format();
        swrInRate = in.sample_rate();
    }

    @Override
    public long framesIn() {
        return framesIn;
    }

    @Override
    public long corruptFrames() {
        return corrupt;
    }

    @Override
    public long rejectedFrames() {
        return rejected;
    }

    @Override
    public long lateFrames() {
        return late;
    }

    /** Times the write position moved by more than the snap distance (loss, DTX, a new clock mapping). */
    long jumps() {
        return jumps;
    }

    private void checkOpen() {
        if (decoder == null) {
            throw new IllegalStateException("mixer input is closed");
        }
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (decoder != null) {
            avcodec_free_context(decoder);
            decoder = null;
        }
        if (decoded != null) {
            av_frame_free(decoded);
            decoded = null;
        }
        if (swr != null) {
            swr_free(swr);
            swr = null;
        }
        if (converted != null) {
            converted.close();
            convertedPlanes.close();
            converted = null;
        }
        input.close();
        av_channel_layout_uninit(stereo);
        av_channel_layout_uninit(swrInLayout);
        stereo.close();
        swrInLayout.close();
    }
}

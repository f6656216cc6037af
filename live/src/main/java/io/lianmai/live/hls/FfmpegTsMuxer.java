package io.lianmai.live.hls;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avformat.av_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_close_dyn_buf;
import static org.bytedeco.ffmpeg.global.avformat.avio_open_dyn_buf;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import io.lianmai.codec.Ffmpeg;
import io.lianmai.codec.aac.AudioSpecificConfig;
import io.lianmai.codec.h264.AvcDecoderConfigurationRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * {@link TsMuxer} on FFmpeg's {@code mpegts} muxer, writing into an in-memory dynamic buffer (the way FFmpeg's own
 * HLS muxer does): a cut flushes the muxer's pending PES packets, takes the buffer's bytes and opens a fresh buffer,
 * and asks for PAT/PMT again so every segment can be decoded alone. Continuity counters run on across segments.
 *
 * <p>The muxer adds AUD NAL units and wraps raw AAC in ADTS from the AudioSpecificConfig. Everything handed to it was
 * checked first ({@link TsInputCheck}).
 * Native memory: the format context, one reusable frame buffer and the current segment's bytes; all freed by
 * {@link #close}.
 */
final class FfmpegTsMuxer implements TsMuxer {
    private static final int INITIAL_FRAME_CAPACITY = 256 * 1024;

    /** The count of open muxers of the {@link FfmpegTsMuxers} that opened this one. */
    private final AtomicInteger open;

    private final AVRational millis = new AVRational().num(1).den(1000);
    private AVFormatContext context;
    private AVPacket packet;
    private BytePointer frame;
    private ByteBuffer frameView;
    private int frameCapacity;
    private int videoIndex = -1;
    private int audioIndex = -1;
    private AVRational videoBase;
    private AVRational audioBase;

    private FfmpegTsMuxer(AtomicInteger open) {
        this.open = open;
    }

    /**
     * Opens a muxer for these tracks (either may be null, not both); see {@link TsMuxer.Factory}. {@code open} goes
     * up while the muxer holds its format context and down when it is closed.
     */
    static TsMuxer open(AvcDecoderConfigurationRecord video, AudioSpecificConfig audio, AtomicInteger open)
            throws HlsException {
        if (video == null && audio == null) {
            throw new IllegalArgumentException("an MPEG-TS muxer needs a track");
        }
        Ffmpeg.load();
        FfmpegTsMuxer muxer = new FfmpegTsMuxer(open);
        try {
            muxer.start(video, audio);
            return muxer;
        } catch (HlsException | RuntimeException e) {
            muxer.close();
            throw e;
        }
    }

    private void start(AvcDecoderConfigurationRecord video, AudioSpecificConfig audio) throws HlsException {
        AVFormatContext allocated = new AVFormatContext(null);
        check(avformat_alloc_output_context2(allocated, null, "mpegts", (String) null), "allocating the muxer");
        context = allocated;
        open.incrementAndGet();
        if (video != null) {
            AVStream stream = newStream();
            AVCodecParameters parameters = stream.codecpar();
            parameters.codec_type(AVMEDIA_TYPE_VIDEO).codec_id(AV_CODEC_ID_H264);
            extradata(parameters, video.toAnnexB());
            videoIndex = stream.index();
        }
        if (audio != null) {
            AVStream stream = newStream();
            AVCodecParameters parameters = stream.codecpar();
            parameters.codec_type(AVMEDIA_TYPE_AUDIO).codec_id(AV_CODEC_ID_AAC).sample_rate(audio.sampleRate())
                    .frame_size(1024);
            av_channel_layout_default(parameters.ch_layout(), channels(audio.channelConfiguration()));
            extradata(parameters, audio.toBytes());
            audioIndex = stream.index();
        }
        openBuffer();
        check(avformat_write_header(context, (PointerPointer<?>) null), "writing the header");
        // The muxer picks its own time base (1/90000); frames arrive in ms.
        videoBase = videoIndex < 0 ? null : context.streams(videoIndex).time_base();
        audioBase = audioIndex < 0 ? null : context.streams(audioIndex).time_base();
        packet = av_packet_alloc();
        if (packet == null) {
            throw new HlsException("FFmpeg could not allocate a packet");
        }
    }

    /** Channels of an AAC channel configuration 1..7 (ISO/IEC 14496-3 Table 1.19: 7 is 7.1, eight channels). */
    private static int channels(int channelConfiguration) {
        return channelConfiguration == 7 ? 8 : channelConfiguration;
    }

    private AVStream newStream() throws HlsException {
        AVStream stream = avformat_new_stream(context, null);
        if (stream == null) {
            throw new HlsException("FFmpeg could not add a stream");
        }
        stream.time_base(millis);
        return stream;
    }

    private static void extradata(AVCodecParameters parameters, byte[] bytes) throws HlsException {
        Pointer memory = av_mallocz(bytes.length + AV_INPUT_BUFFER_PADDING_SIZE);
        if (memory == null || memory.isNull()) {
            throw new HlsException("FFmpeg could not allocate " + bytes.length + " bytes of codec configuration");
        }
        BytePointer data = new BytePointer(memory).capacity(bytes.length + AV_INPUT_BUFFER_PADDING_SIZE);
        data.put(bytes, 0, bytes.length);
        parameters.extradata(data).extradata_size(bytes.length);
    }

    @Override
    public ByteBuffer frameBuffer(int capacity) throws HlsException {
        if (capacity > frameCapacity) {
            int size = Math.max(capacity, Math.max(INITIAL_FRAME_CAPACITY, frameCapacity * 2));
            Pointer memory = av_malloc(size + AV_INPUT_BUFFER_PADDING_SIZE);
            if (memory == null || memory.isNull()) {
                throw new HlsException("FFmpeg could not allocate a " + size + "-byte frame buffer");
            }
            if (frame != null) {
                av_free(frame);
            }
            frame = new BytePointer(memory).capacity(size + AV_INPUT_BUFFER_PADDING_SIZE);
            frameView = frame.asByteBuffer().order(ByteOrder.BIG_ENDIAN);
            frameCapacity = size;
        }
        frameView.clear().limit(capacity);
        return frameView;
    }

    @Override
    public void writeFrame(Track track, int length, long dtsMillis, long ptsMillis, boolean keyframe)
            throws HlsException {
        int index = track == Track.VIDEO ? videoIndex : audioIndex;
        if (index < 0 || frame == null || length <= 0 || length > frameCapacity) {
            throw new IllegalStateException("no " + track + " track or frame of " + length + " bytes");
        }
        // FFmpeg may read a few bytes past the end (padding), and expects them zero.
        frameView.limit(frameView.capacity());
        for (int i = 0; i < AV_INPUT_BUFFER_PADDING_SIZE; i++) {
            frameView.put(length + i, (byte) 0);
        }
        AVRational base = track == Track.VIDEO ? videoBase : audioBase;
        packet.data(frame).size(length).stream_index(index)
                .dts(av_rescale_q(dtsMillis, millis, base))
                .pts(av_rescale_q(ptsMillis, millis, base))
                .duration(0)
                .pos(-1)
                .flags(keyframe ? AV_PKT_FLAG_KEY : 0);
        int result = av_write_frame(context, packet);
        packet.data(null).size(0);
        check(result, "muxing a " + track.name().toLowerCase() + " frame");
    }

    @Override
    public byte[] cut() throws HlsException {
        check(av_write_frame(context, null), "flushing a segment");
        byte[] bytes = takeBuffer();
        openBuffer();
        check(av_opt_set(context.priv_data(), "mpegts_flags", "resend_headers", 0), "asking for PAT/PMT");
        return bytes;
    }

    @Override
    public byte[] finish() throws HlsException {
        try {
            check(av_write_trailer(context), "finishing the last segment");
            return takeBuffer();
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        if (context != null) {
            if (context.pb() != null) {
                takeBuffer();
            }
            avformat_free_context(context);
            context = null;
            open.decrementAndGet();
        }
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
        if (frame != null) {
            av_free(frame);
            frame = null;
            frameView = null;
            frameCapacity = 0;
        }
    }

    private void openBuffer() throws HlsException {
        AVIOContext buffer = new AVIOContext(null);
        check(avio_open_dyn_buf(buffer), "opening a segment buffer");
        context.pb(buffer);
    }

    /** Closes the dynamic buffer and returns what was written to it. */
    private byte[] takeBuffer() {
        AVIOContext buffer = context.pb();
        context.pb(null);
        BytePointer data = new BytePointer((Pointer) null);
        int size = avio_close_dyn_buf(buffer, data);
        try {
            byte[] bytes = new byte[Math.max(0, size)];
            if (size > 0) {
                data.capacity(size).get(bytes);
            }
            return bytes;
        } finally {
            av_free(data);
        }
    }

    private static void check(int result, String what) throws HlsException {
        if (result < 0) {
            byte[] message = new byte[256];
            av_strerror(result, message, message.length);
            int end = 0;
            while (end < message.length && message[end] != 0) {
                end++;
            }
            throw new HlsException("FFmpeg failed " + what + ": " + new String(message, 0, end,
                    StandardCharsets.UTF_8) + " (" + result + ")");
        }
    }
}

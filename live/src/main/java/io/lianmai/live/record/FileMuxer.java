package io.lianmai.live.record;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avformat.AVFMT_NOFILE;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

import io.lianmai.codec.CodecException;
import io.lianmai.codec.Ffmpeg;
import io.lianmai.codec.aac.AudioSpecificConfig;
import io.lianmai.codec.h264.AvcDecoderConfigurationRecord;
import io.lianmai.codec.h264.SequenceParameterSet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * One recording file written by FFmpeg as it goes, so that a process killed mid-recording leaves it playable up to
 * its last second or so:
 * <ul>
 *   <li>{@link Format#MP4}: fragmented MP4 ({@code empty_moov}, a fragment at every video keyframe and at least every
 *       second, each flushed to the file as it is cut). H.264 in AVCC form and raw AAC as FLV carries them. With
 *       {@code empty_moov} FFmpeg starts every track at 0 (no edit list can be written before the samples), so audio
 *       that begins after the first picture would play that much early: the gap is filled with silent AAC frames
 *       first (mono and stereo AAC-LC; {@link #SILENT_AAC_MONO}).</li>
 *   <li>{@link Format#HLS}: an event playlist and MPEG-TS segments beside it; the playlist is rewritten (through a
 *       temporary file) after each segment, listing every finished one.</li>
 * </ul>
 * Not thread-safe: one recorder's thread owns it. Native memory (format context, packet, frame buffer) is freed by
 * {@link #finish} or {@link #close}.
 */
public final class FileMuxer implements AutoCloseable {
    private static final int INITIAL_FRAME_CAPACITY = 256 * 1024;
    /** Longest HLS segment target, seconds: a keyframe every 2 s gives 4 s segments. */
    static final int HLS_SEGMENT_SECONDS = 4;

    /** A container. */
    public enum Format {
        /** Fragmented MP4 ({@code .mp4}). */
        MP4("mp4"),
        /** HLS: an {@code .m3u8} event playlist with {@code .ts} segments. */
        HLS("m3u8");

        private final String extension;

        Format(String extension) {
            this.extension = extension;
        }

        /** The file name extension, without the dot. */
        public String extension() {
            return extension;
        }
    }

    /**
     * One AAC-LC frame (1024 samples) of silence, mono: a single channel element with global gain 100 and no spectral
     * data (ISO/IEC 14496-3 raw_data_block), then the end element. Decodes to zeros at any sample rate (checked with
     * ffmpeg at 48 and 44.1 kHz).
     */
    static final byte[] SILENT_AAC_MONO = {0x00, (byte) 0xc8, 0x00, (byte) 0x80, 0x23, (byte) 0x80};
    /** The same for stereo: a channel pair element. */
    static final byte[] SILENT_AAC_STEREO = {0x21, 0x00, 0x49, (byte) 0x90, 0x02, 0x19, 0x00, 0x23, (byte) 0x80};

    private final AVRational millis = new AVRational().num(1).den(1000);
    private final Path path;
    private AVFormatContext context;
    private AVPacket packet;
    private BytePointer frame;
    private ByteBuffer frameView;
    private int frameCapacity;
    private int videoIndex = -1;
    private int audioIndex = -1;
    private AVRational videoBase;
    private AVRational audioBase;
    private long lastVideoDts = Long.MIN_VALUE;
    private long lastAudioDts = Long.MIN_VALUE;
    private long firstVideoDts = Long.MIN_VALUE;
    private long frames;
    /** MP4 only: the silent frame that fills the time before the first audio frame, or null (no filling). */
    private BytePointer silence;
    private int silenceLength;
    private double audioFrameMillis;

    private FileMuxer(Path path) {
        this.path = path;
    }

    /**
     * Creates {@code path} (an {@code .mp4} or {@code .m3u8} file whose directory exists) with these tracks (either
     * may be null, not both) and writes its header.
     *
     * @throws CodecException when FFmpeg refuses the file or the tracks
     */
    public static FileMuxer create(Format format, Path path, AvcDecoderConfigurationRecord video,
            AudioSpecificConfig audio) {
        if (video == null && audio == null) {
            throw new IllegalArgumentException("a recording file needs a track");
        }
        Ffmpeg.load();
        FileMuxer muxer = new FileMuxer(path);
        try {
            muxer.start(format, video, audio);
            return muxer;
        } catch (RuntimeException e) {
            muxer.close();
            throw e;
        }
    }

    private void start(Format format, AvcDecoderConfigurationRecord video, AudioSpecificConfig audio) {
        AVFormatContext allocated = new AVFormatContext(null);
        String file = path.toString();
        check(avformat_alloc_output_context2(allocated, null, format == Format.MP4 ? "mp4" : "hls", file),
                "allocating the muxer");
        context = allocated;
        if (video != null) {
            AVStream stream = newStream();
            AVCodecParameters parameters = stream.codecpar();
            parameters.codec_type(AVMEDIA_TYPE_VIDEO).codec_id(AV_CODEC_ID_H264);
            size(parameters, video.sps());
            extradata(parameters, video.toBytes());
            videoIndex = stream.index();
        }
        if (audio != null) {
            AVStream stream = newStream();
            AVCodecParameters parameters = stream.codecpar();
            parameters.codec_type(AVMEDIA_TYPE_AUDIO).codec_id(AV_CODEC_ID_AAC).sample_rate(audio.sampleRate())
                    .frame_size(1024);
            av_channel_layout_default(parameters.ch_layout(), audio.channelConfiguration() == 7 ? 8
                    : Math.max(1, audio.channelConfiguration()));
            extradata(parameters, audio.toBytes());
            audioIndex = stream.index();
            byte[] silent = audio.objectType() != 2 ? null : audio.channelConfiguration() == 1 ? SILENT_AAC_MONO
                    : audio.channelConfiguration() == 2 ? SILENT_AAC_STEREO : null;
            if (format == Format.MP4 && video != null && silent != null) {
                Pointer memory = av_mallocz(silent.length + AV_INPUT_BUFFER_PADDING_SIZE);
                if (memory == null || memory.isNull()) {
                    throw new CodecException("FFmpeg could not allocate a silent frame");
                }
                silence = new BytePointer(memory).capacity(silent.length + AV_INPUT_BUFFER_PADDING_SIZE);
                silence.put(silent, 0, silent.length);
                silenceLength = silent.length;
                audioFrameMillis = 1024 * 1000.0 / audio.sampleRate();
            }
        }
        AVDictionary options = new AVDictionary(null);
        try {
            // Every packet reaches the file when the muxer hands it on (MP4: when its fragment is cut).
            av_dict_set(options, "flush_packets", "1", 0);
            if (format == Format.MP4) {
                av_dict_set(options, "movflags", "+frag_keyframe+empty_moov+default_base_moof", 0);
                av_dict_set(options, "frag_duration", "1000000", 0);
            } else {
                av_dict_set(options, "hls_time", Integer.toString(HLS_SEGMENT_SECONDS), 0);
                av_dict_set(options, "hls_list_size", "0", 0);
                av_dict_set(options, "hls_playlist_type", "event", 0);
                av_dict_set(options, "hls_flags", "temp_file", 0);
                String name = path.getFileName().toString();
                String base = name.endsWith(".m3u8") ? name.substring(0, name.length() - 5) : name;
                av_dict_set(options, "hls_segment_filename", path.resolveSibling(base + "_%05d.ts").toString(), 0);
            }
            if ((context.oformat().flags() & AVFMT_NOFILE) == 0) {
                AVIOContext io = new AVIOContext(null);
                check(avio_open(io, file, AVIO_FLAG_WRITE), "creating " + path.getFileName());
                context.pb(io);
            }
            check(avformat_write_header(context, options), "writing the header of " + path.getFileName());
        } finally {
            av_dict_free(options);
        }
        videoBase = videoIndex < 0 ? null : context.streams(videoIndex).time_base();
        audioBase = audioIndex < 0 ? null : context.streams(audioIndex).time_base();
        packet = av_packet_alloc();
        if (packet == null) {
            throw new CodecException("FFmpeg could not allocate a packet");
        }
    }

    /** The picture size from the SPS (the MP4 sample entry carries it); left 0 when it does not parse. */
    private static void size(AVCodecParameters parameters, byte[] sps) {
        try {
            SequenceParameterSet parsed = SequenceParameterSet.parse(sps, 0, sps.length);
            parameters.width(parsed.width()).height(parsed.height());
        } catch (CodecException | IndexOutOfBoundsException e) {
            // FFmpeg reads the size from the avcC itself when the sample entry has none.
        }
    }

    private AVStream newStream() {
        AVStream stream = avformat_new_stream(context, null);
        if (stream == null) {
            throw new CodecException("FFmpeg could not add a stream");
        }
        stream.time_base(millis);
        return stream;
    }

    private static void extradata(AVCodecParameters parameters, byte[] bytes) {
        Pointer memory = av_mallocz(bytes.length + AV_INPUT_BUFFER_PADDING_SIZE);
        if (memory == null || memory.isNull()) {
            throw new CodecException("FFmpeg could not allocate " + bytes.length + " bytes of codec configuration");
        }
        BytePointer data = new BytePointer(memory).capacity(bytes.length + AV_INPUT_BUFFER_PADDING_SIZE);
        data.put(bytes, 0, bytes.length);
        parameters.extradata(data).extradata_size(bytes.length);
    }

    /** Whether the file has a video track. */
    public boolean hasVideo() {
        return videoIndex >= 0;
    }

    /** Whether the file has an audio track. */
    public boolean hasAudio() {
        return audioIndex >= 0;
    }

    /** Frames written so far. */
    public long frames() {
        return frames;
    }

    /** The file (the playlist for HLS). */
    public Path path() {
        return path;
    }

    /**
     * A native buffer of at least {@code capacity} bytes for the next frame, positioned at 0 with its limit at
     * {@code capacity}; valid until the next call. Reused: no allocation once it has grown to the largest frame.
     */
    public ByteBuffer frameBuffer(int capacity) {
        if (capacity > frameCapacity) {
            int size = Math.max(capacity, Math.max(INITIAL_FRAME_CAPACITY, frameCapacity * 2));
            Pointer memory = av_malloc(size + AV_INPUT_BUFFER_PADDING_SIZE);
            if (memory == null || memory.isNull()) {
                throw new CodecException("FFmpeg could not allocate a " + size + "-byte frame buffer");
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

    /**
     * Writes the frame in {@link #frameBuffer} ({@code length} bytes): video as AVCC NAL units, audio as one raw AAC
     * frame; times in milliseconds from the file's start. A time not after the track's last one is moved 1 ms past
     * it (MP4 needs strictly increasing decoding times).
     */
    public void writeFrame(boolean video, int length, long dtsMillis, long ptsMillis, boolean keyframe) {
        int index = video ? videoIndex : audioIndex;
        if (index < 0 || frame == null || length <= 0 || length > frameCapacity) {
            throw new IllegalStateException("no " + (video ? "video" : "audio") + " track or frame of " + length
                    + " bytes");
        }
        if (!video && lastAudioDts == Long.MIN_VALUE && silence != null && firstVideoDts != Long.MIN_VALUE) {
            fillBeforeFirstAudio(dtsMillis);
        }
        long last = video ? lastVideoDts : lastAudioDts;
        long dts = Math.max(dtsMillis, last == Long.MIN_VALUE ? dtsMillis : last + 1);
        long pts = Math.max(ptsMillis + (dts - dtsMillis), dts);
        if (video) {
            if (firstVideoDts == Long.MIN_VALUE) {
                firstVideoDts = dts;
            }
            lastVideoDts = dts;
        } else {
            lastAudioDts = dts;
        }
        frameView.limit(frameView.capacity());
        for (int i = 0; i < AV_INPUT_BUFFER_PADDING_SIZE; i++) {
            frameView.put(length + i, (byte) 0);
        }
        AVRational base = video ? videoBase : audioBase;
        packet.data(frame).size(length).stream_index(index)
                .dts(av_rescale_q(dts, millis, base))
                .pts(av_rescale_q(pts, millis, base))
                .duration(0)
                .pos(-1)
                .flags(keyframe ? AV_PKT_FLAG_KEY : 0);
        int result = av_write_frame(context, packet);
        packet.data(null).size(0);
        if (result < 0) {
            check(result, "writing a " + (video ? "video" : "audio") + " frame to " + path.getFileName());
        }
        frames++;
    }

    /**
     * Puts silent frames before the first audio frame (at {@code firstAudioMillis}) back to where the first picture
     * is, to the nearest frame: FFmpeg's fragmented MP4 starts each track at 0, and would play that audio early.
     */
    private void fillBeforeFirstAudio(long firstAudioMillis) {
        long count = Math.round((firstAudioMillis - firstVideoDts) / audioFrameMillis);
        for (long k = count; k >= 1; k--) {
            long dts = Math.round(firstAudioMillis - k * audioFrameMillis);
            if (lastAudioDts != Long.MIN_VALUE && dts <= lastAudioDts) {
                continue;
            }
            lastAudioDts = dts;
            packet.data(silence).size(silenceLength).stream_index(audioIndex)
                    .dts(av_rescale_q(dts, millis, audioBase))
                    .pts(av_rescale_q(dts, millis, audioBase))
                    .duration(0)
                    .pos(-1)
                    .flags(AV_PKT_FLAG_KEY);
            int result = av_write_frame(context, packet);
            packet.data(null).size(0);
            check(result, "writing silence to " + path.getFileName());
        }
    }

    /** Writes the trailer (MP4: the last fragment; HLS: the last segment and {@code #EXT-X-ENDLIST}) and closes. */
    public void finish() {
        try {
            check(av_write_trailer(context), "finishing " + path.getFileName());
        } finally {
            close();
        }
    }

    /** Frees everything without a trailer (what a crash leaves: the file as far as it was flushed). */
    @Override
    public void close() {
        if (context != null) {
            if (context.pb() != null && (context.oformat().flags() & AVFMT_NOFILE) == 0) {
                avio_closep(context.pb());
            }
            avformat_free_context(context);
            context = null;
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
        if (silence != null) {
            av_free(silence);
            silence = null;
        }
    }

    private static void check(int result, String what) {
        if (result < 0) {
            throw new CodecException("FFmpeg failed " + what + ": " + Ffmpeg.errorString(result) + " (" + result + ")");
        }
    }
}

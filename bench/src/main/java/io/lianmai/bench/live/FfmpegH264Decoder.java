package io.lianmai.bench.live;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_LOW_DELAY;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;

import io.lianmai.codec.CodecException;
import io.lianmai.codec.Ffmpeg;
import io.lianmai.codec.h264.AvcDecoderConfigurationRecord;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * A player's video decoder: FFmpeg's h264 decoder fed AVCC access units (as FLV carries them) after the stream's
 * configuration record, one thread and {@code LOW_DELAY} so each picture comes out of the call that fed it, as a
 * player that renders at once would have it.
 *
 * <p>Not thread-safe: one owner thread. {@link #close()} frees the native decoder.
 */
final class FfmpegH264Decoder implements AutoCloseable {
    private static final int EAGAIN = -11;
    private static final byte[] PADDING = new byte[AV_INPUT_BUFFER_PADDING_SIZE];

    /** Receives each decoded picture during the call; the planes are the decoder's and valid only then. */
    interface PictureSink {
        void onPicture(AVFrame picture);
    }

    private final AVCodecContext decoder;
    private final AVFrame picture;
    private final AVPacket packet;
    private BytePointer data;
    private int capacity;
    private long corrupt;

    /** Opens the decoder for the stream described by {@code record}. */
    FfmpegH264Decoder(AvcDecoderConfigurationRecord record) {
        Ffmpeg.load();
        AVCodec codec = avcodec_find_decoder_by_name("h264");
        if (codec == null) {
            throw new CodecException("FFmpeg has no h264 decoder");
        }
        decoder = avcodec_alloc_context3(codec);
        picture = av_frame_alloc();
        packet = av_packet_alloc();
        if (decoder == null || picture == null || packet == null) {
            close();
            throw new CodecException("cannot allocate the h264 decoder");
        }
        try {
            byte[] extradata = record.toBytes();
            BytePointer copy = new BytePointer(av_mallocz(extradata.length + AV_INPUT_BUFFER_PADDING_SIZE));
            if (copy.isNull()) {
                throw new CodecException("cannot allocate decoder extradata");
            }
            copy.put(extradata, 0, extradata.length);
            decoder.extradata(copy); // freed by avcodec_free_context
            decoder.extradata_size(extradata.length);
            decoder.thread_count(1); // frame threads would hold back a picture each
            decoder.flags(decoder.flags() | AV_CODEC_FLAG_LOW_DELAY);
            int ret = avcodec_open2(decoder, codec, (PointerPointer<?>) null);
            if (ret < 0) {
                throw new CodecException("cannot open the h264 decoder: " + Ffmpeg.errorString(ret));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Decodes the AVCC access unit at {@code buf[off, off + len)}; each picture it completes goes to {@code sink}
     * before this returns. A refused unit is counted in {@link #corrupt()}, not thrown.
     */
    void decode(byte[] buf, int off, int len, long pts, PictureSink sink) {
        if (len + PADDING.length > capacity) {
            if (data != null) {
                data.close();
            }
            capacity = Math.max(len + PADDING.length, capacity * 2);
            data = new BytePointer(capacity);
        }
        data.position(0).put(buf, off, len);
        data.position(len).put(PADDING, 0, PADDING.length);
        packet.data(data.position(0));
        packet.size(len);
        packet.pts(pts);
        packet.dts(pts);
        if (avcodec_send_packet(decoder, packet) < 0) {
            corrupt++;
            return;
        }
        while (true) {
            int ret = avcodec_receive_frame(decoder, picture);
            if (ret == EAGAIN || ret == AVERROR_EOF) {
                return;
            }
            if (ret < 0) {
                corrupt++;
                return;
            }
            try {
                sink.onPicture(picture);
            } finally {
                av_frame_unref(picture);
            }
        }
    }

    /** Access units the decoder refused. */
    long corrupt() {
        return corrupt;
    }

    @Override
    public void close() {
        if (decoder != null) {
            avcodec_free_context(decoder);
        }
        if (picture != null) {
            av_frame_free(picture);
        }
        if (packet != null) {
            av_packet_free(packet);
        }
        if (data != null) {
            data.close();
        }
    }
}

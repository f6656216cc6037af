package io.lianmai.codec.mix;

import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BICUBIC;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import io.lianmai.codec.CodecException;
import io.lianmai.codec.Ffmpeg;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * A decoded still picture (PNG or JPEG file bytes) for a mix's background or a member's placeholder, kept in FFmpeg's
 * 4:2:0 form and scaled into place by the mixer. The caller owns it: close it after every mixer using it is closed.
 */
public final class StillImage implements AutoCloseable {
    /** Largest file accepted (a 1080p PNG is a few MB). */
    public static final int MAX_BYTES = 16 * 1024 * 1024;
    /** Largest picture side accepted. */
    public static final int MAX_SIDE = 4096;

    private AVFrame frame;

    private StillImage(AVFrame frame) {
        this.frame = frame;
    }

    /** Decodes a PNG or JPEG file's bytes; {@link CodecException} if it is neither or does not decode. */
    public static StillImage decode(byte[] file) {
        return decode(file, (long) MAX_SIDE * MAX_SIDE);
    }

    /**
     * Decodes a PNG or JPEG file's bytes into a picture of at most {@code maxPixels} pixels: the decoder is not let
     * allocate a larger one (FFmpeg's {@code max_pixels}), so a small file claiming a huge picture costs nothing.
     * {@link CodecException} if it is neither PNG nor JPEG, does not decode, or is larger.
     */
    public static StillImage decode(byte[] file, long maxPixels) {
        Ffmpeg.load();
        if (file.length < 8 || file.length > MAX_BYTES) {
            throw new CodecException("still image of " + file.length + " bytes");
        }
        String decoder;
        if ((file[0] & 0xFF) == 0x89 && file[1] == 'P' && file[2] == 'N' && file[3] == 'G') {
            decoder = "png";
        } else if ((file[0] & 0xFF) == 0xFF && (file[1] & 0xFF) == 0xD8) {
            decoder = "mjpeg";
        } else {
            throw new CodecException("still image is neither PNG nor JPEG");
        }
        AVCodec codec = avcodec_find_decoder_by_name(decoder);
        if (codec == null) {
            throw new CodecException("FFmpeg has no " + decoder + " decoder");
        }
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        AVPacket packet = av_packet_alloc();
        AVFrame frame = av_frame_alloc();
        BytePointer data = new BytePointer((long) file.length + AV_INPUT_BUFFER_PADDING_SIZE);
        try {
            if (ctx == null || packet == null || frame == null) {
                throw new CodecException("FFmpeg allocation failed");
            }
            ctx.thread_count(1);
            // the decoders count padded sizes (a 96×96 JPEG is refused at exactly 9216): some slack, then the
            // exact check below
            long limit = Math.max(1, Math.min(maxPixels, (long) MAX_SIDE * MAX_SIDE));
            ctx.max_pixels(limit + limit / 8 + 4096);
            int ret = avcodec_open2(ctx, codec, (PointerPointer<?>) null);
            if (ret < 0) {
                throw new CodecException("cannot open " + decoder + ": " + Ffmpeg.errorString(ret));
            }
            data.fill(0);
            data.put(file, 0, file.length);
            packet.data(data).size(file.length);
            ret = avcodec_send_packet(ctx, packet);
            if (ret >= 0) {
                avcodec_send_packet(ctx, null);
                ret = avcodec_receive_frame(ctx, frame);
            }
            if (ret < 0) {
                throw new CodecException("still image does not decode (not a valid " + (decoder.equals("png") ? "PNG"
                        : "JPEG") + ", or larger than " + maxPixels + " pixels): " + Ffmpeg.errorString(ret));
            }
            if (frame.width() < 2 || frame.height() < 2 || frame.width() > MAX_SIDE || frame.height() > MAX_SIDE
                    || (long) frame.width() * frame.height() > maxPixels) {
                throw new CodecException("still image of " + frame.width() + "x" + frame.height() + " (at most "
                        + MAX_SIDE + " a side and " + maxPixels + " pixels)");
            }
            return new StillImage(toYuv420(frame));
        } finally {
            if (frame != null) {
                av_frame_free(frame);
            }
            av_packet_free(packet);
            avcodec_free_context(ctx);
            data.close();
        }
    }

    /** The picture converted once to 4:2:0 (limited range) at its own size, so the mixer can crop it like video. */
    private static AVFrame toYuv420(AVFrame in) {
        AVFrame out = av_frame_alloc();
        if (out == null) {
            throw new CodecException("FFmpeg allocation failed");
        }
        int w = in.width() & ~1;
        int h = in.height() & ~1;
        out.width(w).height(h).format(AV_PIX_FMT_YUV420P);
        SwsContext sws = null;
        try {
            int ret = av_frame_get_buffer(out, 0);
            if (ret < 0) {
                throw new CodecException("still image buffer: " + Ffmpeg.errorString(ret));
            }
            sws = sws_getContext(in.width(), in.height(), in.format(), w, h, AV_PIX_FMT_YUV420P, SWS_BICUBIC, null,
                    null, (DoublePointer) null);
            if (sws == null) {
                throw new CodecException("no conversion from pixel format " + in.format());
            }
            sws_scale(sws, in.data(), in.linesize(), 0, in.height(), out.data(), out.linesize());
            AVFrame done = out;
            out = null;
            return done;
        } finally {
            if (sws != null) {
                sws_freeContext(sws);
            }
            if (out != null) {
                av_frame_free(out);
            }
        }
    }

    public int width() {
        return frame.width();
    }

    public int height() {
        return frame.height();
    }

    AVFrame frame() {
        if (frame == null) {
            throw new IllegalStateException("still image is closed");
        }
        return frame;
    }

    @Override
    public void close() {
        if (frame != null) {
            av_frame_free(frame);
            frame = null;
        }
    }
}

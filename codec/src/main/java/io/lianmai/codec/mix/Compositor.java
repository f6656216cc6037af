package io.lianmai.codec.mix;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_copy;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import io.lianmai.codec.CodecException;
import io.lianmai.codec.Ffmpeg;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Draws one output picture: a YUV 4:2:0 canvas in FFmpeg memory, the background (colour or image, prepared once)
 * copied in natively, then each region's picture scaled straight into its place by libswscale (one cached context
 * per region slot), or its placeholder. Nothing is copied through Java; per frame only small pointer wrappers are
 * allocated. Not thread-safe.
 */
final class Compositor implements AutoCloseable {
    private final int width;
    private final int height;
    private AVFrame canvas;
    private AVFrame background;
    private final SwsContext[] scalers = new SwsContext[MixLayout.MAX_MEMBERS + 1];
    private final PointerPointer<BytePointer> src = new PointerPointer<>(4);
    private final PointerPointer<BytePointer> dst = new PointerPointer<>(4);

    Compositor(int width, int height, int backgroundRgb, StillImage backgroundImage) {
        this.width = width;
        this.height = height;
        try {
            canvas = allocate(width, height);
            background = allocate(width, height);
            fill(background, 0, 0, width, height, backgroundRgb);
            if (backgroundImage != null) {
                scale(scalers.length - 1, backgroundImage.frame(), background, 0, 0, width, height, RenderMode.CROP);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static AVFrame allocate(int width, int height) {
        AVFrame frame = av_frame_alloc();
        if (frame == null) {
            throw new CodecException("av_frame_alloc failed");
        }
        frame.width(width).height(height).format(AV_PIX_FMT_YUV420P);
        int ret = av_frame_get_buffer(frame, 0);
        if (ret < 0) {
            av_frame_free(frame);
            throw new CodecException("canvas " + width + "x" + height + ": " + Ffmpeg.errorString(ret));
        }
        return frame;
    }

    /** Starts a picture: the canvas made writable (the encoder may hold the last one) and set to the background. */
    AVFrame begin() {
        int ret = av_frame_make_writable(canvas);
        if (ret < 0) {
            throw new CodecException("canvas not writable: " + Ffmpeg.errorString(ret));
        }
        av_frame_copy(canvas, background);
        return canvas;
    }

    /** Draws {@code picture} (null: the placeholder) into {@code region}; {@code slot} picks the cached scaler. */
    void draw(int slot, Region region, AVFrame picture) {
        if (picture == null) {
            if (region.placeholderImage() != null) {
                picture = region.placeholderImage().frame();
            } else {
                if (region.placeholderRgb() >= 0) {
                    fill(canvas, region.x(), region.y(), region.width(), region.height(), region.placeholderRgb());
                }
                return;
            }
        }
        if (region.renderMode() == RenderMode.FIT) {
            fill(canvas, region.x(), region.y(), region.width(), region.height(), 0x000000);
        }
        scale(slot, picture, canvas, region.x(), region.y(), region.width(), region.height(), region.renderMode());
    }

    private void scale(int slot, AVFrame in, AVFrame out, int x, int y, int w, int h, RenderMode mode) {
        int sx = 0;
        int sy = 0;
        int sw = in.width();
        int sh = in.height();
        boolean planar420 = in.format() == AV_PIX_FMT_YUV420P || in.format() == AV_PIX_FMT_YUVJ420P;
        if (mode == RenderMode.CROP && planar420) {
            // cover: cut the source to the region's aspect ratio, centred, on even pixels
            if ((long) sw * h > (long) sh * w) {
                int cw = (int) ((long) sh * w / h) & ~1;
                sx = ((sw - cw) / 2) & ~1;
                sw = Math.max(2, cw);
            } else {
                int ch = (int) ((long) sw * h / w) & ~1;
                sy = ((sh - ch) / 2) & ~1;
                sh = Math.max(2, ch);
            }
        } else if (mode == RenderMode.FIT) {
            if ((long) sw * h > (long) sh * w) {
                int fh = (int) ((long) w * sh / sw) & ~1;
                y += ((h - fh) / 2) & ~1;
                h = fh;
            } else {
                int fw = (int) ((long) h * sw / sh) & ~1;
                x += ((w - fw) / 2) & ~1;
                w = fw;
            }
        }
        if (w < 2 || h < 2 || sw < 1 || sh < 1) {
            return;
        }
        SwsContext sws = sws_getCachedContext(scalers[slot], sw, sh, in.format(), w, h, AV_PIX_FMT_YUV420P,
                SWS_BILINEAR, null, null, (DoublePointer) null);
        if (sws == null) {
            throw new CodecException("no scaler from " + in.width() + "x" + in.height() + " format " + in.format());
        }
        scalers[slot] = sws;
        for (int p = 0; p < 3; p++) {
            int shift = p == 0 ? 0 : 1;
            src.put(p, in.data(p).position((long) (sy >> shift) * in.linesize(p) + (sx >> shift)));
            dst.put(p, out.data(p).position((long) (y >> shift) * out.linesize(p) + (x >> shift)));
        }
        if (!planar420) {
            for (int p = 0; p < 4; p++) {
                src.put(p, in.data(p)); // packed or other layouts: whole picture, no crop
            }
        }
        sws_scale(sws, src, in.linesize(), 0, sh, dst, out.linesize());
    }

    /** Fills a rectangle (even edges) with an RGB colour in BT.601 limited range. */
    static void fill(AVFrame frame, int x, int y, int w, int h, int rgb) {
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        int[] yuv = {
            16 + ((66 * r + 129 * g + 25 * b + 128) >> 8),
            128 + ((-38 * r - 74 * g + 112 * b + 128) >> 8),
            128 + ((112 * r - 94 * g - 18 * b + 128) >> 8)};
        for (int p = 0; p < 3; p++) {
            int shift = p == 0 ? 0 : 1;
            BytePointer plane = frame.data(p);
            int stride = frame.linesize(p);
            int rows = h >> shift;
            int cols = w >> shift;
            for (int row = 0; row < rows; row++) {
                long start = (long) ((y >> shift) + row) * stride + (x >> shift);
                plane.position(start).limit(start + cols).fill(yuv[p]);
            }
        }
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    @Override
    public void close() {
        for (int i = 0; i < scalers.length; i++) {
            if (scalers[i] != null) {
                sws_freeContext(scalers[i]);
                scalers[i] = null;
            }
        }
        if (canvas != null) {
            av_frame_free(canvas);
            canvas = null;
        }
        if (background != null) {
            av_frame_free(background);
            background = null;
        }
        src.close();
        dst.close();
    }
}

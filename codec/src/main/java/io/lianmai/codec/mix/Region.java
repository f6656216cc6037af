package io.lianmai.codec.mix;

import java.util.Objects;

/**
 * Where one member's picture goes on the canvas: TRTC's {@code PresetLayoutConfig} in pixels (LocationX/Y,
 * ImageWidth/Height, ImageLayer, RenderMode, the placeholder when the member sends no video).
 *
 * @param userId the member (TRTC UserId)
 * @param streamType 0 main (camera), 1 auxiliary (screen share), as TRTC's StreamType
 * @param x left edge in canvas pixels
 * @param y top edge in canvas pixels
 * @param width width in pixels
 * @param height height in pixels
 * @param layer z-order: higher is drawn on top (TRTC ImageLayer)
 * @param renderMode how the picture fills the region
 * @param placeholderRgb colour (0xRRGGBB) drawn when the member has no picture, or -1 for none (the background
 *     shows through)
 * @param placeholderImage image drawn when the member has no picture (wins over the colour), or null
 */
public record Region(String userId, int streamType, int x, int y, int width, int height, int layer,
        RenderMode renderMode, int placeholderRgb, StillImage placeholderImage) {
    public Region {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(renderMode, "renderMode");
        if (width < 0 || height < 0 || streamType < 0 || streamType > 1 || placeholderRgb < -1
                || placeholderRgb > 0xFFFFFF) {
            throw new IllegalArgumentException("invalid region for " + userId + ": " + width + "x" + height
                    + ", stream type " + streamType + ", placeholder " + placeholderRgb);
        }
    }

    /** A camera region with crop rendering and no placeholder. */
    public static Region of(String userId, int x, int y, int width, int height, int layer) {
        return new Region(userId, 0, x, y, width, height, layer, RenderMode.CROP, -1, null);
    }

    public Region withPlaceholder(int rgb) {
        return new Region(userId, streamType, x, y, width, height, layer, renderMode, rgb, placeholderImage);
    }

    public Region withPlaceholderImage(StillImage image) {
        return new Region(userId, streamType, x, y, width, height, layer, renderMode, placeholderRgb, image);
    }

    public Region withRenderMode(RenderMode mode) {
        return new Region(userId, streamType, x, y, width, height, layer, mode, placeholderRgb, placeholderImage);
    }

    public Region withStreamType(int type) {
        return new Region(userId, type, x, y, width, height, layer, renderMode, placeholderRgb, placeholderImage);
    }

    /** The same region moved onto even pixels and cut to the canvas (4:2:0 chroma needs even edges). */
    Region clippedTo(int canvasWidth, int canvasHeight) {
        int x0 = Math.max(0, x) & ~1;
        int y0 = Math.max(0, y) & ~1;
        int x1 = Math.min(canvasWidth, x + width) & ~1;
        int y1 = Math.min(canvasHeight, y + height) & ~1;
        return new Region(userId, streamType, x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0), layer, renderMode,
                placeholderRgb, placeholderImage);
    }
}

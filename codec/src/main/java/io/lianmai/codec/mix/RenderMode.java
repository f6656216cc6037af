package io.lianmai.codec.mix;

/** How a picture fills its region: TRTC's {@code RenderMode} values 0, 1 and 2. */
public enum RenderMode {
    /** Scaled to cover the region, the overflow cropped (TRTC 0, the default). */
    CROP,
    /** Stretched to the region, aspect ratio not kept (TRTC 1). */
    STRETCH,
    /** Scaled to fit inside the region, black bars on the other sides (TRTC 2). */
    FIT;

    /** TRTC's integer: 0 crop, 1 stretch, 2 fit; other values are crop. */
    public static RenderMode ofTrtc(int value) {
        return switch (value) {
            case 1 -> STRETCH;
            case 2 -> FIT;
            default -> CROP;
        };
    }
}

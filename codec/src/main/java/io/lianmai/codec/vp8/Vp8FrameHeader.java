package io.lianmai.codec.vp8;

/**
 * The start of a VP8 frame (RFC 6386 §9.1): the 3-byte frame tag and, on keyframes, the start code and picture size.
 *
 * <pre>
 * frame tag (little-endian 24 bits):  bit 0 !key_frame | bits 1-3 version | bit 4 show_frame | bits 5-23 size0
 * keyframe only:  9d 01 2a | width (14 bits) scale (2) | height (14 bits) scale (2)   (16-bit little-endian each)
 * </pre>
 */
public final class Vp8FrameHeader {
    /** Bytes of a keyframe's uncompressed header: frame tag, start code, width and height. */
    public static final int KEYFRAME_HEADER_LENGTH = 10;

    private Vp8FrameHeader() {
    }

    /** Whether the frame at {@code buf[off, off + len)} is a keyframe (the frame tag's bit 0 is clear). */
    public static boolean isKeyframe(byte[] buf, int off, int len) {
        return len >= 3 && (buf[off] & 0x01) == 0;
    }

    /** Whether the frame is a keyframe with a complete header and the start code {@code 9d 01 2a}. */
    public static boolean isValidKeyframe(byte[] buf, int off, int len) {
        return len >= KEYFRAME_HEADER_LENGTH && (buf[off] & 0x01) == 0 && buf[off + 3] == (byte) 0x9d
                && buf[off + 4] == 0x01 && buf[off + 5] == 0x2a && width(buf, off) > 0 && height(buf, off) > 0;
    }

    /** Picture width of a keyframe whose header {@link #isValidKeyframe} accepted. */
    public static int width(byte[] buf, int off) {
        return ((buf[off + 6] & 0xFF) | (buf[off + 7] & 0xFF) << 8) & 0x3FFF;
    }

    /** Picture height of a keyframe whose header {@link #isValidKeyframe} accepted. */
    public static int height(byte[] buf, int off) {
        return ((buf[off + 8] & 0xFF) | (buf[off + 9] & 0xFF) << 8) & 0x3FFF;
    }
}

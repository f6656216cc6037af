package io.lianmai.wire.vp9;

/**
 * The VP9 payload descriptor (RFC 9628 §4.2), read in place from an RTP payload: frame boundaries, keyframes and the
 * spatial/temporal layer ids the SFU forwards by, in both flexible (F=1) and non-flexible (F=0) mode.
 *
 * <pre>
 *       0 1 2 3 4 5 6 7
 *      +-+-+-+-+-+-+-+-+
 *      |I|P|L|F|B|E|V|Z| (REQUIRED)  P: inter-picture predicted; B/E: start/end of a (layer) frame; V: SS follows
 *      +-+-+-+-+-+-+-+-+
 * I:   |M| PICTURE ID  | (RECOMMENDED)
 *      +-+-+-+-+-+-+-+-+
 * M:   | EXTENDED PID  |
 *      +-+-+-+-+-+-+-+-+
 * L:   | TID |U| SID |D| (CONDITIONALLY RECOMMENDED)
 *      +-+-+-+-+-+-+-+-+
 *      |   TL0PICIDX   | (non-flexible mode only)
 *      +-+-+-+-+-+-+-+-+                             -\
 * P,F: | P_DIFF      |N| (flexible mode only)         - up to 3 times, N: another follows
 *      +-+-+-+-+-+-+-+-+                             -/
 * V:   | SS            | scalability structure, §4.2.1:
 *      | ..            |   |N_S|Y|G|-|-|-|, (N_S+1) x 4 bytes of WIDTH/HEIGHT if Y, then if G: N_G and
 *      +-+-+-+-+-+-+-+-+   N_G x (|TID|U|R|-|-| + R x P_DIFF)
 * </pre>
 *
 * <p>Every method takes the RTP payload as {@code (buffer, offset, length)}, checks its bounds and returns {@code
 * false} or -1 for a payload too short to answer.
 */
public final class Vp9PayloadDescriptor {
    private static final int I = 0x80;
    private static final int P = 0x40;
    private static final int L = 0x20;
    private static final int F = 0x10;
    private static final int B = 0x08;
    private static final int E = 0x04;
    private static final int V = 0x02;

    private Vp9PayloadDescriptor() {
    }

    /** Descriptor length in bytes, or -1 if the payload is shorter than the descriptor it announces. */
    public static int length(byte[] buf, int off, int len) {
        if (len < 1) {
            return -1;
        }
        int first = buf[off] & 0xFF;
        int n = 1;
        if ((first & I) != 0) {
            if (len < n + 1) {
                return -1;
            }
            n += (buf[off + n] & 0x80) != 0 ? 2 : 1;
        }
        if ((first & L) != 0) {
            n += (first & F) != 0 ? 1 : 2;
        }
        if ((first & (P | F)) == (P | F)) {
            for (int i = 0; ; i++) {
                if (i == 3 || len < n + 1) {
                    return -1;
                }
                boolean more = (buf[off + n] & 0x01) != 0;
                n++;
                if (!more) {
                    break;
                }
            }
        }
        if ((first & V) != 0) {
            if (len < n + 1) {
                return -1;
            }
            int ss = buf[off + n] & 0xFF;
            n++;
            int spatialLayers = (ss >>> 5) + 1;
            if ((ss & 0x10) != 0) {
                n += 4 * spatialLayers;
            }
            if ((ss & 0x08) != 0) {
                if (len < n + 1) {
                    return -1;
                }
                int groups = buf[off + n] & 0xFF;
                n++;
                for (int g = 0; g < groups; g++) {
                    if (len < n + 1) {
                        return -1;
                    }
                    int references = (buf[off + n] & 0x0C) >>> 2;
                    n += 1 + references;
                }
            }
        }
        return n <= len ? n : -1;
    }

    /** The B bit: this packet starts a frame (of its spatial layer). */
    public static boolean isStartOfFrame(byte[] buf, int off, int len) {
        return len >= 1 && (buf[off] & B) != 0;
    }

    /** The E bit: this packet ends a frame (of its spatial layer). */
    public static boolean isEndOfFrame(byte[] buf, int off, int len) {
        return len >= 1 && (buf[off] & E) != 0;
    }

    /** The P bit: the frame uses inter-picture prediction. */
    public static boolean isInterPicturePredicted(byte[] buf, int off, int len) {
        return len >= 1 && (buf[off] & P) != 0;
    }

    /** The F bit: flexible mode. */
    public static boolean isFlexibleMode(byte[] buf, int off, int len) {
        return len >= 1 && (buf[off] & F) != 0;
    }

    /**
     * Whether this packet starts a key frame: the start (B) of a frame without inter-picture prediction (P=0) on the
     * base spatial layer (SID 0, or no layer indices).
     */
    public static boolean isKeyframe(byte[] buf, int off, int len) {
        if (len < 1 || (buf[off] & (P | B)) != B || length(buf, off, len) < 0) {
            return false;
        }
        return spatialLayerId(buf, off, len) <= 0;
    }

    /** The 7- or 15-bit PICTURE ID, or -1 if absent. */
    public static int pictureId(byte[] buf, int off, int len) {
        if (len < 2 || (buf[off] & I) == 0) {
            return -1;
        }
        int first = buf[off + 1] & 0xFF;
        if ((first & 0x80) == 0) {
            return first;
        }
        return len < 3 ? -1 : (first & 0x7F) << 8 | (buf[off + 2] & 0xFF);
    }

    /** Whether the PICTURE ID is 15 bits long (the M bit); {@code false} when it is 7 bits or absent. */
    public static boolean hasLongPictureId(byte[] buf, int off, int len) {
        return len >= 3 && (buf[off] & I) != 0 && (buf[off + 1] & 0x80) != 0;
    }

    /**
     * Writes {@code pictureId} over the PICTURE ID in place, in the field's own width (its low 15 or 7 bits; the M bit
     * is kept, so the packet's length never changes), as an SFU does to keep one receiver's picture numbering
     * continuous across the streams it forwards. Returns {@code false}, writing nothing, when the payload has no
     * PICTURE ID or is shorter than the descriptor it announces.
     */
    public static boolean setPictureId(byte[] buf, int off, int len, int pictureId) {
        if (length(buf, off, len) < 0 || (buf[off] & I) == 0) {
            return false;
        }
        if ((buf[off + 1] & 0x80) != 0) {
            buf[off + 1] = (byte) (0x80 | (pictureId >>> 8) & 0x7F);
            buf[off + 2] = (byte) pictureId;
        } else {
            buf[off + 1] = (byte) (pictureId & 0x7F);
        }
        return true;
    }

    /**
     * Writes {@code tl0PicIdx} (its low 8 bits) over the TL0PICIDX in place; {@code false}, writing nothing, when
     * there is none (flexible mode, or no layer indices) or the payload is shorter than the descriptor it announces.
     */
    public static boolean setTl0PicIdx(byte[] buf, int off, int len, int tl0PicIdx) {
        if (length(buf, off, len) < 0 || (buf[off] & (L | F)) != L) {
            return false;
        }
        buf[layerIndicesOffset(buf, off, len) + 1] = (byte) tl0PicIdx;
        return true;
    }

    /** The spatial layer id (SID, 0..7), or -1 if the layer indices are absent. */
    public static int spatialLayerId(byte[] buf, int off, int len) {
        int at = layerIndicesOffset(buf, off, len);
        return at < 0 ? -1 : (buf[at] & 0x0E) >>> 1;
    }

    /** The temporal layer id (TID, 0..7), or -1 if the layer indices are absent. */
    public static int temporalLayerId(byte[] buf, int off, int len) {
        int at = layerIndicesOffset(buf, off, len);
        return at < 0 ? -1 : (buf[at] & 0xE0) >>> 5;
    }

    /** The U bit (switching up point), {@code false} if the layer indices are absent. */
    public static boolean isSwitchingUpPoint(byte[] buf, int off, int len) {
        int at = layerIndicesOffset(buf, off, len);
        return at >= 0 && (buf[at] & 0x10) != 0;
    }

    /** The D bit (inter-layer dependency), {@code false} if the layer indices are absent. */
    public static boolean isInterLayerDependent(byte[] buf, int off, int len) {
        int at = layerIndicesOffset(buf, off, len);
        return at >= 0 && (buf[at] & 0x01) != 0;
    }

    /** The TL0PICIDX (non-flexible mode), or -1 if absent. */
    public static int tl0PicIdx(byte[] buf, int off, int len) {
        if (len < 1 || (buf[off] & (L | F)) != L) {
            return -1;
        }
        int at = layerIndicesOffset(buf, off, len);
        return at < 0 || at + 1 >= off + len ? -1 : buf[at + 1] & 0xFF;
    }

    private static int layerIndicesOffset(byte[] buf, int off, int len) {
        if (len < 1) {
            return -1;
        }
        int first = buf[off] & 0xFF;
        if ((first & L) == 0) {
            return -1;
        }
        int n = 1;
        if ((first & I) != 0) {
            if (len < 2) {
                return -1;
            }
            n += (buf[off + 1] & 0x80) != 0 ? 2 : 1;
        }
        return n < len ? off + n : -1;
    }
}

package io.lianmai.wire.vp8;

/**
 * The VP8 payload descriptor (RFC 7741 §4.2) and the start of the VP8 payload header (§4.3), read in place from an
 * RTP payload: where frames start, which are keyframes, and the layering fields the SFU forwards by.
 *
 * <pre>
 *       0 1 2 3 4 5 6 7
 *      +-+-+-+-+-+-+-+-+
 *      |X|R|N|S|R| PID | (REQUIRED)        S: start of VP8 partition; PID: partition index
 *      +-+-+-+-+-+-+-+-+
 * X:   |I|L|T|K| RSV   | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * I:   |M| PictureID   | (OPTIONAL)        M: PictureID is 15 bits, one more byte follows
 *      +-+-+-+-+-+-+-+-+
 *      |   PictureID   | (if M)
 *      +-+-+-+-+-+-+-+-+
 * L:   |   TL0PICIDX   | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * T/K: |TID|Y| KEYIDX  | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * then, at the start of partition 0, the VP8 payload header:
 *      |Size0|H| VER |P|  P = 0: key frame, followed by the start code 0x9D 0x01 0x2A
 * </pre>
 *
 * <p>Every method takes the RTP payload as {@code (buffer, offset, length)}, checks its bounds and returns {@code
 * false} or -1 for a payload too short to answer.
 */
public final class Vp8PayloadDescriptor {
    private Vp8PayloadDescriptor() {
    }

    /** Descriptor length in bytes (1..6), or -1 if the payload is shorter than the descriptor it announces. */
    public static int length(byte[] buf, int off, int len) {
        if (len < 1) {
            return -1;
        }
        if ((buf[off] & 0x80) == 0) {
            return 1;
        }
        if (len < 2) {
            return -1;
        }
        int extension = buf[off + 1] & 0xFF;
        int n = 2;
        if ((extension & 0x80) != 0) {
            if (len < n + 1) {
                return -1;
            }
            n += (buf[off + n] & 0x80) != 0 ? 2 : 1;
        }
        if ((extension & 0x40) != 0) {
            n++;
        }
        if ((extension & 0x30) != 0) {
            n++;
        }
        return n <= len ? n : -1;
    }

    /** The S bit: this packet starts a VP8 partition. */
    public static boolean isStartOfPartition(byte[] buf, int off, int len) {
        return len >= 1 && (buf[off] & 0x10) != 0;
    }

    /** The partition index (PID), or -1 for an empty payload. */
    public static int partitionIndex(byte[] buf, int off, int len) {
        return len >= 1 ? buf[off] & 0x07 : -1;
    }

    /** Whether this packet starts a frame: the start of partition 0. */
    public static boolean isStartOfFrame(byte[] buf, int off, int len) {
        return len >= 1 && (buf[off] & 0x17) == 0x10 && length(buf, off, len) > 0;
    }

    /**
     * Whether this packet starts a key frame: it starts a frame, the payload header's P bit is 0 and the key-frame
     * start code follows (RFC 7741 §4.3, RFC 6386 §9.1).
     */
    public static boolean isKeyframe(byte[] buf, int off, int len) {
        if (len < 1 || (buf[off] & 0x17) != 0x10) {
            return false;
        }
        int n = length(buf, off, len);
        if (n < 0 || len < n + 6) {
            return false;
        }
        int header = off + n;
        return (buf[header] & 0x01) == 0
                && (buf[header + 3] & 0xFF) == 0x9D && buf[header + 4] == 0x01 && buf[header + 5] == 0x2A;
    }

    /** The 7- or 15-bit PictureID, or -1 if absent. */
    public static int pictureId(byte[] buf, int off, int len) {
        int at = fieldOffset(buf, off, len, 0x80);
        if (at < 0) {
            return -1;
        }
        int first = buf[at] & 0xFF;
        return (first & 0x80) != 0 ? (first & 0x7F) << 8 | (buf[at + 1] & 0xFF) : first;
    }

    /** Whether the PictureID is 15 bits long (the M bit); {@code false} when it is 7 bits or absent. */
    public static boolean hasLongPictureId(byte[] buf, int off, int len) {
        int at = fieldOffset(buf, off, len, 0x80);
        return at >= 0 && (buf[at] & 0x80) != 0;
    }

    /**
     * Writes {@code pictureId} over the PictureID in place, in the field's own width (its low 15 or 7 bits; the M bit
     * is kept), as an SFU does to keep one receiver's picture numbering continuous across the streams it forwards.
     * Returns {@code false}, writing nothing, when the payload has no PictureID.
     */
    public static boolean setPictureId(byte[] buf, int off, int len, int pictureId) {
        int at = fieldOffset(buf, off, len, 0x80);
        if (at < 0) {
            return false;
        }
        if ((buf[at] & 0x80) != 0) {
            buf[at] = (byte) (0x80 | (pictureId >>> 8) & 0x7F);
            buf[at + 1] = (byte) pictureId;
        } else {
            buf[at] = (byte) (pictureId & 0x7F);
        }
        return true;
    }

    /** Writes {@code tl0PicIdx} (its low 8 bits) over the TL0PICIDX in place; {@code false}, writing nothing, if absent. */
    public static boolean setTl0PicIdx(byte[] buf, int off, int len, int tl0PicIdx) {
        int at = fieldOffset(buf, off, len, 0x40);
        if (at < 0) {
            return false;
        }
        buf[at] = (byte) tl0PicIdx;
        return true;
    }

    /** The TL0PICIDX, or -1 if absent. */
    public static int tl0PicIdx(byte[] buf, int off, int len) {
        int at = fieldOffset(buf, off, len, 0x40);
        return at < 0 ? -1 : buf[at] & 0xFF;
    }

    /** The temporal layer index (TID), or -1 if the T bit is not set. */
    public static int temporalLayerId(byte[] buf, int off, int len) {
        int at = fieldOffset(buf, off, len, 0x20);
        return at < 0 ? -1 : (buf[at] & 0xFF) >>> 6;
    }

    /** The Y bit (layer sync), {@code false} if the T bit is not set. */
    public static boolean isLayerSync(byte[] buf, int off, int len) {
        int at = fieldOffset(buf, off, len, 0x20);
        return at >= 0 && (buf[at] & 0x20) != 0;
    }

    /** Absolute offset of the optional field selected by {@code flag} in the X byte, or -1 if absent or truncated. */
    private static int fieldOffset(byte[] buf, int off, int len, int flag) {
        if (length(buf, off, len) < 0 || (buf[off] & 0x80) == 0) {
            return -1;
        }
        int extension = buf[off + 1] & 0xFF;
        if ((extension & flag) == 0) {
            return -1;
        }
        int at = off + 2;
        if (flag == 0x80) {
            return at;
        }
        if ((extension & 0x80) != 0) {
            at += (buf[at] & 0x80) != 0 ? 2 : 1;
        }
        if (flag == 0x40) {
            return at;
        }
        if ((extension & 0x40) != 0) {
            at++;
        }
        return at;
    }
}

package io.lianmai.codec.vp8;

/**
 * The VP8 RTP payload descriptor (RFC 7741 §4.2), read in place: its length and the fields that delimit frames.
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
 * </pre>
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

    /** Whether the packet starts a frame: S set and partition index 0; the caller has checked {@code len >= 1}. */
    public static boolean isStartOfFrame(byte[] buf, int off) {
        return (buf[off] & 0x17) == 0x10;
    }
}

package io.lianmai.wire.av1;

/**
 * The AV1 aggregation header at the start of every AV1 RTP payload (RTP Payload Format for AV1, AOM, §4.4), and the
 * header of the first OBU it introduces, read in place to find keyframes and frame starts.
 *
 * <pre>
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * |Z|Y| W |N|-|-|-|   Z: first OBU element continues a fragment; Y: last one continues in the next packet;
 * +-+-+-+-+-+-+-+-+   W: number of OBU elements (0: each has a leb128 length); N: first packet of a coded video
 * | OBU element 1 size (leb128, unless W = 1)  |     sequence, i.e. of a key frame with a sequence header
 * | OBU element 1: |0| type (4) |X|S|-| ...   |
 * </pre>
 */
public final class Av1AggregationHeader {
    /** OBU_SEQUENCE_HEADER. */
    public static final int OBU_SEQUENCE_HEADER = 1;
    /** OBU_TEMPORAL_DELIMITER. */
    public static final int OBU_TEMPORAL_DELIMITER = 2;
    /** OBU_FRAME_HEADER. */
    public static final int OBU_FRAME_HEADER = 3;
    /** OBU_TILE_GROUP. */
    public static final int OBU_TILE_GROUP = 4;
    /** OBU_METADATA. */
    public static final int OBU_METADATA = 5;
    /** OBU_FRAME (frame header and tile group). */
    public static final int OBU_FRAME = 6;

    private static final int MAX_LEB128_BYTES = 8;

    private Av1AggregationHeader() {
    }

    /** The Z bit: the first OBU element is the continuation of a fragment. */
    public static boolean startsWithFragment(byte[] buf, int off, int len) {
        return len >= 1 && (buf[off] & 0x80) != 0;
    }

    /** The Y bit: the last OBU element continues in the next packet. */
    public static boolean endsWithFragment(byte[] buf, int off, int len) {
        return len >= 1 && (buf[off] & 0x40) != 0;
    }

    /** The W field (0..3), or -1 for an empty payload. */
    public static int obuElementCount(byte[] buf, int off, int len) {
        return len >= 1 ? (buf[off] & 0x30) >>> 4 : -1;
    }

    /** The N bit: this packet begins a new coded video sequence, so it starts a key frame. */
    public static boolean isKeyframe(byte[] buf, int off, int len) {
        return len >= 2 && (buf[off] & 0x08) != 0;
    }

    /**
     * Whether the packet starts a frame: it does not begin with a fragment continuation and its first OBU is a
     * sequence header, temporal delimiter, metadata, frame header or frame (not a later tile group).
     */
    public static boolean isStartOfFrame(byte[] buf, int off, int len) {
        int type = firstObuType(buf, off, len);
        return type == OBU_SEQUENCE_HEADER || type == OBU_TEMPORAL_DELIMITER || type == OBU_FRAME_HEADER
                || type == OBU_METADATA || type == OBU_FRAME;
    }

    /** The {@code obu_type} of the first OBU element, or -1 if it is a continuation, empty or truncated. */
    public static int firstObuType(byte[] buf, int off, int len) {
        if (len < 2 || (buf[off] & 0x80) != 0) {
            return -1;
        }
        int pos = off + 1;
        int end = off + len;
        if ((buf[off] & 0x30) != 0x10) {
            // Only whether the element is empty matters here, not its length.
            boolean empty = true;
            for (int i = 0; ; i++) {
                if (i == MAX_LEB128_BYTES || pos >= end) {
                    return -1;
                }
                int b = buf[pos++] & 0xFF;
                empty &= (b & 0x7F) == 0;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            if (empty) {
                return -1;
            }
        }
        return pos < end ? (buf[pos] & 0x78) >>> 3 : -1;
    }
}

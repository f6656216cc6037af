package io.lianmai.wire.h265;

import io.lianmai.common.BigEndian;
/**
 * The H.265 RTP payload structures of RFC 7798 §4.4 (single NAL unit, aggregation packet, fragmentation unit), read in
 * place to find keyframes and frame starts. Assumes {@code sprop-max-don-diff} is 0, as in WebRTC, so no DONL fields.
 *
 * <pre>
 * NAL unit / payload header (§1.1.4)    AP (§4.4.2)                          FU (§4.4.3)
 * +---------------+---------------+     +--------+---------+------+-----+    +--------+-+-+-----------+---------+
 * |F|   Type    |  LayerId  | TID |     | T = 48 | size 16 | NALU | ... |    | T = 49 |S|E|  FuType   | payload |
 * +---------------+---------------+     +--------+---------+------+-----+    +--------+-+-+-----------+---------+
 * </pre>
 *
 * <p>A keyframe is a packet carrying the start of an IRAP picture (types 16..21) or a VPS/SPS. A frame starts with a
 * VPS, SPS, PPS, access unit delimiter or prefix SEI, or with a slice segment whose {@code
 * first_slice_segment_in_pic_flag} (top bit after the NAL header) is set.
 */
public final class H265Payload {
    /** First IRAP type (BLA_W_LP). */
    public static final int NAL_IRAP_FIRST = 16;
    /** Last IRAP type (CRA_NUT); 22 and 23 are reserved IRAP types. */
    public static final int NAL_IRAP_LAST = 21;
    /** Video parameter set. */
    public static final int NAL_VPS = 32;
    /** Sequence parameter set. */
    public static final int NAL_SPS = 33;
    /** Picture parameter set. */
    public static final int NAL_PPS = 34;
    /** Access unit delimiter. */
    public static final int NAL_AUD = 35;
    /** Prefix SEI. */
    public static final int NAL_PREFIX_SEI = 39;
    /** Aggregation packet, RFC 7798 §4.4.2. */
    public static final int AP = 48;
    /** Fragmentation unit, RFC 7798 §4.4.3. */
    public static final int FU = 49;

    private H265Payload() {
    }

    /** The NAL unit type of the payload header (48 and 49 for AP and FU), or -1 if shorter than 2 bytes. */
    public static int nalUnitType(byte[] buf, int off, int len) {
        return len >= 2 ? (buf[off] & 0x7E) >>> 1 : -1;
    }

    /** Whether the packet carries the start of an IRAP picture or a VPS/SPS. */
    public static boolean isKeyframe(byte[] buf, int off, int len) {
        int type = nalUnitType(buf, off, len);
        switch (type) {
            case -1:
                return false;
            case AP: {
                int end = off + len;
                int pos = off + 2;
                while (end - pos >= 4) {
                    int size = BigEndian.u16(buf, pos);
                    pos += 2;
                    if (size < 2 || size > end - pos) {
                        return false;
                    }
                    if (isKeyType((buf[pos] & 0x7E) >>> 1)) {
                        return true;
                    }
                    pos += size;
                }
                return false;
            }
            case FU:
                return len >= 3 && (buf[off + 2] & 0x80) != 0 && isKeyType(buf[off + 2] & 0x3F);
            default:
                return isKeyType(type);
        }
    }

    /** Whether the packet starts a new frame (access unit); see the class comment for the rule. */
    public static boolean isStartOfFrame(byte[] buf, int off, int len) {
        int type = nalUnitType(buf, off, len);
        switch (type) {
            case -1:
                return false;
            case AP: {
                if (len < 6) {
                    return false;
                }
                int size = BigEndian.u16(buf, off + 2);
                if (size < 2 || size > len - 4) {
                    return false;
                }
                return startsAccessUnit((buf[off + 4] & 0x7E) >>> 1, buf, off + 6, size - 2);
            }
            case FU:
                return len >= 3 && (buf[off + 2] & 0x80) != 0
                        && startsAccessUnit(buf[off + 2] & 0x3F, buf, off + 3, len - 3);
            default:
                return startsAccessUnit(type, buf, off + 2, len - 2);
        }
    }

    private static boolean isKeyType(int type) {
        return type >= NAL_IRAP_FIRST && type <= NAL_IRAP_LAST || type == NAL_VPS || type == NAL_SPS;
    }

    private static boolean startsAccessUnit(int type, byte[] buf, int body, int bodyLength) {
        if (type <= NAL_IRAP_LAST) {
            return bodyLength >= 1 && (buf[body] & 0x80) != 0;
        }
        return type == NAL_VPS || type == NAL_SPS || type == NAL_PPS || type == NAL_AUD || type == NAL_PREFIX_SEI;
    }
}

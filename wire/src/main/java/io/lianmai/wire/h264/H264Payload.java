package io.lianmai.wire.h264;

import io.lianmai.common.BigEndian;

/**
 * The H.264 RTP payload structures of RFC 6184 §5 used in WebRTC (packetization-mode 0 and 1: single NAL unit, STAP-A
 * and FU-A), read in place to find keyframes and frame starts.
 *
 * <pre>
 * NAL unit header (§1.3)     STAP-A (§5.7.1)                               FU-A (§5.8)
 * +-+-+-+-+-+-+-+-+          +----------+----------+-------+----------+    +------------+-+-+-+---------+---------+
 * |F|NRI|  Type   |          | hdr T=24 | NALU size| NALU  | size ... |    | ind. T=28  |S|E|R|  Type   | payload |
 * +-+-+-+-+-+-+-+-+          +----------+--16 bit--+-------+----------+    +------------+-+-+-+---------+---------+
 * </pre>
 *
 * <p>A keyframe is a packet carrying an IDR slice (type 5) or a sequence parameter set (type 7) that begins there. A
 * frame starts with a parameter set, SEI or access unit delimiter, or with a slice whose {@code first_mb_in_slice} is
 * 0 (its Exp-Golomb code is then the single bit 1, the top bit of the slice header). The NAL unit types are {@link
 * NalUnit}'s.
 */
public final class H264Payload {
    private H264Payload() {
    }

    /** The NAL unit type of the payload's first byte (24 and 28 for STAP-A and FU-A), or -1 if empty. */
    public static int nalUnitType(byte[] buf, int off, int len) {
        return len >= 1 ? buf[off] & 0x1F : -1;
    }

    /** Whether the packet carries the start of an IDR slice or an SPS. */
    public static boolean isKeyframe(byte[] buf, int off, int len) {
        if (len < 1) {
            return false;
        }
        int type = buf[off] & 0x1F;
        switch (type) {
            case NalUnit.STAP_A: {
                int end = off + len;
                int pos = off + 1;
                while (end - pos >= 3) {
                    int size = BigEndian.u16(buf, pos);
                    pos += 2;
                    if (size == 0 || size > end - pos) {
                        return false;
                    }
                    int inner = buf[pos] & 0x1F;
                    if (inner == NalUnit.IDR || inner == NalUnit.SPS) {
                        return true;
                    }
                    pos += size;
                }
                return false;
            }
            case NalUnit.FU_A: {
                if (len < 2 || (buf[off + 1] & 0x80) == 0) {
                    return false;
                }
                int inner = buf[off + 1] & 0x1F;
                return inner == NalUnit.IDR || inner == NalUnit.SPS;
            }
            default:
                return type == NalUnit.IDR || type == NalUnit.SPS;
        }
    }

    /** Whether the packet starts a new frame (access unit); see the class comment for the rule. */
    public static boolean isStartOfFrame(byte[] buf, int off, int len) {
        if (len < 1) {
            return false;
        }
        int type = buf[off] & 0x1F;
        switch (type) {
            case NalUnit.STAP_A: {
                if (len < 4) {
                    return false;
                }
                int size = BigEndian.u16(buf, off + 1);
                if (size == 0 || size > len - 3) {
                    return false;
                }
                return startsAccessUnit(buf[off + 3] & 0x1F, buf, off + 4, size - 1);
            }
            case NalUnit.FU_A:
                return len >= 2 && (buf[off + 1] & 0x80) != 0
                        && startsAccessUnit(buf[off + 1] & 0x1F, buf, off + 2, len - 2);
            default:
                return startsAccessUnit(type, buf, off + 1, len - 1);
        }
    }

    /** Whether a NAL unit of {@code type}, whose bytes after the NAL header are given, begins an access unit. */
    private static boolean startsAccessUnit(int type, byte[] buf, int body, int bodyLength) {
        switch (type) {
            case NalUnit.SEI:
            case NalUnit.SPS:
            case NalUnit.PPS:
            case NalUnit.AUD:
                return true;
            case NalUnit.SLICE:
            case NalUnit.SLICE_DPA:
            case NalUnit.IDR:
                return bodyLength >= 1 && (buf[body] & 0x80) != 0;
            default:
                return false;
        }
    }
}

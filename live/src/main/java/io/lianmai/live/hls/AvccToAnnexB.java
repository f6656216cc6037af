package io.lianmai.live.hls;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * Rewrites an H.264 access unit from the length-prefixed form FLV carries (AVCC, ISO/IEC 14496-15 §5.3.4.2) to the
 * start-code form MPEG-TS carries (Annex B of ITU-T H.264), after checking every length against the bytes there are.
 * Zero-length NAL units are dropped.
 */
final class AvccToAnnexB {
    private static final int START_CODE = 1;
    private static final int NAL_SPS = 7;

    private AvccToAnnexB() {
    }

    /**
     * The Annex-B size of the NAL units in {@code avcc[from, to)}, 0 when there are none.
     *
     * @throws HlsException when a length runs past {@code to} or a NAL header has its forbidden bit set
     */
    static int annexBSize(ByteBuf avcc, int from, int to, int lengthSize) throws HlsException {
        int size = 0;
        int at = from;
        while (at < to) {
            if (to - at < lengthSize) {
                throw new HlsException("AVC frame ends inside a NAL unit length (" + (to - at) + " bytes left)");
            }
            long length = length(avcc, at, lengthSize);
            at += lengthSize;
            if (length > to - at) {
                throw new HlsException("AVC NAL unit of " + length + " bytes runs past its frame (" + (to - at)
                        + " bytes left)");
            }
            if (length > 0) {
                if ((avcc.getUnsignedByte(at) & 0x80) != 0) {
                    throw new HlsException("AVC NAL unit has its forbidden_zero_bit set");
                }
                size += 4 + (int) length;
            }
            at += (int) length;
        }
        return size;
    }

    /** Whether the (already measured) access unit carries an SPS of its own. */
    static boolean hasSps(ByteBuf avcc, int from, int to, int lengthSize) {
        int at = from;
        while (to - at > lengthSize) {
            int length = (int) length(avcc, at, lengthSize);
            at += lengthSize;
            if (length > 0 && (avcc.getUnsignedByte(at) & 0x1F) == NAL_SPS) {
                return true;
            }
            at += length;
        }
        return false;
    }

    /** Writes the (already measured) access unit at {@code out}'s position; only reads {@code avcc}. */
    static void write(ByteBuf avcc, int from, int to, int lengthSize, ByteBuffer out) {
        int at = from;
        while (at < to) {
            int length = (int) length(avcc, at, lengthSize);
            at += lengthSize;
            if (length > 0) {
                out.putInt(START_CODE);
                int limit = out.limit();
                out.limit(out.position() + length);
                avcc.getBytes(at, out);
                out.limit(limit);
            }
            at += length;
        }
    }

    private static long length(ByteBuf buf, int at, int lengthSize) {
        return switch (lengthSize) {
            case 1 -> buf.getUnsignedByte(at);
            case 2 -> buf.getUnsignedShort(at);
            default -> buf.getUnsignedInt(at);
        };
    }
}

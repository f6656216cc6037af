package io.lianmai.codec.h264;

import io.lianmai.wire.h264.NalUnit;

import io.lianmai.common.BigEndian;
import java.util.Arrays;

/**
 * The NAL units of one access unit, found in an Annex-B byte stream (H.264 Annex B: start codes {@code 00 00 01} or
 * {@code 00 00 00 01}) or in AVCC form (ISO/IEC 14496-15 §5.3.4.2: each NAL unit prefixed by its 1-, 2- or 4-byte
 * big-endian length). Holds only offsets and lengths into the caller's array; one instance is reused from one access
 * unit to the next, so scanning allocates nothing once the index has grown to the largest NAL count seen.
 */
public final class NalUnits {
    private int[] offsets = new int[16];
    private int[] lengths = new int[16];
    private int count;
    private byte[] buf;

    /**
     * Indexes the Annex-B stream at {@code buf[off, off + len)}; returns the number of NAL units, or -1 if no start code
     * is found or data precedes the first one. Zero bytes before a start code (a 4-byte start code's leading zero or
     * trailing_zero_8bits) are not part of the preceding NAL unit; empty NAL units are skipped.
     */
    public int scanAnnexB(byte[] buf, int off, int len) {
        this.buf = buf;
        count = 0;
        int end = off + len;
        int start = findStartCode(buf, off, end);
        if (start < 0) {
            return -1;
        }
        for (int i = off; i < start; i++) {
            if (buf[i] != 0) {
                return -1;
            }
        }
        int nal = start + 3;
        while (nal < end) {
            int next = findStartCode(buf, nal, end);
            int nalEnd = next < 0 ? end : next;
            int trimmed = nalEnd;
            while (trimmed > nal && buf[trimmed - 1] == 0) {
                trimmed--;
            }
            if (trimmed > nal) {
                add(nal, trimmed - nal);
            }
            if (next < 0) {
                break;
            }
            nal = next + 3;
        }
        return count;
    }

    /**
     * Indexes the AVCC data at {@code buf[off, off + len)} with {@code lengthSize}-byte lengths (1, 2 or 4); returns the
     * number of NAL units, or -1 if a length runs past the end. Zero-length entries are skipped.
     */
    public int scanAvcc(byte[] buf, int off, int len, int lengthSize) {
        if (lengthSize != 1 && lengthSize != 2 && lengthSize != 4) {
            throw new IllegalArgumentException("NAL length size must be 1, 2 or 4: " + lengthSize);
        }
        this.buf = buf;
        count = 0;
        int pos = off;
        int end = off + len;
        while (pos < end) {
            if (end - pos < lengthSize) {
                count = 0;
                return -1;
            }
            long size = lengthSize == 4 ? BigEndian.u32(buf, pos)
                    : lengthSize == 2 ? BigEndian.u16(buf, pos) : buf[pos] & 0xFF;
            pos += lengthSize;
            if (size > end - pos) {
                count = 0;
                return -1;
            }
            if (size > 0) {
                add(pos, (int) size);
            }
            pos += (int) size;
        }
        return count;
    }

    /** The array the last scan indexed. */
    public byte[] array() {
        return buf;
    }

    /** Number of NAL units found by the last scan. */
    public int count() {
        return count;
    }

    /** Offset of NAL unit {@code i} (its header byte) in the scanned array. */
    public int offset(int i) {
        return offsets[i];
    }

    /** Length of NAL unit {@code i}, header byte included. */
    public int length(int i) {
        return lengths[i];
    }

    /** Type of NAL unit {@code i}. */
    public int type(int i) {
        return buf[offsets[i]] & 0x1F;
    }

    /** Index of the first NAL unit of {@code type}, or -1. */
    public int indexOf(int type) {
        for (int i = 0; i < count; i++) {
            if (type(i) == type) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the access unit holds an IDR slice. */
    public boolean hasIdr() {
        return indexOf(NalUnit.IDR) >= 0;
    }

    /** Sum of the NAL unit lengths: the AVCC size with 4-byte lengths is this plus {@code 4 * count()}. */
    public int payloadBytes() {
        int sum = 0;
        for (int i = 0; i < count; i++) {
            sum += lengths[i];
        }
        return sum;
    }

    /**
     * Writes the indexed NAL units as AVCC with 4-byte lengths into {@code dst} at {@code dstOff}; returns the bytes
     * written. The caller sizes {@code dst} by {@link #payloadBytes()}; {@code dst} may not overlap the scanned array.
     */
    public int writeAvcc(byte[] dst, int dstOff) {
        int pos = dstOff;
        for (int i = 0; i < count; i++) {
            BigEndian.put32(dst, pos, lengths[i]);
            System.arraycopy(buf, offsets[i], dst, pos + 4, lengths[i]);
            pos += 4 + lengths[i];
        }
        return pos - dstOff;
    }

    /** Writes the indexed NAL units as Annex-B with 4-byte start codes; sized and constrained as {@link #writeAvcc}. */
    public int writeAnnexB(byte[] dst, int dstOff) {
        int pos = dstOff;
        for (int i = 0; i < count; i++) {
            dst[pos] = 0;
            dst[pos + 1] = 0;
            dst[pos + 2] = 0;
            dst[pos + 3] = 1;
            System.arraycopy(buf, offsets[i], dst, pos + 4, lengths[i]);
            pos += 4 + lengths[i];
        }
        return pos - dstOff;
    }

    private void add(int offset, int length) {
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, count * 2);
            lengths = Arrays.copyOf(lengths, count * 2);
        }
        offsets[count] = offset;
        lengths[count] = length;
        count++;
    }

    /** Position of the next {@code 00 00 01} in {@code [from, end)}, or -1. */
    private static int findStartCode(byte[] buf, int from, int end) {
        for (int i = from; i + 2 < end; i++) {
            if ((buf[i + 2] & 0xFF) > 1) {
                i += 2; // no start code can begin at i, i+1 or i+2
            } else if (buf[i] == 0 && buf[i + 1] == 0 && buf[i + 2] == 1) {
                return i;
            }
        }
        return -1;
    }
}

package io.lianmai.codec.h264;

import io.lianmai.codec.CodecException;

/**
 * Conversions of one access unit between the Annex-B byte stream format (start codes; RTP, MPEG-TS, encoders) and AVCC
 * (length-prefixed; FLV/RTMP, MP4). The {@code (…, dst, dstOff)} forms write into a caller's array through a reused
 * {@link NalUnits}; the others allocate their result, for signalling-rate use.
 */
public final class AnnexB {
    private AnnexB() {
    }

    /** AVCC with 4-byte lengths of the Annex-B access unit; {@link CodecException} if it has no start code. */
    public static byte[] toAvcc(byte[] buf, int off, int len) {
        NalUnits nals = new NalUnits();
        if (nals.scanAnnexB(buf, off, len) < 0) {
            throw new CodecException("not an Annex-B byte stream: no start code at the beginning");
        }
        byte[] out = new byte[nals.payloadBytes() + 4 * nals.count()];
        nals.writeAvcc(out, 0);
        return out;
    }

    /**
     * Annex-B with 4-byte start codes of the AVCC access unit whose lengths have {@code lengthSize} bytes (1, 2 or 4);
     * {@link CodecException} if a length runs past the end.
     */
    public static byte[] fromAvcc(byte[] buf, int off, int len, int lengthSize) {
        NalUnits nals = new NalUnits();
        if (nals.scanAvcc(buf, off, len, lengthSize) < 0) {
            throw new CodecException("malformed AVCC access unit: a NAL unit length runs past the end");
        }
        byte[] out = new byte[nals.payloadBytes() + 4 * nals.count()];
        nals.writeAnnexB(out, 0);
        return out;
    }

    /**
     * Writes AVCC (4-byte lengths) of the Annex-B access unit into {@code dst} at {@code dstOff} using {@code scratch};
     * returns the bytes written, or -1 if the input is not Annex-B or {@code dst} is too small.
     */
    public static int toAvcc(byte[] buf, int off, int len, NalUnits scratch, byte[] dst, int dstOff) {
        if (scratch.scanAnnexB(buf, off, len) < 0
                || scratch.payloadBytes() + 4 * scratch.count() > dst.length - dstOff) {
            return -1;
        }
        return scratch.writeAvcc(dst, dstOff);
    }

    /** Number of bytes the Annex-B access unit takes as AVCC with 4-byte lengths, or -1 if it is not Annex-B. */
    public static int avccLength(byte[] buf, int off, int len, NalUnits scratch) {
        if (scratch.scanAnnexB(buf, off, len) < 0) {
            return -1;
        }
        return scratch.payloadBytes() + 4 * scratch.count();
    }
}

package io.lianmai.codec.h264;

import io.lianmai.codec.CodecException;

/**
 * Reads bits and Exp-Golomb codes (H.264 §9.1) from a NAL unit's payload, with emulation prevention bytes ({@code 00 00
 * 03}, §7.4.1) removed on construction. Reading past the end throws {@link CodecException}.
 */
final class RbspReader {
    private final byte[] rbsp;
    private final int bitLength;
    private int bit;

    /** Reads {@code buf[off, off + len)}, the NAL unit after its header byte. */
    RbspReader(byte[] buf, int off, int len) {
        byte[] out = new byte[len];
        int n = 0;
        int zeros = 0;
        for (int i = off; i < off + len; i++) {
            byte b = buf[i];
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            out[n++] = b;
        }
        rbsp = out;
        bitLength = n * 8;
    }

    int u(int bits) {
        if (bits > bitLength - bit) {
            throw new CodecException("SPS truncated at bit " + bit);
        }
        int v = 0;
        for (int i = 0; i < bits; i++) {
            v = (v << 1) | ((rbsp[bit >>> 3] >>> (7 - (bit & 7))) & 1);
            bit++;
        }
        return v;
    }

    boolean flag() {
        return u(1) == 1;
    }

    /** ue(v); values above 2^31-2 are rejected as corrupt. */
    int ue() {
        int zeros = 0;
        while (u(1) == 0) {
            if (++zeros > 30) {
                throw new CodecException("Exp-Golomb code too long at bit " + bit);
            }
        }
        return (1 << zeros) - 1 + u(zeros);
    }

    /** se(v). */
    int se() {
        int k = ue();
        return (k & 1) != 0 ? (k + 1) / 2 : -(k / 2);
    }
}

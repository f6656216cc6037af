package io.lianmai.media.srtp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * GHASH, the universal hash of GCM (NIST SP 800-38D §6.4), keyed with one hash subkey H.
 *
 * <p>Multiplication by H uses an 8-bit table (Shoup's method): 256 multiples of H (4 KiB per key) and a shared
 * 256-entry reduction table, so a 16-byte block costs 16 table look-ups and shifts. Field elements are two
 * {@code long}s holding the block big-endian; in GCM's bit order the first bit of the block is the constant
 * term, so multiplying by x is a right shift.
 *
 * <p>Not thread-safe. Use: {@link #reset()}, {@link #update} the additional data, {@link #padBlock()},
 * {@link #update} the ciphertext, {@link #finish}.
 */
final class Ghash {
    private static final VarHandle LONG_BE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    /** R = 11100001 || 0^120, the reduction constant of GF(2^128) in GCM's bit order. */
    private static final long R = 0xE100_0000_0000_0000L;
    /** What shifting 8 given bits out of the low end of an element adds back into its high word. */
    private static final long[] REDUCE = new long[256];

    static {
        for (int bits = 0; bits < 256; bits++) {
            long hi = 0;
            long lo = bits;
            for (int i = 0; i < 8; i++) {
                boolean carry = (lo & 1) != 0;
                lo = (lo >>> 1) | (hi << 63);
                hi >>>= 1;
                if (carry) {
                    hi ^= R;
                }
            }
            REDUCE[bits] = hi;
        }
    }

    /** Pairs (hi, lo) of b·H, for b the element whose first byte is b and the rest zero. */
    private final long[] table = new long[512];
    private final byte[] partial = new byte[16];
    private int partialLength;
    private long stateHi;
    private long stateLo;

    /** A GHASH keyed with the 16-byte hash subkey {@code h} = AES(K, 0^128). */
    Ghash(byte[] h, int off) {
        long hi = (long) LONG_BE.get(h, off);
        long lo = (long) LONG_BE.get(h, off + 8);
        // 0x80 is the element 1, so table[0x80] = H, and each halving of the index multiplies by x.
        for (int bit = 0x80; bit > 0; bit >>>= 1) {
            table[2 * bit] = hi;
            table[2 * bit + 1] = lo;
            boolean carry = (lo & 1) != 0;
            lo = (lo >>> 1) | (hi << 63);
            hi >>>= 1;
            if (carry) {
                hi ^= R;
            }
        }
        for (int b = 2; b < 256; b++) {
            int low = Integer.lowestOneBit(b);
            if (low != b) {
                table[2 * b] = table[2 * low] ^ table[2 * (b ^ low)];
                table[2 * b + 1] = table[2 * low + 1] ^ table[2 * (b ^ low) + 1];
            }
        }
    }

    void reset() {
        stateHi = 0;
        stateLo = 0;
        partialLength = 0;
    }

    /** Hashes {@code len} more bytes, buffering an incomplete last block. */
    void update(byte[] buf, int off, int len) {
        int end = off + len;
        if (partialLength > 0) {
            while (off < end && partialLength < 16) {
                partial[partialLength++] = buf[off++];
            }
            if (partialLength < 16) {
                return;
            }
            block((long) LONG_BE.get(partial, 0), (long) LONG_BE.get(partial, 8));
            partialLength = 0;
        }
        while (end - off >= 16) {
            block((long) LONG_BE.get(buf, off), (long) LONG_BE.get(buf, off + 8));
            off += 16;
        }
        while (off < end) {
            partial[partialLength++] = buf[off++];
        }
    }

    /** Pads a buffered incomplete block with zeros and hashes it: the end of the additional data. */
    void padBlock() {
        if (partialLength > 0) {
            for (int i = partialLength; i < 16; i++) {
                partial[i] = 0;
            }
            block((long) LONG_BE.get(partial, 0), (long) LONG_BE.get(partial, 8));
            partialLength = 0;
        }
    }

    /**
     * Pads the ciphertext, hashes the length block len(A) || len(C) (in bits) and writes the 16-byte result
     * XORed with {@code mask} (E(K, J0), making it the GCM tag) to {@code out}.
     */
    void finish(long aadBytes, long ciphertextBytes, byte[] mask, byte[] out, int outOff) {
        padBlock();
        block(aadBytes << 3, ciphertextBytes << 3);
        LONG_BE.set(out, outOff, stateHi ^ (long) LONG_BE.get(mask, 0));
        LONG_BE.set(out, outOff + 8, stateLo ^ (long) LONG_BE.get(mask, 8));
    }

    /** state = (state ^ X) · H, Horner's rule over the 16 bytes from the last to the first. */
    private void block(long xHi, long xLo) {
        long[] t = table;
        long x1 = stateHi ^ xHi;
        long x0 = stateLo ^ xLo;
        int b = (int) x0 & 0xff;
        long hi = t[2 * b];
        long lo = t[2 * b + 1];
        for (int shift = 8; shift < 64; shift += 8) {
            b = (int) (x0 >>> shift) & 0xff;
            long reduce = REDUCE[(int) lo & 0xff];
            lo = (lo >>> 8) | (hi << 56);
            hi = (hi >>> 8) ^ reduce ^ t[2 * b];
            lo ^= t[2 * b + 1];
        }
        for (int shift = 0; shift < 64; shift += 8) {
            b = (int) (x1 >>> shift) & 0xff;
            long reduce = REDUCE[(int) lo & 0xff];
            lo = (lo >>> 8) | (hi << 56);
            hi = (hi >>> 8) ^ reduce ^ t[2 * b];
            lo ^= t[2 * b + 1];
        }
        stateHi = hi;
        stateLo = lo;
    }
}

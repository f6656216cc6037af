package io.lianmai.media.srtp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The cryptographic transform of one profile (RFC 3711 §4, RFC 7714 §8–§9): how a packet whose header, index
 * and SSRC {@link SrtpContext} has already checked is encrypted and authenticated in place. Holds the session
 * keys of both RTP and RTCP and the scratch arrays that keep the packet path free of allocation.
 *
 * <p>Offsets are absolute array positions; lengths include the header. Not thread-safe.
 */
abstract sealed class SrtpTransform permits AesCmHmacSha1Transform, AesGcmTransform {
    static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_NATIVE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    /** Keystream is made in chunks of this many bytes, so scratch space stays small for any packet size. */
    private static final int CHUNK = 1024;
    /**
     * Payloads that end (rounded up to a block) within this many bytes of their array's start get their keystream at
     * the same indices as themselves: every media packet array (1,564 bytes) does.
     */
    private static final int ALIGNED_WINDOW = 2048;

    private final byte[] counters = new byte[ALIGNED_WINDOW];
    private final byte[] keystream = new byte[ALIGNED_WINDOW];

    /** Builds the transform of {@code key}'s profile, deriving its session keys (RFC 3711 §4.3). */
    static SrtpTransform create(SrtpMasterKey key) {
        SrtpKeyDerivation kdf = new SrtpKeyDerivation(key.keyInternal(), key.saltInternal());
        return switch (key.profile()) {
            case AES128_CM_HMAC_SHA1_80 -> new AesCmHmacSha1Transform(kdf);
            case AEAD_AES_128_GCM -> new AesGcmTransform(kdf);
        };
    }

    /** Bytes SRTP appends to an RTP packet. */
    abstract int rtpOverhead();

    /** Bytes SRTCP appends to an RTCP packet. */
    abstract int rtcpOverhead();

    /** Encrypts the payload and appends the tag; returns the SRTP length. Tailroom was checked. */
    abstract int protectRtp(byte[] buf, int off, int headerLength, int length, int ssrc, long index);

    /**
     * Verifies the tag and, only if it verifies, decrypts the payload; returns the RTP length, or -1 when
     * authentication fails (the buffer is then unchanged).
     */
    abstract int unprotectRtp(byte[] buf, int off, int headerLength, int length, int ssrc, long index);

    /**
     * Decrypts only the payload's first {@code head} and last {@code tail} bytes, without checking the tag; returns
     * the RTP length, or -1 when the profile cannot (its keystream depends on nothing else, but only counter mode
     * lets a part be decrypted alone here). For load generators only: see {@link SrtpContext#peekRtp}.
     */
    int peekRtp(byte[] buf, int off, int headerLength, int length, int ssrc, long index, int head, int tail) {
        return -1;
    }

    /** Encrypts, appends the E flag + index word and the tag; returns the SRTCP length. */
    abstract int protectRtcp(byte[] buf, int off, int length, int ssrc, long index);

    /** Where the E flag + SRTCP index word of an SRTCP packet of {@code length} bytes starts, from its offset. */
    abstract int srtcpIndexPosition(int length);

    /**
     * Verifies the tag and, if {@code encrypted}, then decrypts; returns the RTCP length, or -1 when
     * authentication fails (the buffer is then unchanged).
     */
    abstract int unprotectRtcp(byte[] buf, int off, int length, int ssrc, long index, boolean encrypted);

    /**
     * XORs {@code buf[off, off + len)} with counter-mode keystream of {@code aes}: block j is
     * AES(prefix || (counter + j)), where the prefix is 12 bytes (as two words) and the counter a 32-bit
     * big-endian word, incremented modulo 2^32 (GCM's inc32; for AES-CM the low 16 bits start at zero and a packet
     * has fewer than 2^16 blocks, so this equals the RFC 3711 §4.1.1 addition).
     */
    final void xorKeystream(AesEcb aes, long prefixHigh, int prefixLow, int counter, byte[] buf, int off, int len) {
        int wholeBlocks = (len + 15) & ~15;
        if (off + wholeBlocks <= ALIGNED_WINDOW) {
            fillCounters(prefixHigh, prefixLow, counter, wholeBlocks);
            aes.encrypt(counters, 0, wholeBlocks, keystream, off);
            xorAligned(keystream, buf, off, off + len);
            return;
        }
        int done = 0;
        int nextCounter = counter;
        // Bounded: each pass consumes up to CHUNK bytes.
        while (done < len) {
            int chunk = Math.min(CHUNK, len - done);
            int blocksBytes = (chunk + 15) & ~15;
            nextCounter = fillCounters(prefixHigh, prefixLow, nextCounter, blocksBytes);
            aes.encrypt(counters, 0, blocksBytes, keystream, 0);
            xor(keystream, buf, off + done, chunk);
            done += chunk;
        }
    }

    /** Writes the counter blocks of {@code blocksBytes} of keystream; returns the counter of the block after. */
    private int fillCounters(long prefixHigh, int prefixLow, int counter, int blocksBytes) {
        int nextCounter = counter;
        for (int p = 0; p < blocksBytes; p += 16) {
            LONG_BE.set(counters, p, prefixHigh);
            INT_BE.set(counters, p + 8, prefixLow);
            INT_BE.set(counters, p + 12, nextCounter++);
        }
        return nextCounter;
    }

    /**
     * {@code buf[from, to) ^= ks[from, to)}: one index for both arrays, the loop shape C2 turns into vector XORs
     * (≈ 3× faster at 1,200 bytes than 8-byte words through a {@link VarHandle}, which
     * {@link #xor(byte[], byte[], int, int)} does for keystream that starts at index 0).
     */
    static void xorAligned(byte[] ks, byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            buf[i] = (byte) (buf[i] ^ ks[i]);
        }
    }

    /** {@code buf[off, off + len) ^= ks[0, len)}. */
    static void xor(byte[] ks, byte[] buf, int off, int len) {
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            LONG_NATIVE.set(buf, off + i, (long) LONG_NATIVE.get(buf, off + i) ^ (long) LONG_NATIVE.get(ks, i));
        }
        for (; i < len; i++) {
            buf[off + i] ^= ks[i];
        }
    }

    /** Compares {@code len} bytes in time independent of where they differ. */
    static boolean constantTimeEquals(byte[] a, int aOff, byte[] b, int bOff, int len) {
        int diff = 0;
        for (int i = 0; i < len; i++) {
            diff |= a[aOff + i] ^ b[bOff + i];
        }
        return diff == 0;
    }
}

package io.lianmai.media.srtp;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * HMAC-SHA1 (RFC 2104) over the JDK's SHA-1, which HotSpot runs on the CPU's SHA extensions where present.
 *
 * <p>{@code javax.crypto.Mac.doFinal(byte[], int)} allocates its result (and HmacCore another array), so this
 * class drives {@link MessageDigest} itself: {@code update} and {@code digest(byte[], int, int)} allocate
 * nothing. Not thread-safe.
 */
final class HmacSha1 {
    static final int LENGTH = 20;
    private static final int BLOCK = 64;

    private final MessageDigest sha1;
    private final byte[] innerPad = new byte[BLOCK];
    private final byte[] outerPad = new byte[BLOCK];
    private final byte[] inner = new byte[LENGTH];

    HmacSha1(byte[] key) {
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-1", e);
        }
        byte[] k = key.length > BLOCK ? sha1.digest(key) : key;
        for (int i = 0; i < BLOCK; i++) {
            byte b = i < k.length ? k[i] : 0;
            innerPad[i] = (byte) (b ^ 0x36);
            outerPad[i] = (byte) (b ^ 0x5c);
        }
        sha1.reset();
        sha1.update(innerPad);
    }

    /** Adds {@code len} bytes to the message being authenticated. */
    void update(byte[] buf, int off, int len) {
        sha1.update(buf, off, len);
    }

    /** Adds a 32-bit big-endian word, e.g. the ROC (RFC 3711 §4.2). */
    void updateInt(int value) {
        sha1.update((byte) (value >>> 24));
        sha1.update((byte) (value >>> 16));
        sha1.update((byte) (value >>> 8));
        sha1.update((byte) value);
    }

    /** Writes the 20-byte MAC to {@code out} at {@code off} and starts the next message. */
    void doFinal(byte[] out, int off) {
        try {
            sha1.digest(inner, 0, LENGTH);
            sha1.update(outerPad);
            sha1.update(inner, 0, LENGTH);
            sha1.digest(out, off, LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-1 output buffer too short", e);
        }
        sha1.update(innerPad);
    }
}

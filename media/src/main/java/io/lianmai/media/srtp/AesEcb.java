package io.lianmai.media.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * One AES-128 key, used as a raw block function: the JDK's {@code AES/ECB/NoPadding} cipher, keyed once, which
 * HotSpot runs on AES-NI. Counter modes build their counter blocks themselves and call {@link #encrypt} on many
 * blocks at once, so no per-packet {@code Cipher.init} (which allocates) is needed.
 *
 * <p>Not thread-safe: owned by one {@link SrtpContext}.
 */
final class AesEcb {
    static final int BLOCK = 16;

    private final Cipher cipher;

    AesEcb(byte[] key) {
        try {
            cipher = Cipher.getInstance("AES/ECB/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot do AES/ECB/NoPadding with a "
                    + key.length + "-byte key", e);
        }
    }

    /**
     * Encrypts {@code len} bytes (a multiple of 16) from {@code in} into {@code out}. The ranges must not overlap
     * unless they are identical, or the JDK copies the input.
     */
    void encrypt(byte[] in, int inOff, int len, byte[] out, int outOff) {
        try {
            cipher.update(in, inOff, len, out, outOff);
        } catch (ShortBufferException e) {
            // Callers size their buffers; reaching this is a bug in this package, not bad input.
            throw new IllegalStateException("AES output buffer too short", e);
        }
    }
}

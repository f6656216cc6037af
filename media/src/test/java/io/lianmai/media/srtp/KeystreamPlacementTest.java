package io.lianmai.media.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * AES-CM keystream (RFC 3711 §4.1.1) equals the JDK's AES/CTR wherever the payload sits: near the array's start
 * (keystream laid at the payload's own indices) and far from it (keystream made in chunks), for lengths around
 * block edges.
 */
class KeystreamPlacementTest {
    private static final int[] OFFSETS = {0, 1, 12, 300, 2048 - 1216, 2048 - 1215, 2100, 5000};
    private static final int[] LENGTHS = {1, 15, 16, 17, 160, 1023, 1024, 1025, 1200, 1500, 2500};

    @Test
    void everyOffsetAndLengthMatchesJdkCounterMode() throws Exception {
        Random random = new Random(7);
        byte[] key = new byte[16];
        byte[] salt = new byte[14];
        random.nextBytes(key);
        random.nextBytes(salt);
        AesCmHmacSha1Transform transform = new AesCmHmacSha1Transform(key, salt);
        int ssrc = 0x89AB_CDEF;
        long index = 0x1234_5678_9AL;
        for (int off : OFFSETS) {
            for (int len : LENGTHS) {
                byte[] plain = new byte[len];
                random.nextBytes(plain);
                byte[] buf = new byte[off + len + 40];
                random.nextBytes(buf);
                byte[] before = buf.clone();
                System.arraycopy(plain, 0, buf, off, len);

                transform.cipherRtp(buf, off, len, ssrc, index);

                assertThat(Arrays.copyOfRange(buf, off, off + len)).as("offset %d, length %d", off, len)
                        .isEqualTo(jdkCounterMode(key, salt, ssrc, index, plain));
                assertThat(Arrays.copyOfRange(buf, 0, off)).isEqualTo(Arrays.copyOfRange(before, 0, off));
                assertThat(Arrays.copyOfRange(buf, off + len, buf.length))
                        .isEqualTo(Arrays.copyOfRange(before, off + len, before.length));
            }
        }
    }

    /** IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16), then a 128-bit counter. */
    private static byte[] jdkCounterMode(byte[] key, byte[] salt, int ssrc, long index, byte[] plain)
            throws Exception {
        BigInteger iv = new BigInteger(1, salt).shiftLeft(16)
                .xor(BigInteger.valueOf(ssrc & 0xFFFF_FFFFL).shiftLeft(64))
                .xor(BigInteger.valueOf(index).shiftLeft(16));
        byte[] ivBytes = new byte[16];
        byte[] raw = iv.toByteArray();
        int n = Math.min(raw.length, 16);
        System.arraycopy(raw, raw.length - n, ivBytes, 16 - n, n);
        Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
        ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(ivBytes));
        return ctr.doFinal(plain);
    }
}

package io.lianmai.media.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The hand-built GCM (AES block function + {@link Ghash}) agrees with the JDK's AES/GCM on every length. */
class AesGcmAgainstJcaTest {

    @Property(tries = 500)
    void srtpMatchesJcaGcm(@ForAll @Size(16) byte[] key, @ForAll @Size(12) byte[] salt,
            @ForAll @IntRange(max = 15) int csrcs, @ForAll @Size(max = 700) byte[] payload,
            @ForAll int ssrc, @ForAll @IntRange(max = 0xFFFF) int seq, @ForAll @IntRange(max = 1000) int roc)
            throws Exception {
        AesGcmTransform transform = new AesGcmTransform(key, salt, key, salt);
        int headerLength = 12 + 4 * csrcs;
        byte[] packet = new byte[headerLength + payload.length + 16];
        packet[0] = (byte) (0x80 | csrcs);
        packet[2] = (byte) (seq >>> 8);
        packet[3] = (byte) seq;
        ByteBuffer.wrap(packet).putInt(8, ssrc);
        System.arraycopy(payload, 0, packet, headerLength, payload.length);
        byte[] plain = Arrays.copyOf(packet, headerLength + payload.length);
        long index = ((long) roc << 16) | seq;

        int length = transform.protectRtp(packet, 0, headerLength, plain.length, ssrc, index);

        byte[] iv = new byte[12];
        ByteBuffer.wrap(iv).putShort(0, (short) 0).putInt(2, ssrc).putInt(6, roc).putShort(10, (short) seq);
        for (int i = 0; i < 12; i++) {
            iv[i] ^= salt[i];
        }
        Cipher jca = Cipher.getInstance("AES/GCM/NoPadding");
        jca.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        jca.updateAAD(plain, 0, headerLength);
        byte[] expected = jca.doFinal(plain, headerLength, payload.length);
        assertThat(Arrays.copyOfRange(packet, headerLength, length)).isEqualTo(expected);

        assertThat(transform.unprotectRtp(packet, 0, headerLength, length, ssrc, index)).isEqualTo(plain.length);
        assertThat(Arrays.copyOf(packet, plain.length)).isEqualTo(plain);
    }
}

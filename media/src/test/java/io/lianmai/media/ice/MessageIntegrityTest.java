package io.lianmai.media.ice;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The hand-rolled HMAC and the CRC agree with the JDK's for any key and message. */
class MessageIntegrityTest {

    @Property(tries = 500)
    void hmacMatchesTheJdksForAnyKeyAndMessage(@ForAll @Size(min = 1, max = 200) byte[] key,
            @ForAll @IntRange(min = 0, max = 100) int attributeWords, @ForAll long seed) throws Exception {
        byte[] message = new byte[StunMessage.HEADER_LENGTH + 4 * attributeWords + MessageIntegrity.ATTRIBUTE_LENGTH];
        new Random(seed).nextBytes(message);
        int integrityAt = message.length - MessageIntegrity.ATTRIBUTE_LENGTH;

        MessageIntegrity.forKey(key).write(message, 0, integrityAt);

        byte[] covered = Arrays.copyOf(message, integrityAt);
        int coveredLength = integrityAt - StunMessage.HEADER_LENGTH + MessageIntegrity.ATTRIBUTE_LENGTH;
        covered[2] = (byte) (coveredLength >>> 8);
        covered[3] = (byte) coveredLength;
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(key, "HmacSHA1"));
        assertThat(Arrays.copyOfRange(message, integrityAt + 4, message.length))
                .isEqualTo(mac.doFinal(covered));
    }

    @Property(tries = 200)
    void fingerprintIsCrc32XorStun(@ForAll @Size(max = 300) byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);

        assertThat(Fingerprint.compute(bytes, 0, bytes.length)).isEqualTo((int) crc.getValue() ^ 0x5354554e);
    }
}

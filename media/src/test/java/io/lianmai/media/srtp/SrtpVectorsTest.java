package io.lianmai.media.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Known-answer tests: RFC 3711 Appendix B.2 and B.3, RFC 7714 §16 and §17, and pion/srtp's interop packets. */
class SrtpVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    static byte[] hex(String text) {
        return HEX.parseHex(text.replaceAll("\\s+", ""));
    }

    @Test
    void rfc3711B3KeyDerivation() {
        SrtpKeyDerivation kdf = new SrtpKeyDerivation(hex("E1F97A0D3E018BE0D64FA32C06DE4139"),
                hex("0EC675AD498AFEEBB6960B3AABE6"));

        assertThat(kdf.derive(SrtpKeyDerivation.LABEL_RTP_ENCRYPTION, 16))
                .isEqualTo(hex("C61E7A93744F39EE10734AFE3FF7A087"));
        assertThat(kdf.derive(SrtpKeyDerivation.LABEL_RTP_SALT, 14)).isEqualTo(hex("30CBBC08863D8C85D49DB34A9AE1"));
        assertThat(kdf.derive(SrtpKeyDerivation.LABEL_RTP_AUTHENTICATION, 94)).isEqualTo(hex("""
                CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE
                E049646C43D9327AD175578EF7227098 6371C10C9A369AC2F94A8C5FBCDDDC25
                6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2"""));
    }

    @Test
    void rfc3711B2AesCmKeystreamOverTheWholeSegment() {
        AesCmHmacSha1Transform transform = new AesCmHmacSha1Transform(hex("2B7E151628AED2A6ABF7158809CF4F3C"),
                hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"));
        // 65282 blocks of zeros, SSRC 0, index 0: the ciphertext is the keystream.
        byte[] segment = new byte[1_044_512];
        transform.cipherRtp(segment, 0, segment.length, 0, 0);

        assertThat(Arrays.copyOfRange(segment, 0, 48)).isEqualTo(hex("""
                E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB
                41E95B3BB0A2E8DD477901E4FCA894C0"""));
        assertThat(Arrays.copyOfRange(segment, segment.length - 48, segment.length)).isEqualTo(hex("""
                EC8CDF7398607CB0F2D21675EA9EA1E4 362B7C3C6773516318A077D7FC5073AE
                6A2CC3787889374FBEB4C81B17BA6C44"""));
    }

    // RFC 7714 §16: session key and salt are given directly, not derived.
    private static final byte[] GCM_KEY = hex("000102030405060708090a0b0c0d0e0f");
    private static final byte[] GCM_SALT = hex("517569642070726f2071756f");
    private static final byte[] RFC7714_RTP = hex("""
            8040f17b8041f8d35501a0b2 47616c6c696120657374206f6d6e6973206469766973612069
            6e207061727465732074726573""");
    private static final byte[] RFC7714_SRTP = hex("""
            8040f17b8041f8d35501a0b2 f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a
            51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce""");
    private static final String RFC7714_RTCP_HEX = """
            81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61
            deadbeef deadbeef deadbeef deadbeef deadbeef""";
    private static final byte[] RFC7714_RTCP = hex(RFC7714_RTCP_HEX);
    private static final byte[] RFC7714_SRTCP = hex("""
            81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d c676a5f1 730d6fda
            4ce09b46 86303ded 0bb9275b c84aa458 96cf4d2f c5abf872 45d9eade 800005d4""");
    private static final byte[] RFC7714_SRTCP_AUTH_ONLY =
            hex(RFC7714_RTCP_HEX + " 841dd9683dd78ec92ae58790125f62b3 000005d4");

    private static AesGcmTransform rfc7714Transform() {
        return new AesGcmTransform(GCM_KEY, GCM_SALT, GCM_KEY, GCM_SALT);
    }

    @Test
    void rfc7714Section16RtpEncryption() {
        byte[] buf = Arrays.copyOf(RFC7714_RTP, RFC7714_RTP.length + 16);
        SrtpContext sender = SrtpContext.withTransform(SrtpProfile.AEAD_AES_128_GCM, rfc7714Transform());

        int length = sender.protectRtp(buf, 0, RFC7714_RTP.length);

        assertThat(Arrays.copyOf(buf, length)).isEqualTo(RFC7714_SRTP);
    }

    @Test
    void rfc7714Section16RtpDecryption() {
        byte[] buf = RFC7714_SRTP.clone();
        SrtpContext receiver = SrtpContext.withTransform(SrtpProfile.AEAD_AES_128_GCM, rfc7714Transform());

        int length = receiver.unprotectRtp(buf, 0, buf.length);

        assertThat(Arrays.copyOf(buf, length)).isEqualTo(RFC7714_RTP);
    }

    @Test
    void rfc7714Section17RtcpEncryptionWithIndex0x5d4() {
        byte[] buf = Arrays.copyOf(RFC7714_RTCP, RFC7714_RTCP.length + 20);

        int length = rfc7714Transform().protectRtcp(buf, 0, RFC7714_RTCP.length, 0x4d617273, 0x5d4);

        assertThat(Arrays.copyOf(buf, length)).isEqualTo(RFC7714_SRTCP);
    }

    @Test
    void rfc7714Section17RtcpDecryption() {
        byte[] buf = RFC7714_SRTCP.clone();
        SrtpContext receiver = SrtpContext.withTransform(SrtpProfile.AEAD_AES_128_GCM, rfc7714Transform());

        int length = receiver.unprotectRtcp(buf, 0, buf.length);

        assertThat(Arrays.copyOf(buf, length)).isEqualTo(RFC7714_RTCP);
    }

    @Test
    void rfc7714Section17AuthenticationOnlyRtcp() {
        byte[] buf = RFC7714_SRTCP_AUTH_ONLY.clone();
        SrtpContext receiver = SrtpContext.withTransform(SrtpProfile.AEAD_AES_128_GCM, rfc7714Transform());

        int length = receiver.unprotectRtcp(buf, 0, buf.length);

        assertThat(Arrays.copyOf(buf, length)).isEqualTo(RFC7714_RTCP);
        buf = RFC7714_SRTCP_AUTH_ONLY.clone();
        buf[20] ^= 1;
        assertThat(SrtpContext.withTransform(SrtpProfile.AEAD_AES_128_GCM, rfc7714Transform())
                .unprotectRtcp(buf, 0, buf.length)).isEqualTo(SrtpError.AUTH_FAILED.code());
    }

    // pion/srtp's interop packets: master key and salt through the KDF, header 00 00 seq 0..0, payload 00..05.
    private static final byte[] PION_KEY = hex("0dcd213e4cbcf28f017f6994401e2889");
    private static final byte[] PION_SALT = hex("62776038c06dc9419f6dd9433e7c");
    private static final int[] PION_SEQ = {5000, 5001, 5002, 5003, 5004, 65535};
    private static final String[] PION_CTR = {
        "6dd37ed599b72d28b1f3a1f00cfbfd08", "da470b2a745365bd2febdc4b6d23f3de", "6ea7698d246ddcbfec021cd16076c10e",
        "247e96c87d33a2928d138de0769f08dc", "754328e43a77599b2edf7b12680b5749", "aff7c2703720839c2c6385150e44ca36"};
    private static final String[] PION_GCM = {
        "053962bb502a0819c7ccc924b8d97ae5ad9906c73b00", "b0bcfcb0152ca015b5a8cd0d65fa98b309b1f84b1cfa",
        "5e206abf587e24c015947ae24925d4d408e2f1477a33", "b06314e7d229ca928c9725d250696e1b04b937a5a1c5",
        "b24f1953798a9b9ee5229314508a8cd5fc61bf95d1fb", "40446cd1335fca9b2ea3e503d78236d8b7e8973ce6b6"};

    @Test
    void pionInteropPacketsBothProfiles() {
        for (SrtpProfile profile : SrtpProfile.values()) {
            String[] expected = profile == SrtpProfile.AEAD_AES_128_GCM ? PION_GCM : PION_CTR;
            for (int i = 0; i < PION_SEQ.length; i++) {
                SrtpTransform transform = SrtpTransform.create(SrtpMasterKey.of(profile, PION_KEY,
                        Arrays.copyOf(PION_SALT, profile.masterSaltLength())));
                byte[] buf = new byte[12 + 6 + 16];
                buf[2] = (byte) (PION_SEQ[i] >>> 8);
                buf[3] = (byte) PION_SEQ[i];
                for (int b = 0; b < 6; b++) {
                    buf[12 + b] = (byte) b;
                }
                int length = transform.protectRtp(buf, 0, 12, 18, 0, PION_SEQ[i]);

                assertThat(HEX.formatHex(buf, 12, length)).as("%s seq %d", profile, PION_SEQ[i])
                        .isEqualTo(expected[i]);
                assertThat(transform.unprotectRtp(buf, 0, 12, length, 0, PION_SEQ[i])).isEqualTo(18);
                assertThat(Arrays.copyOfRange(buf, 12, 18)).containsExactly(0, 1, 2, 3, 4, 5);
            }
        }
    }
}

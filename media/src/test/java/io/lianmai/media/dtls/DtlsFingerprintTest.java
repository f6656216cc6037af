package io.lianmai.media.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** RFC 8122 fingerprints and the process certificate they describe. */
class DtlsFingerprintTest {
    private static final String SHA256 =
            "sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3B:AD:8E:0E:CD:8F:60:8F:72:0F:C7:A6";

    @Test
    void parsesAndFormatsTheSdpForm() {
        DtlsFingerprint fingerprint = DtlsFingerprint.parse("a=fingerprint:" + SHA256);

        assertThat(fingerprint.hashFunction()).isEqualTo(DtlsFingerprint.HashFunction.SHA_256);
        assertThat(fingerprint.value()).hasSize(32).startsWith(0x4A, 0xAD);
        assertThat(fingerprint.toSdpValue()).isEqualTo(SHA256);
        assertThat(fingerprint.toSdpAttribute()).isEqualTo("a=fingerprint:" + SHA256);
        assertThat(DtlsFingerprint.parse("  SHA-256 " + SHA256.substring(8).toLowerCase() + "\r"))
                .isEqualTo(fingerprint);
    }

    @Test
    void parsesTheOtherHashFunctions() {
        assertThat(DtlsFingerprint.parse("sha-1 " + pairs(20)).hashFunction())
                .isEqualTo(DtlsFingerprint.HashFunction.SHA_1);
        assertThat(DtlsFingerprint.parse("sha-384 " + pairs(48)).value()).hasSize(48);
        assertThat(DtlsFingerprint.parse("sha-512 " + pairs(64)).value()).hasSize(64);
        assertThat(DtlsFingerprint.parse("sha-224 " + pairs(28)).value()).hasSize(28);
    }

    @Test
    void refusesBadInputWithAReason() {
        assertThatThrownBy(() -> DtlsFingerprint.parse("md5 " + pairs(16))).hasMessageContaining("md5");
        assertThatThrownBy(() -> DtlsFingerprint.parse("sha-256")).hasMessageContaining("no hash function");
        assertThatThrownBy(() -> DtlsFingerprint.parse("sha-256 " + pairs(31))).hasMessageContaining("32");
        assertThatThrownBy(() -> DtlsFingerprint.parse("sha-256 " + pairs(32).replace(':', '-')))
                .hasMessageContaining("':'");
        assertThatThrownBy(() -> DtlsFingerprint.parse("sha-256 " + pairs(32).replace('A', 'G')))
                .hasMessageContaining("hex");
        assertThatThrownBy(() -> DtlsFingerprint.parse(null)).hasMessageContaining("missing");
    }

    @Property(tries = 2000)
    void arbitraryTextIsParsedOrRefusedWithIllegalArgument(@ForAll String text) {
        try {
            DtlsFingerprint parsed = DtlsFingerprint.parse(text);
            assertThat(DtlsFingerprint.parse(parsed.toSdpAttribute())).isEqualTo(parsed);
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Test
    void theCertificateIsSelfSignedEcdsaP256WithItsSha256Fingerprint() throws Exception {
        Instant now = Instant.parse("2026-05-01T00:00:00Z");
        DtlsCertificate certificate = DtlsCertificate.generate(Clock.fixed(now, ZoneOffset.UTC),
                new java.security.SecureRandom());
        X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(certificate.encoded()));

        assertThat(x509.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(((ECPublicKey) x509.getPublicKey()).getParams().getCurve().getField().getFieldSize())
                .isEqualTo(256);
        x509.verify(x509.getPublicKey());
        assertThat(x509.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofDays(30)));
        assertThat(certificate.notAfter()).isEqualTo(now.plus(DtlsCertificate.DEFAULT_VALIDITY));
        assertThat(certificate.sdpFingerprintAttribute())
                .matches("a=fingerprint:sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(certificate.fingerprint().matches(certificate.encoded())).isTrue();
        assertThat(DtlsFingerprint.of(DtlsFingerprint.HashFunction.SHA_1, certificate.encoded())
                .matches(certificate.encoded())).isTrue();
        assertThat(certificate.fingerprint().matches(new byte[] {1, 2, 3})).isFalse();
    }

    private static String pairs(int count) {
        return "AB:".repeat(count - 1) + "AB";
    }
}

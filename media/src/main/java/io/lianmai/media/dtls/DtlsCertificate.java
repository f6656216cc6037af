package io.lianmai.media.dtls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;

/**
 * The self-signed ECDSA P-256 certificate a Lianmai process presents in every DTLS handshake, as browsers do
 * (RFC 8827 §6.5: WebRTC endpoints authenticate by the fingerprint signalled in SDP, not by a CA). Generated once
 * at start-up and reused across sessions, so the {@code a=fingerprint} line stays the same for the process's
 * life. Immutable and thread-safe.
 */
public final class DtlsCertificate {
    /** 30 days: well past any session, short enough that a leaked key is not useful for long. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(30);
    /** Tolerates clocks behind ours; Chrome back-dates its own WebRTC certificates by a day the same way. */
    private static final Duration BACKDATE = Duration.ofDays(1);

    private final byte[] der;
    private final AsymmetricKeyParameter privateKey;
    private final DtlsFingerprint fingerprint;
    private final Instant notAfter;

    private DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey, Instant notAfter) {
        this.der = der;
        this.privateKey = privateKey;
        this.fingerprint = DtlsFingerprint.of(DtlsFingerprint.HashFunction.SHA_256, der);
        this.notAfter = notAfter;
    }

    /** A new key pair and certificate valid for {@link #DEFAULT_VALIDITY} from now. */
    public static DtlsCertificate generate(Clock clock, SecureRandom random) {
        return generate(clock, random, DEFAULT_VALIDITY);
    }

    /** A new P-256 key pair and a self-signed SHA256withECDSA certificate valid for {@code validity}. */
    public static DtlsCertificate generate(Clock clock, SecureRandom random, Duration validity) {
        X9ECParameters curve = CustomNamedCurves.getByOID(SECObjectIdentifiers.secp256r1);
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(
                new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1, curve), random));
        AsymmetricCipherKeyPair keyPair = generator.generateKeyPair();

        Instant now = clock.instant();
        Instant notAfter = now.plus(validity);
        X500Name name = new X500Name("CN=lianmai");
        try {
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name,
                    new BigInteger(63, random).add(BigInteger.ONE), Date.from(now.minus(BACKDATE)),
                    Date.from(notAfter), name,
                    SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(keyPair.getPublic()));
            AlgorithmIdentifier signature = new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
            AlgorithmIdentifier digest = new DefaultDigestAlgorithmIdentifierFinder().find(signature);
            X509CertificateHolder holder = builder.build(
                    new BcECContentSignerBuilder(signature, digest).build(keyPair.getPrivate()));
            return new DtlsCertificate(holder.getEncoded(), keyPair.getPrivate(), notAfter);
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("could not create the DTLS certificate", e);
        }
    }

    /** The SHA-256 fingerprint, for the SDP {@code a=fingerprint} line. */
    public DtlsFingerprint fingerprint() {
        return fingerprint;
    }

    /** {@code a=fingerprint:sha-256 AB:CD:...}, ready for an SDP offer or answer. */
    public String sdpFingerprintAttribute() {
        return fingerprint.toSdpAttribute();
    }

    /** When the certificate expires; a long-running server should generate a new one before. */
    public Instant notAfter() {
        return notAfter;
    }

    /** A copy of the DER encoding. */
    public byte[] encoded() {
        return der.clone();
    }

    byte[] encodedInternal() {
        return der;
    }

    AsymmetricKeyParameter privateKey() {
        return privateKey;
    }

    @Override
    public String toString() {
        return "DtlsCertificate[" + fingerprint.toSdpValue() + ", until " + notAfter + "]";
    }
}

package io.lianmai.media.dtls;

import io.lianmai.media.srtp.SrtpProfile;
import java.util.List;
import java.util.Vector;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;

/**
 * What Lianmai negotiates, on either side of a handshake: DTLS 1.2, the ECDHE-ECDSA AEAD suites browsers use,
 * X25519 and P-256, and the SRTP profiles of {@link DtlsConfig#srtpProfiles()} with an empty MKI.
 */
final class WebRtcDtlsPolicy {
    /** RFC 5289 / RFC 7905 suites, in preference order; all need the ECDSA certificate of DtlsCertificate. */
    static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    };

    /** Key exchange groups, in preference order (RFC 8422 §5.1.1, RFC 7748). */
    static final int[] NAMED_GROUPS = {NamedGroup.x25519, NamedGroup.secp256r1};

    /** What our own ECDSA P-256 key signs with. */
    static final SignatureAndHashAlgorithm OWN_SIGNATURE =
            SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    private WebRtcDtlsPolicy() {
    }

    /** Signature algorithms accepted from a peer: browsers sign with ECDSA P-256, older stacks with RSA. */
    static Vector<SignatureAndHashAlgorithm> peerSignatureAlgorithms() {
        Vector<SignatureAndHashAlgorithm> algorithms = new Vector<>();
        algorithms.add(OWN_SIGNATURE);
        algorithms.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa));
        algorithms.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha512, SignatureAlgorithm.ecdsa));
        algorithms.add(SignatureAndHashAlgorithm.ed25519);
        algorithms.add(SignatureAndHashAlgorithm.rsa_pss_rsae_sha256);
        algorithms.add(SignatureAndHashAlgorithm.rsa_pss_rsae_sha384);
        algorithms.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.rsa));
        algorithms.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha384, SignatureAlgorithm.rsa));
        return algorithms;
    }

    /** Whether a peer that listed {@code offered} (null: none listed) accepts our ECDSA-SHA256 signature. */
    static boolean acceptsOwnSignature(Vector<?> offered) {
        // RFC 5246 §7.4.1.4.1: without the extension, the peer is assumed to support {sha1, ecdsa}; BC would
        // then use SHA-1. Every browser lists ecdsa_secp256r1_sha256.
        return offered == null || offered.contains(OWN_SIGNATURE);
    }

    /** Our use_srtp offer (RFC 5764 §4.1.1): the configured profiles, empty MKI. */
    static UseSRTPData offer(List<SrtpProfile> profiles) {
        int[] ids = new int[profiles.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = profiles.get(i).id();
        }
        return new UseSRTPData(ids, TlsUtils.EMPTY_BYTES);
    }

    /** The first of our {@code preferred} profiles the peer also lists, or null. */
    static SrtpProfile choose(List<SrtpProfile> preferred, int[] offered) {
        for (SrtpProfile profile : preferred) {
            for (int id : offered) {
                if (id == profile.id()) {
                    return profile;
                }
            }
        }
        return null;
    }

    /** Hex ids such as [0x0007, 0x0001], for error messages. */
    static String describe(int[] ids) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < ids.length; i++) {
            out.append(i > 0 ? ", " : "").append(String.format("0x%04x", ids[i]));
        }
        return out.append(']').toString();
    }

    /** The peer's end-entity certificate checked against the SDP fingerprint, or a failure describing why not. */
    static DtlsException verifyPeer(Certificate certificate, DtlsFingerprint expected, String role) {
        if (certificate == null || certificate.isEmpty()) {
            return new DtlsException(DtlsException.Reason.NO_CERTIFICATE,
                    "the DTLS " + role + " sent no certificate; WebRTC requires one to match a=fingerprint");
        }
        byte[] der;
        try {
            der = certificate.getCertificateAt(0).getEncoded();
        } catch (java.io.IOException e) {
            return new DtlsException(DtlsException.Reason.PROTOCOL_ERROR,
                    "the DTLS " + role + "'s certificate could not be encoded", e);
        }
        if (!expected.matches(der)) {
            DtlsFingerprint actual = DtlsFingerprint.of(expected.hashFunction(), der);
            return new DtlsException(DtlsException.Reason.FINGERPRINT_MISMATCH, "the DTLS " + role
                    + "'s certificate has fingerprint " + actual + " but its SDP said " + expected);
        }
        return null;
    }
}

package io.lianmai.media.dtls;

import io.lianmai.media.srtp.SrtpProfile;
import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;

/**
 * The BouncyCastle server peer of a {@link DtlsServerSession}: requires a client certificate matching the SDP
 * fingerprint, answers use_srtp with one profile, and exports the SRTP keys when the handshake completes.
 * Called on the handshake thread only.
 */
final class WebRtcTlsServer extends DefaultTlsServer {
    private final DtlsContext dtls;
    private final DtlsSession session;
    private SrtpProfile selectedProfile;

    WebRtcTlsServer(DtlsContext context, DtlsSession session) {
        super(context.crypto());
        this.dtls = context;
        this.session = session;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return WebRtcDtlsPolicy.CIPHER_SUITES.clone();
    }

    @Override
    public int[] getSupportedGroups() {
        return WebRtcDtlsPolicy.NAMED_GROUPS.clone();
    }

    @Override
    protected int selectECDH(int minimumCurveBits) {
        int[] offered = context.getSecurityParametersHandshake().getClientSupportedGroups();
        if (offered == null) {
            return NamedGroup.secp256r1;
        }
        for (int group : offered) {
            for (int ours : WebRtcDtlsPolicy.NAMED_GROUPS) {
                if (group == ours && NamedGroup.getCurveBits(group) >= minimumCurveBits) {
                    return group;
                }
            }
        }
        return -1;
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return (int) dtls.config().handshakeTimeout().toMillis();
    }

    @Override
    public boolean requiresExtendedMasterSecret() {
        return dtls.config().requireExtendedMasterSecret();
    }

    @Override
    @SuppressWarnings("rawtypes") // BouncyCastle's API is raw-typed
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        UseSRTPData offered = clientExtensions == null ? null : TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (offered == null) {
            throw session.reject(new DtlsException(DtlsException.Reason.NO_COMMON_SRTP_PROFILE,
                    "the DTLS client did not offer use_srtp (RFC 5764); plain DTLS is not WebRTC media"),
                    AlertDescription.handshake_failure);
        }
        selectedProfile = WebRtcDtlsPolicy.choose(dtls.config().srtpProfiles(), offered.getProtectionProfiles());
        if (selectedProfile == null) {
            throw session.reject(new DtlsException(DtlsException.Reason.NO_COMMON_SRTP_PROFILE,
                    "the DTLS client offered SRTP profiles "
                            + WebRtcDtlsPolicy.describe(offered.getProtectionProfiles())
                            + " but this server supports " + dtls.config().srtpProfiles()),
                    AlertDescription.handshake_failure);
        }
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"}) // BouncyCastle's API is raw-typed
    public Hashtable getServerExtensions() throws IOException {
        Hashtable extensions = super.getServerExtensions();
        // RFC 5764 §4.1.1: exactly one profile, and an empty MKI (WebRTC never uses MKIs).
        TlsSRTPUtils.addUseSRTPExtension(extensions,
                new UseSRTPData(new int[] {selectedProfile.id()}, org.bouncycastle.tls.TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        // RFC 5763 §5: the client's certificate is what its a=fingerprint vouches for, so it is required.
        return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                WebRtcDtlsPolicy.peerSignatureAlgorithms(), null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        DtlsException failure = WebRtcDtlsPolicy.verifyPeer(clientCertificate, session.remoteFingerprint(), "client");
        if (failure != null) {
            throw session.reject(failure, failure.reason() == DtlsException.Reason.NO_CERTIFICATE
                    ? AlertDescription.handshake_failure : AlertDescription.bad_certificate);
        }
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        if (!WebRtcDtlsPolicy.acceptsOwnSignature(context.getSecurityParametersHandshake().getClientSigAlgs())) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure,
                    "the DTLS client does not accept ecdsa_secp256r1_sha256 signatures");
        }
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), dtls.crypto(),
                dtls.certificate().privateKey(), dtls.tlsCertificate(), WebRtcDtlsPolicy.OWN_SIGNATURE);
    }

    @Override
    public void notifyAlertReceived(short alertLevel, short alertDescription) {
        session.onAlertReceived(alertLevel, alertDescription);
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        byte[] material = context.exportKeyingMaterial(DtlsSrtpKeyingMaterial.EXPORTER_LABEL, null,
                selectedProfile.keyingMaterialLength());
        session.onKeysExported(DtlsSrtpKeyingMaterial.split(selectedProfile, material, true));
    }
}

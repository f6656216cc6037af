package io.lianmai.media.dtls;

import io.lianmai.media.srtp.SrtpProfile;
import java.io.IOException;
import java.util.Hashtable;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;

/**
 * The BouncyCastle client peer of a {@link DtlsClientSession}: offers use_srtp with the configured profiles,
 * checks the server certificate against the SDP fingerprint, presents our certificate, and exports the SRTP keys.
 * Called on the handshake thread only.
 */
final class WebRtcTlsClient extends DefaultTlsClient {
    private final DtlsContext dtls;
    private final DtlsSession session;
    private SrtpProfile selectedProfile;

    WebRtcTlsClient(DtlsContext context, DtlsSession session) {
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
    @SuppressWarnings({"rawtypes", "unchecked"}) // BouncyCastle's API is raw-typed
    protected Vector getSupportedGroups(Vector namedGroupRoles) {
        Vector groups = new Vector();
        for (int group : WebRtcDtlsPolicy.NAMED_GROUPS) {
            groups.add(group);
        }
        return groups;
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
    @SuppressWarnings({"rawtypes", "unchecked"}) // BouncyCastle's API is raw-typed
    public Hashtable getClientExtensions() throws IOException {
        Hashtable extensions = super.getClientExtensions();
        TlsSRTPUtils.addUseSRTPExtension(extensions, WebRtcDtlsPolicy.offer(dtls.config().srtpProfiles()));
        return extensions;
    }

    @Override
    @SuppressWarnings("rawtypes") // BouncyCastle's API is raw-typed
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        UseSRTPData chosen = serverExtensions == null ? null : TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        if (chosen == null || chosen.getProtectionProfiles().length != 1) {
            throw session.reject(new DtlsException(DtlsException.Reason.NO_COMMON_SRTP_PROFILE,
                    "the DTLS server did not answer use_srtp with exactly one profile (RFC 5764 §4.1.1)"),
                    AlertDescription.illegal_parameter);
        }
        int id = chosen.getProtectionProfiles()[0];
        selectedProfile = WebRtcDtlsPolicy.choose(dtls.config().srtpProfiles(), new int[] {id});
        if (selectedProfile == null || chosen.getMki().length != 0) {
            throw session.reject(new DtlsException(DtlsException.Reason.NO_COMMON_SRTP_PROFILE,
                    String.format("the DTLS server chose SRTP profile 0x%04x with a %d-byte MKI; offered %s, empty MKI",
                            id, chosen.getMki().length, dtls.config().srtpProfiles())),
                    AlertDescription.illegal_parameter);
        }
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                DtlsException failure = WebRtcDtlsPolicy.verifyPeer(serverCertificate.getCertificate(),
                        session.remoteFingerprint(), "server");
                if (failure != null) {
                    throw session.reject(failure, AlertDescription.bad_certificate);
                }
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                if (!WebRtcDtlsPolicy.acceptsOwnSignature(request.getSupportedSignatureAlgorithms())) {
                    throw new TlsFatalAlert(AlertDescription.handshake_failure,
                            "the DTLS server does not accept ecdsa_secp256r1_sha256 client signatures");
                }
                return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(WebRtcTlsClient.this.context),
                        dtls.crypto(), dtls.certificate().privateKey(), dtls.tlsCertificate(),
                        WebRtcDtlsPolicy.OWN_SIGNATURE);
            }
        };
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
        session.onKeysExported(DtlsSrtpKeyingMaterial.split(selectedProfile, material, false));
    }
}

package io.lianmai.media.sdp;

import java.util.List;
import java.util.Optional;

/**
 * The remote side's transport parameters read from the m-line that carries the BUNDLE transport, with the checks a
 * DTLS-SRTP/ICE peer must pass (RFC 8839 §5.4 credentials, RFC 8842 §5 fingerprint and setup).
 */
record RemoteTransport(SdpIceCredentials ice, List<String> iceOptions, List<DtlsFingerprintAttribute> fingerprints,
        SetupRole setup, List<String> candidates) {

    static RemoteTransport read(SessionDescription description, MediaDescription tagged, String what, SdpError error)
            throws SdpException {
        String where = "m-line mid " + tagged.mid().orElse("?") + " or session level";
        SdpIceCredentials ice = description.iceCredentials(tagged).orElseThrow(() -> new SdpException(error,
                what + " has no a=ice-ufrag and a=ice-pwd (" + where + "); ICE needs both (RFC 8839 §5.4)"));
        List<DtlsFingerprintAttribute> fingerprints = description.fingerprints(tagged);
        if (fingerprints.isEmpty()) {
            throw new SdpException(error, what + " has no a=fingerprint (" + where
                    + "); DTLS-SRTP needs the certificate fingerprint (RFC 8122 §5)");
        }
        // RFC 4145 §4: no a=setup means active.
        SetupRole setup = description.setup(tagged).orElse(SetupRole.ACTIVE);
        if (setup == SetupRole.HOLDCONN) {
            throw new SdpException(error, what + " has a=setup:holdconn; a DTLS connection is needed");
        }
        return new RemoteTransport(ice, description.iceOptions(tagged), fingerprints, setup, tagged.candidates());
    }

    /** The streams announced on an m-line; the rid information is what the caller accepted. */
    static RemoteSources sources(MediaDescription m, List<Rid> rids, List<List<SimulcastStream>> layers) {
        Optional<Msid> msid = m.msid();
        return new RemoteSources(m.ssrcs(), m.ssrcGroups(), m.cnames(), msid, rids, layers);
    }
}

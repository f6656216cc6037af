package io.lianmai.media.sdp;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of one offer/answer exchange: everything the ICE, DTLS and forwarding layers need, with no SDP left
 * to read.
 *
 * @param media              every m-line, in SDP order
 * @param bundleMid          the mid whose transport carries all accepted m-lines (RFC 8843 §7)
 * @param remoteIce          the remote ICE ufrag and pwd: the SFU's ICE-lite agent checks STUN against them
 * @param remoteIceOptions   e.g. {@code trickle}
 * @param remoteFingerprints the remote certificate fingerprints, the DTLS handshake must match one
 * @param remoteSetup        the remote {@code a=setup}
 * @param localSetup         the SFU's {@code a=setup}: {@code PASSIVE} makes it the DTLS server, {@code ACTIVE} the
 *                           client, {@code ACTPASS} only in an offer not yet answered
 * @param extmapAllowMixed   whether mixed one- and two-byte header extensions were agreed (RFC 8285 §6)
 * @param remoteCandidates   candidates the remote side listed (values after {@code candidate:})
 */
public record NegotiatedSession(List<NegotiatedMedia> media, String bundleMid, SdpIceCredentials remoteIce,
        List<String> remoteIceOptions, List<DtlsFingerprintAttribute> remoteFingerprints, SetupRole remoteSetup,
        SetupRole localSetup, boolean extmapAllowMixed, List<String> remoteCandidates) {

    public NegotiatedSession {
        media = List.copyOf(media);
        remoteIceOptions = List.copyOf(remoteIceOptions);
        remoteFingerprints = List.copyOf(remoteFingerprints);
        remoteCandidates = List.copyOf(remoteCandidates);
    }

    /** The m-line with this mid. */
    public Optional<NegotiatedMedia> media(String mid) {
        return media.stream().filter(m -> m.mid().equals(mid)).findFirst();
    }

    /** The accepted m-lines, in order. */
    public List<NegotiatedMedia> acceptedMedia() {
        return media.stream().filter(NegotiatedMedia::accepted).toList();
    }

    /** Whether the SFU starts the DTLS handshake (it is {@code a=setup:active}). */
    public boolean localIsDtlsClient() {
        return localSetup == SetupRole.ACTIVE;
    }

    /** The first remote fingerprint (browsers send one). */
    public DtlsFingerprintAttribute remoteFingerprint() {
        return remoteFingerprints.get(0);
    }
}

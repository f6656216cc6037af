package io.lianmai.media.dtls;

import io.lianmai.media.srtp.SrtpProfile;
import java.time.Duration;
import java.util.List;

/**
 * Settings shared by every DTLS session of a {@link DtlsContext}.
 *
 * @param handshakeTimeout how long a handshake may take from when its task begins until it fails; also how long a
 *     started server session waits for its peer's first record
 * @param mtu the largest datagram a session sends; handshake messages are fragmented to fit
 * @param receiveQueueCapacity datagrams buffered per session until the handshake thread takes them; more are
 *     dropped and counted
 * @param requireExtendedMasterSecret refuse peers that do not negotiate RFC 7627's extended master secret
 * @param srtpProfiles the SRTP protection profiles offered or accepted, most preferred first
 */
public record DtlsConfig(Duration handshakeTimeout, int mtu, int receiveQueueCapacity,
        boolean requireExtendedMasterSecret, List<SrtpProfile> srtpProfiles) {

    /**
     * 10 s to handshake: a browser retransmits its flights for about that long. 1200-byte datagrams: what
     * libwebrtc uses, safe over IPv6 (1280) with tunnels. 64 queued datagrams: a whole handshake's flights several
     * times over. Extended master secret required: every browser sends it, and it closes the triple-handshake
     * attack. GCM first: an AEAD with a 128-bit tag, preferred whenever the browser offers it (Chrome does).
     */
    public static final DtlsConfig DEFAULT = new DtlsConfig(Duration.ofSeconds(10), 1200, 64, true,
            List.of(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES128_CM_HMAC_SHA1_80));

    public DtlsConfig {
        if (handshakeTimeout == null || handshakeTimeout.isNegative() || handshakeTimeout.isZero()
                || handshakeTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("handshakeTimeout must be positive, got " + handshakeTimeout);
        }
        if (mtu < 256 || mtu > 65_507) {
            throw new IllegalArgumentException("mtu must be 256..65507 bytes, got " + mtu);
        }
        if (receiveQueueCapacity < 1 || receiveQueueCapacity > 65_536) {
            throw new IllegalArgumentException("receiveQueueCapacity must be 1..65536, got " + receiveQueueCapacity);
        }
        if (srtpProfiles == null || srtpProfiles.isEmpty()) {
            throw new IllegalArgumentException("at least one SRTP profile is needed");
        }
        srtpProfiles = List.copyOf(srtpProfiles);
    }

    /** This configuration with another handshake timeout. */
    public DtlsConfig withHandshakeTimeout(Duration timeout) {
        return new DtlsConfig(timeout, mtu, receiveQueueCapacity, requireExtendedMasterSecret, srtpProfiles);
    }

    /** This configuration with another SRTP profile preference. */
    public DtlsConfig withSrtpProfiles(List<SrtpProfile> profiles) {
        return new DtlsConfig(handshakeTimeout, mtu, receiveQueueCapacity, requireExtendedMasterSecret, profiles);
    }
}

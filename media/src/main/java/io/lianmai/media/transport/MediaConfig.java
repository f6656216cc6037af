package io.lianmai.media.transport;

import java.time.Duration;
import java.util.List;

/**
 * How the media plane listens and behaves.
 *
 * @param bindHost address the UDP and TCP media sockets bind (0.0.0.0 for all interfaces)
 * @param udpPort UDP port for all WebRTC media (8801); 0 picks a free one (tests)
 * @param tcpPort TCP port for ICE-TCP (8801); 0 picks a free one; -1 disables ICE-TCP
 * @param candidateAddresses the IP addresses advertised as host candidates: the public or LAN addresses clients can
 *     reach (configured with {@code --public-ip}), or loopback in tests
 * @param consentTimeout no valid STUN check from the client for this long ends the session (RFC 7675 says 30 s)
 * @param connectTimeout a session that completes neither ICE nor DTLS within this ends
 */
public record MediaConfig(String bindHost, int udpPort, int tcpPort, List<String> candidateAddresses,
        Duration consentTimeout, Duration connectTimeout) {

    public MediaConfig {
        candidateAddresses = List.copyOf(candidateAddresses);
        if (candidateAddresses.isEmpty()) {
            throw new IllegalArgumentException("at least one candidate address is needed (media.publicIp)");
        }
        if (udpPort < 0 || udpPort > 65535 || tcpPort < -1 || tcpPort > 65535) {
            throw new IllegalArgumentException("media ports must be 0..65535 (TCP -1 to disable)");
        }
    }
}

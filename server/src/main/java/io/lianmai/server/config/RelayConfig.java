package io.lianmai.server.config;

import java.time.Duration;

/**
 * The media relay between nodes ({@code cluster.relayIdleMillis}, docs/relay.md).
 *
 * @param idle how long a relayed stream's leg stays up with no player on this node; 10 s by default, so that a
 *     viewer who leaves and comes back (or the next one) does not wait for a new ICE and DTLS handshake
 */
public record RelayConfig(Duration idle) {
}

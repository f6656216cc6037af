package io.lianmai.server.config;

import java.time.Duration;

/**
 * The signalling WebSocket ({@code /ws}).
 *
 * @param heartbeatInterval how often clients send {@code heartbeat}; a socket silent for three intervals is closed
 */
public record SignalConfig(Duration heartbeatInterval) {
    /** Silence after which a socket is considered dead: three missed heartbeats. */
    public Duration silenceTimeout() {
        return heartbeatInterval.multipliedBy(3);
    }
}

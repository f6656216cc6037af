package io.lianmai.server.config;

import java.time.Duration;

/**
 * The signalling WebSocket ({@code /ws}).
 *
 * @param heartbeatInterval how often clients send {@code heartbeat}; a socket silent for three intervals is closed
 * @param enterTimeout a socket not in a room this long after it opened (or left one) is closed
 * @param maxQueuedBytes frames queued towards a socket that does not read before it is dropped
 * @param commandsPerSecond requests per second one socket may send, sustained
 * @param commandBurst requests one socket may send at once
 * @param maxSocketsPerIp open signalling sockets from one source address
 */
public record SignalConfig(Duration heartbeatInterval, Duration enterTimeout, int maxQueuedBytes,
        int commandsPerSecond, int commandBurst, int maxSocketsPerIp) {
    /** Silence after which a socket is considered dead: three missed heartbeats. */
    public Duration silenceTimeout() {
        return heartbeatInterval.multipliedBy(3);
    }
}

package io.lianmai.live.rtmp;

import java.time.Duration;
import java.util.List;

/**
 * Settings of the RTMP server.
 *
 * @param outChunkSize          chunk size the server sends with; 4096 cuts header overhead ~30x versus 128
 * @param windowAckSize         Window Acknowledgement Size and Set Peer Bandwidth told to clients; 2.5 MB as FMS
 * @param maxStreamsPerConnection createStream calls allowed per connection; clients need one, retries a few more
 * @param limits                chunk decoder limits once publish or play is authorised
 * @param fourCcList            enhanced-RTMP codecs (beyond FLV's H.264/AAC) announced to clients that list theirs in
 *                              connect; HEVC ("hvc1") only, since that is what the media layer is to take
 * @param handshakeTimeout      time from accept until publish or play is authorised; a connection that is not by
 *                              then is closed (10 s: encoders take well under one)
 * @param idleTimeout           a connection from which nothing is read for this long is closed; a player (which
 *                              reads, and sends only acknowledgements) when nothing is read or written
 * @param preAuthMaxBytes       chunk size, message size and buffered bytes allowed before authorisation (64 KiB:
 *                              connect and publish are under 1 KiB)
 * @param maxConnectionsPerIp   open connections from one source address; the next is closed at accept
 */
public record RtmpServerConfig(int outChunkSize, long windowAckSize, int maxStreamsPerConnection, RtmpLimits limits,
                               List<String> fourCcList, Duration handshakeTimeout, Duration idleTimeout,
                               int preAuthMaxBytes, int maxConnectionsPerIp) {
    public static final RtmpServerConfig DEFAULT =
            new RtmpServerConfig(4096, 2_500_000, 8, RtmpLimits.forMessages(4 * 1024 * 1024), List.of("hvc1"),
                    Duration.ofSeconds(10), Duration.ofSeconds(30), 64 * 1024, 20);

    public RtmpServerConfig {
        fourCcList = List.copyOf(fourCcList);
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero() || idleTimeout.isNegative()
                || idleTimeout.isZero()) {
            throw new IllegalArgumentException("RTMP timeouts must be positive");
        }
        if (preAuthMaxBytes < 1 || maxConnectionsPerIp < 1) {
            throw new IllegalArgumentException("preAuthMaxBytes and maxConnectionsPerIp must be positive");
        }
    }

    /** These settings with other listener limits (the server's {@code rtmp.*} configuration keys). */
    public RtmpServerConfig withListenerLimits(Duration handshakeTimeout, Duration idleTimeout, int preAuthMaxBytes,
                                               int maxMessageBytes, int maxConnectionsPerIp) {
        return new RtmpServerConfig(outChunkSize, windowAckSize, maxStreamsPerConnection,
                RtmpLimits.forMessages(maxMessageBytes), fourCcList, handshakeTimeout, idleTimeout, preAuthMaxBytes,
                maxConnectionsPerIp);
    }

    /** The decoder limits of a connection until publish or play is authorised. */
    public RtmpLimits preAuthLimits() {
        return limits.beforeAuthorization(preAuthMaxBytes);
    }

    /** The codecs to announce in the connect result: ours that the client listed ("*" lists all). */
    public List<String> fourCcFor(List<String> clientList) {
        if (clientList.contains("*")) {
            return fourCcList;
        }
        return clientList.stream().filter(fourCcList::contains).toList();
    }
}

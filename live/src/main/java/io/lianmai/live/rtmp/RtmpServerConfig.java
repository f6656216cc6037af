package io.lianmai.live.rtmp;

/**
 * Settings of the RTMP server.
 *
 * @param outChunkSize          chunk size the server sends with; 4096 cuts header overhead ~30x versus 128
 * @param windowAckSize         Window Acknowledgement Size and Set Peer Bandwidth told to clients; 2.5 MB as FMS
 * @param maxStreamsPerConnection createStream calls allowed per connection; clients need one, retries a few more
 * @param limits                chunk decoder limits
 */
public record RtmpServerConfig(int outChunkSize, long windowAckSize, int maxStreamsPerConnection, RtmpLimits limits) {
    public static final RtmpServerConfig DEFAULT = new RtmpServerConfig(4096, 2_500_000, 8, RtmpLimits.DEFAULT);
}

package io.lianmai.live.rtmp;

/**
 * What one RTMP connection may make the server hold in memory; a peer exceeding a limit gets an
 * {@link RtmpException} and is disconnected.
 *
 * @param maxMessageSize       bytes in one message; 16 MiB is the 24-bit length field's range and far above any
 *                             real key frame at live bitrates
 * @param maxChunkStreams      distinct chunk stream ids; clients use under ten (control, command, audio, video, data)
 * @param maxBufferedBytes     bytes of partially received messages over all chunk streams at once
 */
public record RtmpLimits(int maxMessageSize, int maxChunkStreams, int maxBufferedBytes) {
    public static final RtmpLimits DEFAULT = new RtmpLimits(16 * 1024 * 1024, 64, 32 * 1024 * 1024);

    public RtmpLimits {
        if (maxMessageSize < 1 || maxMessageSize > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("maxMessageSize must be 1..16 MiB, got " + maxMessageSize);
        }
        if (maxChunkStreams < 1 || maxBufferedBytes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}

package io.lianmai.live.rtmp;

/**
 * What one RTMP connection may make the server hold in memory; a peer exceeding a limit gets an
 * {@link RtmpException} and is disconnected.
 *
 * <p>A chunk is buffered whole before it is decoded, so the chunk size is capped too: a Set Chunk Size above
 * {@code maxMessageSize} is refused (a chunk never needs to exceed the largest message).
 *
 * @param maxMessageSize       bytes in one message, and the largest chunk size accepted; 16 MiB is the 24-bit
 *                             length field's range
 * @param maxChunkStreams      distinct chunk stream ids; clients use under ten (control, command, audio, video, data)
 * @param maxBufferedBytes     bytes of partially received messages over all chunk streams at once
 */
public record RtmpLimits(int maxMessageSize, int maxChunkStreams, int maxBufferedBytes) {
    public static final RtmpLimits DEFAULT = new RtmpLimits(16 * 1024 * 1024, 64, 32 * 1024 * 1024);
    /** Largest value of the 24-bit message length field. */
    public static final int MAX_MESSAGE_SIZE = 0xFFFFFF + 1;

    public RtmpLimits {
        if (maxMessageSize < 1 || maxMessageSize > MAX_MESSAGE_SIZE) {
            throw new IllegalArgumentException("maxMessageSize must be 1..16 MiB, got " + maxMessageSize);
        }
        if (maxChunkStreams < 1 || maxBufferedBytes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /**
     * Limits of a server connection: messages (and chunks) of at most {@code maxMessageSize} bytes, and partial
     * messages of two streams (audio beside a video keyframe) buffered at once.
     */
    public static RtmpLimits forMessages(int maxMessageSize) {
        return new RtmpLimits(maxMessageSize, DEFAULT.maxChunkStreams(),
                (int) Math.min(Integer.MAX_VALUE, 2L * maxMessageSize));
    }

    /**
     * The budget of a connection not yet authorised to publish or play: chunk size, one message and all partial
     * messages together within {@code bytes}.
     */
    public RtmpLimits beforeAuthorization(int bytes) {
        int budget = Math.min(bytes, maxMessageSize);
        return new RtmpLimits(budget, maxChunkStreams, Math.min(budget, maxBufferedBytes));
    }
}

package io.lianmai.live.flv;

import io.netty.buffer.ByteBuf;

/** Someone receiving a live stream as FLV bytes (an HTTP-FLV response). */
public interface FlvPlayer {
    /**
     * Takes ownership of {@code bytes} and queues them; returns false when the player cannot keep up (its queue is
     * full) or has gone, and the hub then drops it rather than buffer without limit.
     */
    boolean offer(ByteBuf bytes);

    /** The stream ended (publisher gone) or the player was dropped. */
    void end();

    /** What kind of player this is, for metrics: {@code flv} (HTTP-FLV), {@code rtmp} (RTMP play), {@code cdn}. */
    default String kind() {
        return "flv";
    }
}

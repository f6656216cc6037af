package io.lianmai.live.flv;

import io.netty.buffer.ByteBuf;

/**
 * Sees every live stream's messages as they arrive, before players get them: the HLS segmenter and CDN relays.
 *
 * <p>Called on the publisher's thread while the stream's lock is held: return quickly, never block, and retain
 * {@code body} (or copy it) to keep it beyond the call.
 */
public interface LiveStreamObserver {
    /** {@code name} went live (a new publisher replaces any previous one). */
    void onPublish(String name);

    /**
     * One FLV audio (8), video (9) or script (18) message body of {@code name}, with its timestamp in ms; script
     * bodies are passed as published (RTMP's {@code @setDataFrame} wrapper included).
     */
    void onMessage(String name, int type, long timestamp, ByteBuf body);

    /** {@code name} ended. */
    void onUnpublish(String name);
}

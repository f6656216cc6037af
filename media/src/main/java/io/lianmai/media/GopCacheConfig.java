package io.lianmai.media;

import io.lianmai.media.sfu.IncomingLayer;

/**
 * How a publication's cache starts new video subscribers from the last keyframe (docs/media.md, "First frame"):
 * each video layer keeps its last {@code videoCachePackets} packets (for NACKs, and as the GOP a new subscriber is
 * replayed), and a new subscriber waits {@code keyframeWaitMillis} for the keyframe it asked for before it is
 * replayed the cached one instead.
 *
 * @param videoCachePackets packets each video layer keeps, a power of two 64..32768 ({@code media.videoCachePackets});
 *     its memory is at most {@link io.lianmai.media.sfu.PacketCache#bytesWhenFull} of it, ~1.5 KB a packet
 * @param keyframeWaitMillis how long a new video subscriber waits for a keyframe before it is started from the cache
 *     ({@code media.keyframeWaitMs}); 0 starts every one from the cache at once, -1 never does (it waits for the
 *     publisher's next keyframe, however long)
 */
public record GopCacheConfig(int videoCachePackets, long keyframeWaitMillis) {
    /**
     * 1024 packets (~1.5 MB a video layer, ~4 s of 2.5 Mbit/s: what the NACK cache always held) and 300 ms: a
     * publisher that answers a PLI does so within a round trip and a frame, so its viewers never need the replay.
     */
    public static final GopCacheConfig DEFAULT = new GopCacheConfig(IncomingLayer.VIDEO_CACHE_PACKETS, 300);

    public GopCacheConfig {
        if (videoCachePackets < 64 || videoCachePackets > 32768 || Integer.bitCount(videoCachePackets) != 1) {
            throw new IllegalArgumentException("videoCachePackets must be a power of two 64..32768, got "
                    + videoCachePackets);
        }
        if (keyframeWaitMillis < -1 || keyframeWaitMillis > 60_000) {
            throw new IllegalArgumentException("keyframeWaitMillis must be -1..60000, got " + keyframeWaitMillis);
        }
    }
}

package io.lianmai.server.config;

import io.lianmai.live.hls.HlsConfig;
import java.time.Duration;

/**
 * Live output.
 *
 * @param maxPlayerBacklogBytes bytes queued towards one HTTP-FLV or RTMP player (or CDN relay) before it is dropped
 *                              as too slow; the tags are shared between players, so this bounds what one stuck
 *                              player pins, not a per-player copy
 * @param idle how long a room member's stream bridged to live output runs with nobody watching
 * @param hls HLS packaging of live streams
 */
public record LiveConfig(long maxPlayerBacklogBytes, Duration idle, HlsConfig hls) {
    /** 4 MiB backlog (about 5 s of a 6 Mbit/s stream), 30 s idle, HLS defaults. */
    public static final LiveConfig DEFAULT = new LiveConfig(4L * 1024 * 1024, Duration.ofSeconds(30),
            HlsConfig.DEFAULT);
}

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
 * @param signedUrlLifetime how long the signed playback URLs handed to room members stay valid
 * @param maxTranscodesPerApp room members' streams of one app bridged to live output at once
 * @param cdn CDN relays (StartPublishCdnStream)
 */
public record LiveConfig(long maxPlayerBacklogBytes, Duration idle, HlsConfig hls, Duration signedUrlLifetime,
                         int maxTranscodesPerApp, CdnConfig cdn) {
    /** 4 MiB backlog (about 5 s of a 6 Mbit/s stream), 30 s idle, HLS defaults, 6 h URLs, 10 transcodes per app. */
    public static final LiveConfig DEFAULT = new LiveConfig(4L * 1024 * 1024, Duration.ofSeconds(30),
            HlsConfig.DEFAULT, Duration.ofHours(6), 10, CdnConfig.DEFAULT);
}

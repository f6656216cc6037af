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
 * @param mix MCU mix tasks (StartMCUMixTranscode)
 * @param mergeWindow how long a player's first queued tag waits for more before its tags are written together (one
 *                    write and one flush per window per player, as SRS's {@code mw_latency}); zero writes on the
 *                    player's event loop's next turn
 */
public record LiveConfig(long maxPlayerBacklogBytes, Duration idle, HlsConfig hls, Duration signedUrlLifetime,
                         int maxTranscodesPerApp, CdnConfig cdn, MixConfig mix, Duration mergeWindow) {
    /** Longest merge window: players start to stutter well before a second of added delay. */
    public static final Duration MAX_MERGE_WINDOW = Duration.ofSeconds(1);

    /**
     * 4 MiB backlog (about 5 s of a 6 Mbit/s stream), 30 s idle, HLS defaults, 6 h URLs, 10 transcodes per app, and
     * a 33 ms merge window: one frame at 30 fps of added delay at most.
     */
    public static final LiveConfig DEFAULT = new LiveConfig(4L * 1024 * 1024, Duration.ofSeconds(30),
            HlsConfig.DEFAULT, Duration.ofHours(6), 10, CdnConfig.DEFAULT, MixConfig.DEFAULT, Duration.ofMillis(33));

    public LiveConfig {
        if (mergeWindow.isNegative() || mergeWindow.compareTo(MAX_MERGE_WINDOW) > 0) {
            throw new IllegalArgumentException("merge window must be 0..1000 ms, got " + mergeWindow.toMillis()
                    + " ms");
        }
    }

    /** This configuration with players' writes merged over {@code window}. */
    public LiveConfig withMergeWindow(Duration window) {
        return new LiveConfig(maxPlayerBacklogBytes, idle, hls, signedUrlLifetime, maxTranscodesPerApp, cdn, mix, window);
    }
}

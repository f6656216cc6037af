package io.lianmai.server.config;

/**
 * Live output: what the server holds for each player of a live stream.
 *
 * @param maxPlayerBacklogBytes bytes queued towards one HTTP-FLV or RTMP player (or CDN relay) before it is dropped
 *                              as too slow; the tags are shared between players, so this bounds what one stuck
 *                              player pins, not a per-player copy
 */
public record LiveConfig(long maxPlayerBacklogBytes) {
    /** 4 MiB: about 5 s of a 6 Mbit/s stream. */
    public static final LiveConfig DEFAULT = new LiveConfig(4L * 1024 * 1024);
}

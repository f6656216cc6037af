/**
 * {@code GET /metrics}: the node's rooms, members, media plane, live output and JVM in Prometheus's text format,
 * through Micrometer's Prometheus registry (docs/operations.md lists every series).
 *
 * <p>Nothing here runs on the packet path: the media plane keeps plain counters on its loop, and each scrape reads
 * them once ({@link io.lianmai.media.MediaServer#stats()}) before the registry renders; meters are gauges and
 * function counters over that snapshot. Only per-session events (a connect) are recorded as they happen.
 */
package io.lianmai.server.metrics;

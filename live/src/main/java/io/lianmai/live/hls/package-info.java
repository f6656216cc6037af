/**
 * HLS output of live streams (RFC 8216): {@link io.lianmai.live.hls.HlsPackager} watches the FLV stream hub, cuts
 * each stream into MPEG-TS segments with FFmpeg's muxer, and keeps the newest segments and the media playlist in
 * memory. See {@code docs/live-hls.md}.
 */
package io.lianmai.live.hls;

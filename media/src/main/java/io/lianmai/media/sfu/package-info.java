/**
 * The Selective Forwarding Unit: a publisher's {@link io.lianmai.media.sfu.Publication} of
 * {@link io.lianmai.media.sfu.PublishedTrack}s (layers, NACKs, keyframe requests, reports, which simulcast layers to
 * send: {@link io.lianmai.media.sfu.LayerDemand}) and a player's
 * {@link io.lianmai.media.sfu.Subscription} of {@link io.lianmai.media.sfu.DownTrack}s (rewriting, keyframe gating,
 * retransmissions within a budget). On the media loop; nothing here allocates or logs per packet. See
 * {@code docs/media.md}.
 */
package io.lianmai.media.sfu;

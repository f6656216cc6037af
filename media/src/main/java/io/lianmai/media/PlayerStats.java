package io.lianmai.media;

import java.util.List;

/**
 * What the media plane does for one connected WebRTC player: its downlink estimate and what the layer allocation made
 * of it. An operator's and the load generator's view of bandwidth estimation under load
 * ({@link MediaServer#playerStats}); counters grow from the session's start.
 *
 * @param sessionId the player's session (the WHEP resource's last path segment)
 * @param streamKey the stream it plays, as the caller named it
 * @param estimator {@code "transport-cc"} (the server's own estimator), {@code "remb"} (the player's REMB) or
 *     {@code "none"}
 * @param estimateBps the estimated downlink, bit/s; -1 without an estimate
 * @param allocatedLayer the layer its first video track was given by the allocation: a layer index, -1 paused, -2 none
 *     (its big/small preference rules; always -2 without transport-cc and RTX)
 * @param currentLayer the layer its first video track forwards now; -1 before the first keyframe, while paused, or
 *     without video
 * @param layerSwitches times a video track switched from one layer to another
 * @param pauses times a video track was paused because no layer fitted
 * @param probesStarted bandwidth probes the layer allocation started
 * @param probesRaised probes whose result raised the estimate
 * @param paddingPackets RTX padding-only packets sent for probes
 * @param paddingBytes their bytes (RTP lengths)
 * @param packetsSent media packets sent (retransmissions and padding not included)
 * @param octetsSent their payload octets (RFC 3550's sender octet count)
 * @param lossPercent the downlink loss its transport-cc feedback reported over the last packets, 0..100; -1 without
 *     the server's own estimator
 * @param rttMillis the smoothed feedback round trip (RTT plus the player's feedback delay), ms; -1 without the
 *     server's own estimator
 */
public record PlayerStats(String sessionId, String streamKey, String estimator, long estimateBps, int allocatedLayer,
        int currentLayer, long layerSwitches, long pauses, long probesStarted, long probesRaised, long paddingPackets,
        long paddingBytes, long packetsSent, long octetsSent, double lossPercent, long rttMillis) {

    /**
     * The players of some streams, as listed by {@link MediaServer#playerStats}.
     *
     * @param players how many matched
     * @param listed at most the asked number of them, in no particular order
     */
    public record Page(int players, List<PlayerStats> listed) {
        public Page {
            listed = List.copyOf(listed);
        }
    }
}

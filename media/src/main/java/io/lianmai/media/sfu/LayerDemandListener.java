package io.lianmai.media.sfu;

import java.util.List;

/**
 * Hears which simulcast layers a publication's publisher should send, so that it can be told to pause the encoders
 * nobody watches and to resume them ({@link LayerDemand}). Called on the media thread from the publication's tick,
 * only when the decision for a track changes (never per packet); it must not block. Set for a publication's
 * lifetime with {@link Publication#onLayerDemand}.
 */
@FunctionalInterface
public interface LayerDemandListener {
    /**
     * @param mid the track's m-line
     * @param activeRids the rids to send, in SDP order; the others should be paused. Never empty.
     */
    void onActiveLayers(String mid, List<String> activeRids);
}

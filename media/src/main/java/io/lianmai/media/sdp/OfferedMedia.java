package io.lianmai.media.sdp;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the server put in one m-line of its own offer, kept to read the answer against.
 *
 * @param mid              the m-line's mid
 * @param kind             audio or video
 * @param track            the track sent on it, empty for an m-line kept inactive after its track ended
 * @param codecs           offered codecs with their RTX and publisher payload types
 * @param headerExtensions offered extension ids by URI
 */
public record OfferedMedia(String mid, MediaKind kind, Optional<OutgoingTrack> track, List<NegotiatedCodec> codecs,
        Map<String, Integer> headerExtensions) {

    public OfferedMedia {
        codecs = List.copyOf(codecs);
        headerExtensions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headerExtensions));
    }
}

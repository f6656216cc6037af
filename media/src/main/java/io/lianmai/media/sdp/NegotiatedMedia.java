package io.lianmai.media.sdp;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The outcome of offer/answer for one m-line, what the SFU forwards by. Rejected m-lines are present too (with
 * {@link #rejection()} set) so that indexes and mids line up with the SDP.
 *
 * @param index            position of the m-line in the SDP, from 0
 * @param mid              the m-line's mid
 * @param kind             audio, video, or what was rejected
 * @param direction        the SFU's direction: {@code RECVONLY} for a publisher's track, {@code SENDONLY} for a
 *                         subscriber's, {@code INACTIVE} when nothing flows
 * @param codecs           agreed codecs, the preferred first; payload types are this m-line's
 * @param headerExtensions agreed RTP header extension ids by URI
 * @param rtcpReducedSize  whether reduced-size RTCP (RFC 5506) was agreed
 * @param remote           the streams the remote side announced
 * @param outgoing         the track the SFU sends on this m-line
 * @param rejection        why the m-line was rejected (port 0), empty when accepted
 */
public record NegotiatedMedia(int index, String mid, MediaKind kind, Direction direction, List<NegotiatedCodec> codecs,
        Map<String, Integer> headerExtensions, boolean rtcpReducedSize, RemoteSources remote,
        Optional<OutgoingTrack> outgoing, Optional<String> rejection) {

    public NegotiatedMedia {
        codecs = List.copyOf(codecs);
        headerExtensions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headerExtensions));
    }

    static NegotiatedMedia rejected(int index, String mid, MediaKind kind, String reason) {
        return new NegotiatedMedia(index, mid, kind, Direction.INACTIVE, List.of(), Map.of(), false,
                RemoteSources.NONE, Optional.empty(), Optional.of(reason));
    }

    /** True unless the m-line was rejected. */
    public boolean accepted() {
        return rejection.isEmpty();
    }

    /** The agreed id of a header extension. */
    public OptionalInt extensionId(String uri) {
        Integer id = headerExtensions.get(uri);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The codec with this payload type (primary codecs only). */
    public Optional<NegotiatedCodec> codec(int payloadType) {
        return codecs.stream().filter(c -> c.payloadType() == payloadType).findFirst();
    }

    /** The codec whose RTX payload type this is. */
    public Optional<NegotiatedCodec> codecForRtx(int rtxPayloadType) {
        return codecs.stream()
                .filter(c -> c.rtxPayloadType().isPresent() && c.rtxPayloadType().getAsInt() == rtxPayloadType)
                .findFirst();
    }

    /** Whether any codec has RTX. */
    public boolean rtx() {
        return codecs.stream().anyMatch(c -> c.rtxPayloadType().isPresent());
    }

    /** The SSRC the SFU sends retransmissions with, when it sends and RTX was agreed. */
    public OptionalLong outgoingRtxSsrc() {
        return outgoing.isPresent() && rtx() ? OptionalLong.of(outgoing.get().rtxSsrc()) : OptionalLong.empty();
    }
}

package io.lianmai.media.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * A track the SFU sends to a subscriber: the publisher's codecs, and the SSRCs, CNAME and msid the SFU uses for it on
 * this subscriber's connection.
 *
 * @param kind     audio or video
 * @param streamId the msid stream id (in Lianmai, e.g. {@code alice_main})
 * @param trackId  the msid track id
 * @param cname    the RTCP CNAME (RFC 7022)
 * @param ssrc     the SSRC the SFU sends media with
 * @param rtxSsrc  the SSRC the SFU sends retransmissions with, used when RTX is negotiated
 * @param codecs   the publisher's negotiated codecs with the publisher's payload types (no RTX entries)
 */
public record OutgoingTrack(MediaKind kind, String streamId, String trackId, String cname, long ssrc, long rtxSsrc,
        List<RtpCodec> codecs) {

    public OutgoingTrack {
        if (kind == null || !kind.isRtp()) {
            throw new IllegalArgumentException("an outgoing track is audio or video");
        }
        new Msid(streamId, trackId);
        if (cname == null || cname.isEmpty() || !SdpSyntax.isLineText(cname) || cname.indexOf(' ') >= 0) {
            throw new IllegalArgumentException("cname must be one word: " + cname);
        }
        if (ssrc < 0 || ssrc > 0xFFFF_FFFFL || rtxSsrc < 0 || rtxSsrc > 0xFFFF_FFFFL || ssrc == rtxSsrc) {
            throw new IllegalArgumentException("ssrc and rtx ssrc must be distinct 32-bit values");
        }
        List<RtpCodec> primaries = new ArrayList<>();
        for (RtpCodec codec : codecs) {
            if (!codec.isRtx()) {
                primaries.add(codec);
            }
        }
        if (primaries.isEmpty()) {
            throw new IllegalArgumentException("an outgoing track needs at least one codec");
        }
        codecs = List.copyOf(primaries);
    }

    /** A track forwarding what a publisher's m-line negotiated. */
    public static OutgoingTrack from(NegotiatedMedia publisher, String streamId, String trackId, String cname,
            long ssrc, long rtxSsrc) {
        List<RtpCodec> codecs = new ArrayList<>();
        for (NegotiatedCodec codec : publisher.codecs()) {
            codecs.add(codec.codec());
        }
        return new OutgoingTrack(publisher.kind(), streamId, trackId, cname, ssrc, rtxSsrc, codecs);
    }

    /**
     * The same track limited to some codecs, e.g. the one the publisher is actually sending, so that a player is only
     * offered or answered what it will receive.
     */
    public OutgoingTrack withCodecs(List<RtpCodec> newCodecs) {
        return new OutgoingTrack(kind, streamId, trackId, cname, ssrc, rtxSsrc, newCodecs);
    }

    /** The msid this track is announced with. */
    public Msid msid() {
        return new Msid(streamId, trackId);
    }
}

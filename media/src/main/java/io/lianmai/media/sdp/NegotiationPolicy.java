package io.lianmai.media.sdp;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the SFU accepts in offer/answer: codecs in preference order (publishers send with the first one the answer
 * lists, so the order decides what subscribers must decode), H.264 profiles in preference order, RTX, the RTCP
 * feedback the SFU implements and the header extensions it reads or writes.
 *
 * @param codecs             codec types, most preferred first
 * @param h264Profiles       accepted H.264 profiles, most preferred first
 * @param rtx                whether to negotiate RTX (RFC 4588) next to video codecs
 * @param rtcpFeedback       feedback kept in answers and offers; everything else is dropped
 * @param headerExtensions   RTP header extension URIs, at most 14 so that server offers fit one-byte ids
 * @param maxSimulcastLayers most simulcast streams accepted from one publisher m-line; extra rids are refused
 * @param extmapAllowMixed   whether to agree to mixed one- and two-byte header extensions (RFC 8285 §6)
 */
public record NegotiationPolicy(List<CodecType> codecs, List<H264Profile> h264Profiles, boolean rtx,
        Set<RtcpFeedbackType> rtcpFeedback, List<String> headerExtensions, int maxSimulcastLayers,
        boolean extmapAllowMixed) {
    /** One-byte header extension ids run 1..14 (RFC 8285 §4.2). */
    public static final int MAX_HEADER_EXTENSIONS = 14;

    public NegotiationPolicy {
        codecs = List.copyOf(new LinkedHashSet<>(codecs));
        h264Profiles = List.copyOf(new LinkedHashSet<>(h264Profiles));
        Set<RtcpFeedbackType> normalized = new LinkedHashSet<>();
        for (RtcpFeedbackType fb : rtcpFeedback) {
            normalized.add(fb.normalized());
        }
        rtcpFeedback = Set.copyOf(normalized);
        headerExtensions = List.copyOf(new LinkedHashSet<>(headerExtensions));
        if (headerExtensions.size() > MAX_HEADER_EXTENSIONS) {
            throw new IllegalArgumentException("at most " + MAX_HEADER_EXTENSIONS + " header extensions");
        }
        if (maxSimulcastLayers < 1) {
            throw new IllegalArgumentException("maxSimulcastLayers must be at least 1");
        }
    }

    /**
     * Opus, VP8, H.264, VP9, AV1 (VP8 and constrained-baseline H.264 first: every browser decodes them), RTX on,
     * feedback {@code nack}, {@code nack pli}, {@code ccm fir}, {@code goog-remb}, {@code transport-cc}, the six
     * header extensions the SFU handles, up to 3 simulcast layers (what browsers send), mixed extmaps allowed.
     */
    public static NegotiationPolicy defaults() {
        return new NegotiationPolicy(
                List.of(CodecType.OPUS, CodecType.VP8, CodecType.H264, CodecType.VP9, CodecType.AV1),
                List.of(H264Profile.CONSTRAINED_BASELINE, H264Profile.BASELINE, H264Profile.MAIN,
                        H264Profile.CONSTRAINED_HIGH, H264Profile.HIGH),
                true,
                Set.of(RtcpFeedbackType.NACK, RtcpFeedbackType.NACK_PLI, RtcpFeedbackType.CCM_FIR,
                        RtcpFeedbackType.GOOG_REMB,
                        RtcpFeedbackType.TRANSPORT_CC),
                List.of(ExtMap.AUDIO_LEVEL, ExtMap.MID, ExtMap.RTP_STREAM_ID, ExtMap.REPAIRED_RTP_STREAM_ID,
                        ExtMap.ABS_SEND_TIME, ExtMap.TRANSPORT_WIDE_CC),
                3,
                true);
    }

    public NegotiationPolicy withCodecs(List<CodecType> newCodecs) {
        return new NegotiationPolicy(newCodecs, h264Profiles, rtx, rtcpFeedback, headerExtensions,
                maxSimulcastLayers, extmapAllowMixed);
    }

    public NegotiationPolicy withH264Profiles(List<H264Profile> newProfiles) {
        return new NegotiationPolicy(codecs, newProfiles, rtx, rtcpFeedback, headerExtensions, maxSimulcastLayers,
                extmapAllowMixed);
    }

    public NegotiationPolicy withRtx(boolean newRtx) {
        return new NegotiationPolicy(codecs, h264Profiles, newRtx, rtcpFeedback, headerExtensions,
                maxSimulcastLayers, extmapAllowMixed);
    }

    public NegotiationPolicy withRtcpFeedback(Set<RtcpFeedbackType> newFeedback) {
        return new NegotiationPolicy(codecs, h264Profiles, rtx, newFeedback, headerExtensions, maxSimulcastLayers,
                extmapAllowMixed);
    }

    public NegotiationPolicy withHeaderExtensions(List<String> newExtensions) {
        return new NegotiationPolicy(codecs, h264Profiles, rtx, rtcpFeedback, newExtensions, maxSimulcastLayers,
                extmapAllowMixed);
    }

    public NegotiationPolicy withMaxSimulcastLayers(int newMax) {
        return new NegotiationPolicy(codecs, h264Profiles, rtx, rtcpFeedback, headerExtensions, newMax,
                extmapAllowMixed);
    }

    /** Whether the SFU implements this feedback. */
    public boolean supports(RtcpFeedbackType feedback) {
        return rtcpFeedback.contains(feedback.normalized());
    }

    /** Whether the SFU handles this header extension. */
    public boolean supportsExtension(String uri) {
        return headerExtensions.contains(uri);
    }
}

package io.lianmai.media.sdp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Chooses codecs for one m-line from what the remote side offered (RFC 3264 §6.1: the answer keeps the offer's
 * payload types), given the {@link NegotiationPolicy} and, when the SFU sends, the codecs the publisher sends.
 * One codec per {@link CodecType}, each with its RTX; RED, ULPFEC, CN and telephone-event are never chosen.
 */
public final class CodecNegotiator {
    private final NegotiationPolicy policy;

    public CodecNegotiator(NegotiationPolicy policy) {
        this.policy = policy;
    }

    /**
     * Codecs to receive from a sender (a publisher's offer), in the policy's preference order: per type the offered
     * codec the policy likes best, its fmtp echoed as offered (so Opus keeps {@code minptime}, {@code useinbandfec},
     * {@code stereo}; H.264 keeps its {@code profile-level-id}), its feedback cut to what the SFU implements.
     */
    public List<NegotiatedCodec> negotiateReceive(MediaKind kind, List<RtpCodec> offered) {
        List<NegotiatedCodec> out = new ArrayList<>();
        for (CodecType type : policy.codecs()) {
            if (type.kind() != kind) {
                continue;
            }
            Optional<RtpCodec> chosen = type == CodecType.H264 ? bestH264(offered) : firstOf(type, offered);
            if (chosen.isEmpty()) {
                continue;
            }
            RtpCodec codec = chosen.get();
            RtpCodec answer = codec.withFeedback(supportedFeedback(codec.feedback()));
            out.add(new NegotiatedCodec(answer, rtxFor(codec, offered), OptionalInt.empty()));
        }
        return List.copyOf(out);
    }

    /**
     * Codecs to send to a receiver (a subscriber's offer), limited to what the publisher sends ({@code source}), in
     * the publisher's order. A codec matches when the type matches, and for H.264 the profile (levels may differ,
     * as libwebrtc allows), for VP9 {@code profile-id} and for AV1 {@code profile}.
     */
    public List<NegotiatedCodec> negotiateSend(List<RtpCodec> offered, List<RtpCodec> source) {
        List<NegotiatedCodec> out = new ArrayList<>();
        Set<Integer> used = new HashSet<>();
        for (RtpCodec publisher : source) {
            CodecType type = CodecType.of(publisher);
            if (type == null || !policy.codecs().contains(type)) {
                continue;
            }
            for (RtpCodec candidate : offered) {
                if (used.contains(candidate.payloadType()) || !isAcceptable(type, candidate)
                        || !isSameFormat(publisher, candidate)) {
                    continue;
                }
                used.add(candidate.payloadType());
                RtpCodec answer = candidate.withFeedback(supportedFeedback(candidate.feedback()));
                if (type == CodecType.H264) {
                    answer = answer.withParameters(h264SendParameters(publisher, candidate));
                } else if (type == CodecType.OPUS) {
                    answer = answer.withParameters(opusSendParameters(publisher, candidate));
                }
                out.add(new NegotiatedCodec(answer, rtxFor(candidate, offered),
                        OptionalInt.of(publisher.payloadType())));
                break;
            }
        }
        return List.copyOf(out);
    }

    /**
     * Whether two codecs describe the same stream format, ignoring payload type and H.264 level: what decides if a
     * subscriber can receive a publisher's packets unchanged.
     */
    public static boolean isSameFormat(RtpCodec a, RtpCodec b) {
        if (!a.name().equalsIgnoreCase(b.name()) || a.clockRate() != b.clockRate()) {
            return false;
        }
        CodecType type = CodecType.of(a);
        if (type == null) {
            return a.channelCount() == b.channelCount() && a.parameters().equals(b.parameters());
        }
        return switch (type) {
            case OPUS, VP8 -> true;
            case H264 -> packetizationMode(a).equals(packetizationMode(b)) && h264Profile(a).isPresent()
                    && h264Profile(a).equals(h264Profile(b));
            case VP9 -> a.parameter("profile-id").orElse("0").equals(b.parameter("profile-id").orElse("0"));
            case AV1 -> a.parameter("profile").orElse("0").equals(b.parameter("profile").orElse("0"));
        };
    }

    private boolean isAcceptable(CodecType type, RtpCodec codec) {
        if (!type.matches(codec)) {
            return false;
        }
        if (type == CodecType.H264) {
            Optional<H264Profile> profile = h264Profile(codec);
            return packetizationMode(codec).equals("1") && profile.isPresent()
                    && policy.h264Profiles().contains(profile.get());
        }
        return true;
    }

    private Optional<RtpCodec> firstOf(CodecType type, List<RtpCodec> offered) {
        return offered.stream().filter(codec -> isAcceptable(type, codec)).findFirst();
    }

    /** The offered H.264 with packetization-mode 1 whose profile the policy ranks highest; offer order breaks ties. */
    private Optional<RtpCodec> bestH264(List<RtpCodec> offered) {
        RtpCodec best = null;
        int bestRank = Integer.MAX_VALUE;
        for (RtpCodec codec : offered) {
            if (!isAcceptable(CodecType.H264, codec)) {
                continue;
            }
            int rank = policy.h264Profiles().indexOf(h264Profile(codec).orElseThrow());
            if (rank < bestRank) {
                best = codec;
                bestRank = rank;
            }
        }
        return Optional.ofNullable(best);
    }

    private static String packetizationMode(RtpCodec codec) {
        return codec.parameter("packetization-mode").orElse("0").strip();
    }

    private static Optional<H264Profile> h264Profile(RtpCodec codec) {
        return H264ProfileLevelId.of(codec.parameters()).map(H264ProfileLevelId::profile);
    }

    /**
     * The answer's H.264 parameters when the SFU sends: the subscriber's, with a profile-level-id of the publisher's
     * profile at the level libwebrtc would answer (the publisher's level when both allow level asymmetry, else the
     * lower of the two).
     */
    /**
     * The subscriber's Opus parameters as offered, plus {@code sprop-stereo=1} when the publisher declared stereo: the
     * server sends the publisher's packets unchanged, so what the publisher said it sends (RFC 7587 §6.1,
     * {@code sprop-stereo}) is what the subscriber gets. Whether a receiver decodes two channels is its own
     * {@code stereo} parameter, echoed as offered.
     */
    private static Map<String, String> opusSendParameters(RtpCodec publisher, RtpCodec subscriber) {
        if (!publisher.parameter("sprop-stereo").orElse("0").equals("1")) {
            return subscriber.parameters();
        }
        Map<String, String> out = new LinkedHashMap<>(subscriber.parameters());
        out.keySet().removeIf(key -> key.equalsIgnoreCase("sprop-stereo"));
        out.put("sprop-stereo", "1");
        return out;
    }

    private static Map<String, String> h264SendParameters(RtpCodec publisher, RtpCodec subscriber) {
        H264ProfileLevelId local = H264ProfileLevelId.of(publisher.parameters()).orElseThrow();
        H264ProfileLevelId remote = H264ProfileLevelId.of(subscriber.parameters()).orElseThrow();
        boolean asymmetry = levelAsymmetryAllowed(publisher) && levelAsymmetryAllowed(subscriber);
        int level = asymmetry ? local.level() : H264ProfileLevelId.minLevel(local.level(), remote.level());
        Map<String, String> out = new LinkedHashMap<>(subscriber.parameters());
        String key = out.keySet().stream().filter(k -> k.equalsIgnoreCase("profile-level-id")).findFirst()
                .orElse("profile-level-id");
        out.put(key, local.withLevel(level));
        return out;
    }

    private static boolean levelAsymmetryAllowed(RtpCodec codec) {
        return codec.parameter("level-asymmetry-allowed").map(String::strip).filter("1"::equals).isPresent();
    }

    private List<RtcpFeedbackType> supportedFeedback(List<RtcpFeedbackType> offered) {
        List<RtcpFeedbackType> out = new ArrayList<>();
        for (RtcpFeedbackType fb : offered) {
            if (policy.supports(fb) && out.stream().noneMatch(fb::sameAs)) {
                out.add(fb);
            }
        }
        return out;
    }

    /** The first offered RTX format whose {@code apt} is the codec, when the policy wants RTX. */
    private OptionalInt rtxFor(RtpCodec primary, List<RtpCodec> offered) {
        if (!policy.rtx()) {
            return OptionalInt.empty();
        }
        for (RtpCodec codec : offered) {
            OptionalInt apt = codec.associatedPayloadType();
            if (codec.isRtx() && apt.isPresent() && apt.getAsInt() == primary.payloadType()
                    && codec.clockRate() == primary.clockRate()) {
                return OptionalInt.of(codec.payloadType());
            }
        }
        return OptionalInt.empty();
    }

    /** The RTX codec line for an answer: payload type, clock rate, {@code apt} and any {@code rtx-time} offered. */
    static RtpCodec rtxCodec(NegotiatedCodec negotiated, List<RtpCodec> offered) {
        int rtxPt = negotiated.rtxPayloadType().orElseThrow();
        RtpCodec offeredRtx = offered.stream().filter(c -> c.payloadType() == rtxPt).findFirst().orElse(null);
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("apt", Integer.toString(negotiated.payloadType()));
        if (offeredRtx != null) {
            offeredRtx.parameter("rtx-time").ifPresent(time -> parameters.put("rtx-time", time));
        }
        String name = offeredRtx == null ? "rtx" : offeredRtx.name();
        return new RtpCodec(rtxPt, name, negotiated.codec().clockRate(), 0, parameters, List.of());
    }
}

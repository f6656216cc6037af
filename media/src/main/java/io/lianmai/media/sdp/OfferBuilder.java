package io.lianmai.media.sdp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Makes the server's own offers to a subscriber (RFC 8829 §5.2 subset) and reads the answers: one {@code sendonly}
 * m-line per track with the publisher's codecs, {@code a=setup:actpass}, ICE-lite, everything in one BUNDLE group.
 * A re-offer keeps mids and payload types, turns m-lines of ended tracks inactive and reuses them for new tracks.
 * One instance per session; not thread-safe.
 */
public final class OfferBuilder {
    /** Feedback in the order browsers write it; the policy decides which are offered. */
    private static final List<RtcpFeedbackType> FEEDBACK_ORDER = List.of(RtcpFeedbackType.GOOG_REMB,
            RtcpFeedbackType.TRANSPORT_CC, RtcpFeedbackType.CCM_FIR, RtcpFeedbackType.NACK, RtcpFeedbackType.NACK_PLI);

    private final NegotiationPolicy policy;
    private final LocalTransport transport;
    private final LongSupplier sessionIds;

    /** Uses a random {@code o=} session id. */
    public OfferBuilder(NegotiationPolicy policy, LocalTransport transport) {
        this(policy, transport, () -> ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
    }

    /** Takes the {@code o=} session id from {@code sessionIds}. */
    public OfferBuilder(NegotiationPolicy policy, LocalTransport transport, LongSupplier sessionIds) {
        this.policy = policy;
        this.transport = transport;
        this.sessionIds = sessionIds;
    }

    /**
     * A first offer sending these tracks, mids {@code 0}, {@code 1}...
     *
     * @throws IllegalArgumentException when there is no track, or a track has no codec the policy forwards
     */
    public LocalOffer offer(List<OutgoingTrack> tracks) {
        if (tracks.isEmpty()) {
            throw new IllegalArgumentException("an offer needs at least one track");
        }
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < tracks.size(); i++) {
            slots.add(new Slot(Integer.toString(i), tracks.get(i).kind(), Optional.of(tracks.get(i)), List.of()));
        }
        return build(slots, new PayloadTypeAllocator(), sessionIds.getAsLong() & Long.MAX_VALUE, 1);
    }

    /**
     * The next offer of the same session: tracks already offered (same stream and track id) keep their m-line,
     * m-lines whose track is gone become inactive, new tracks take an inactive m-line of their kind or a new one.
     */
    public LocalOffer reoffer(LocalOffer previous, List<OutgoingTrack> tracks) {
        List<OutgoingTrack> remaining = new ArrayList<>(tracks);
        List<Slot> slots = new ArrayList<>();
        PayloadTypeAllocator allocator = new PayloadTypeAllocator();
        Set<String> mids = new HashSet<>();
        for (OfferedMedia media : previous.media()) {
            mids.add(media.mid());
            for (NegotiatedCodec codec : media.codecs()) {
                allocator.seed(codec.codec());
                codec.rtxPayloadType().ifPresent(
                        rtx -> allocator.seed(RtpCodec.rtx(rtx, codec.payloadType(), codec.codec().clockRate())));
            }
            Optional<OutgoingTrack> same = media.track().flatMap(old -> remaining.stream()
                    .filter(t -> t.msid().equals(old.msid()) && t.kind() == old.kind()).findFirst());
            same.ifPresent(remaining::remove);
            slots.add(new Slot(media.mid(), media.kind(), same, media.codecs()));
        }
        for (OutgoingTrack track : remaining) {
            int free = -1;
            for (int i = 0; i < slots.size(); i++) {
                if (slots.get(i).track().isEmpty() && slots.get(i).kind() == track.kind()) {
                    free = i;
                    break;
                }
            }
            if (free >= 0) {
                Slot old = slots.get(free);
                slots.set(free, new Slot(old.mid(), old.kind(), Optional.of(track), List.of()));
            } else {
                int next = 0;
                while (mids.contains(Integer.toString(next))) {
                    next++;
                }
                mids.add(Integer.toString(next));
                slots.add(new Slot(Integer.toString(next), track.kind(), Optional.of(track), List.of()));
            }
        }
        Origin origin = previous.description().origin();
        long version = Long.parseUnsignedLong(origin.sessionVersion()) + 1;
        return build(slots, allocator, Long.parseUnsignedLong(origin.sessionId()), version);
    }

    /** One m-line to write: a track, or an inactive m-line keeping its earlier codecs. */
    private record Slot(String mid, MediaKind kind, Optional<OutgoingTrack> track, List<NegotiatedCodec> codecs) {
    }

    private LocalOffer build(List<Slot> slots, PayloadTypeAllocator allocator, long sessionId, long version) {
        List<MediaDescription> media = new ArrayList<>();
        List<OfferedMedia> offered = new ArrayList<>();
        List<String> mids = new ArrayList<>();
        for (Slot slot : slots) {
            List<NegotiatedCodec> codecs = slot.track().isPresent() ? codecs(slot.track().get(), allocator)
                    : slot.codecs();
            if (codecs.isEmpty()) {
                throw new IllegalArgumentException("track " + slot.track().map(OutgoingTrack::msid).orElse(null)
                        + " has no codec the policy forwards");
            }
            Map<String, Integer> extensions = extensions(slot.kind());
            LocalMediaSection section = new LocalMediaSection(slot.kind().sdpName(), "UDP/TLS/RTP/SAVPF", slot.mid(),
                    transport).setup(SetupRole.ACTPASS).rtcpReducedSize(true)
                    .direction(slot.track().isPresent() ? Direction.SENDONLY : Direction.INACTIVE);
            extensions.forEach((uri, id) -> section.extMap(ExtMap.of(id, uri)));
            boolean rtx = false;
            for (NegotiatedCodec codec : codecs) {
                section.codec(codec.codec());
                if (codec.rtxPayloadType().isPresent()) {
                    rtx = true;
                    section.codec(RtpCodec.rtx(codec.rtxPayloadType().getAsInt(), codec.payloadType(),
                            codec.codec().clockRate()));
                }
            }
            boolean withRtx = rtx;
            slot.track().ifPresent(track -> section.track(track, withRtx));
            media.add(section.build());
            offered.add(new OfferedMedia(slot.mid(), slot.kind(), slot.track(), codecs, extensions));
            mids.add(slot.mid());
        }
        List<Attribute> session = List.of(Attribute.of("group", new Group(Group.BUNDLE, mids).toValue()),
                Attribute.of("msid-semantic", "WMS *"), Attribute.flag("ice-lite"));
        SessionDescription description = new SessionDescription(Origin.of(sessionId, version), "-", List.of(),
                List.of(Timing.PERMANENT), session, media);
        return new LocalOffer(description, offered);
    }

    /** The track's codecs the policy forwards, numbered for the whole offer, each video codec with RTX. */
    private List<NegotiatedCodec> codecs(OutgoingTrack track, PayloadTypeAllocator allocator) {
        List<NegotiatedCodec> out = new ArrayList<>();
        for (RtpCodec source : track.codecs()) {
            CodecType type = CodecType.of(source);
            if (type == null || !policy.codecs().contains(type)) {
                continue;
            }
            int pt = allocator.allocate(source);
            RtpCodec codec = source.withPayloadType(pt).withFeedback(feedback(track.kind()));
            OptionalInt rtx = OptionalInt.empty();
            if (policy.rtx() && track.kind() == MediaKind.VIDEO) {
                int rtxPt = allocator.allocate(RtpCodec.rtx(pt + 1 > 127 ? 96 : pt + 1, pt, source.clockRate())
                        .withParameters(Map.of("apt", Integer.toString(pt))));
                rtx = OptionalInt.of(rtxPt);
            }
            out.add(new NegotiatedCodec(codec, rtx, OptionalInt.of(source.payloadType())));
        }
        return out;
    }

    private List<RtcpFeedbackType> feedback(MediaKind kind) {
        List<RtcpFeedbackType> out = new ArrayList<>();
        for (RtcpFeedbackType fb : FEEDBACK_ORDER) {
            boolean forKind = kind == MediaKind.VIDEO || fb.equals(RtcpFeedbackType.TRANSPORT_CC);
            if (forKind && policy.supports(fb)) {
                out.add(fb);
            }
        }
        if (kind == MediaKind.VIDEO) {
            policy.rtcpFeedback().stream().filter(fb -> !FEEDBACK_ORDER.contains(fb))
                    .sorted(Comparator.comparing(RtcpFeedbackType::toValue)).forEach(out::add);
        }
        return out;
    }

    /** Policy extensions for a sending m-line, one id per URI across the offer (1..14, one-byte headers). */
    private Map<String, Integer> extensions(MediaKind kind) {
        Map<String, Integer> out = new LinkedHashMap<>();
        List<String> uris = policy.headerExtensions();
        for (int i = 0; i < uris.size(); i++) {
            String uri = uris.get(i);
            boolean ridExtension = uri.equals(ExtMap.RTP_STREAM_ID) || uri.equals(ExtMap.REPAIRED_RTP_STREAM_ID);
            boolean audioOnly = uri.equals(ExtMap.AUDIO_LEVEL);
            if (ridExtension || audioOnly && kind != MediaKind.AUDIO) {
                continue;
            }
            out.put(uri, i + 1);
        }
        return out;
    }

    /**
     * Reads the subscriber's answer to {@code offer} (RFC 3264 §6, RFC 8843 §7.3).
     *
     * @throws SdpException {@link SdpError#ANSWER_MISMATCH} when the answer does not fit the offer (other m-lines or
     *                      mids, codecs not offered, {@code a=setup:actpass}, a sending direction), or
     *                      {@link SdpError#UNACCEPTABLE} for missing ICE credentials, fingerprint or rtcp-mux
     */
    public NegotiatedSession acceptAnswer(LocalOffer offer, SessionDescription answer) throws SdpException {
        if (answer.media().size() != offer.media().size()) {
            throw mismatch("the answer has " + answer.media().size() + " m-lines, the offer " + offer.media().size());
        }
        List<NegotiatedMedia> negotiated = new ArrayList<>();
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < offer.media().size(); i++) {
            OfferedMedia ours = offer.media().get(i);
            MediaDescription theirs = answer.media().get(i);
            if (!theirs.mid().filter(ours.mid()::equals).isPresent()) {
                throw mismatch("m-line " + i + " has mid " + theirs.mid().orElse("(none)") + ", offered "
                        + ours.mid());
            }
            if (theirs.isRejected()) {
                negotiated.add(NegotiatedMedia.rejected(i, ours.mid(), ours.kind(), "rejected by the answerer"));
                continue;
            }
            if (!theirs.rtcpMux()) {
                throw new SdpException(SdpError.UNACCEPTABLE, "m-line mid " + ours.mid()
                        + " has no a=rtcp-mux; Lianmai requires RTP and RTCP on one port (RFC 5761)");
            }
            NegotiatedMedia media = readAnswered(i, ours, answer, theirs);
            negotiated.add(media);
            if (media.accepted()) {
                accepted.add(ours.mid());
            }
        }
        if (accepted.isEmpty()) {
            throw mismatch("the answer accepts no m-line");
        }
        Optional<Group> bundle = answer.bundleGroup();
        if (bundle.isEmpty() && accepted.size() > 1) {
            throw mismatch("the answer does not accept the BUNDLE group; Lianmai carries all media on one transport");
        }
        String taggedMid = bundle.flatMap(g -> g.mids().stream().filter(accepted::contains).findFirst())
                .orElse(accepted.get(0));
        MediaDescription tagged = answer.media(taggedMid).orElseThrow();
        RemoteTransport remote = RemoteTransport.read(answer, tagged, "the answer", SdpError.UNACCEPTABLE);
        if (remote.setup() == SetupRole.ACTPASS) {
            throw mismatch("an answer must choose a=setup:active or passive, not actpass (RFC 5763 §5)");
        }
        SetupRole localSetup = remote.setup() == SetupRole.ACTIVE ? SetupRole.PASSIVE : SetupRole.ACTIVE;
        return new NegotiatedSession(negotiated, taggedMid, remote.ice(), remote.iceOptions(), remote.fingerprints(),
                remote.setup(), localSetup, false, remote.candidates());
    }

    private NegotiatedMedia readAnswered(int index, OfferedMedia ours, SessionDescription answer,
            MediaDescription theirs) throws SdpException {
        Direction answered = answer.direction(theirs);
        if (answered.sends()) {
            throw mismatch("m-line mid " + ours.mid() + " is answered " + answered.sdpName()
                    + " but the server only sends on it (RFC 3264 §6.1)");
        }
        boolean offeredSend = ours.track().isPresent();
        Direction local = offeredSend && answered.receives() ? Direction.SENDONLY : Direction.INACTIVE;

        List<NegotiatedCodec> codecs = new ArrayList<>();
        for (RtpCodec codec : theirs.codecs()) {
            if (codec.isRtx()) {
                continue;
            }
            NegotiatedCodec offered = ours.codecs().stream().filter(c -> c.payloadType() == codec.payloadType())
                    .findFirst().orElseThrow(() -> mismatch("m-line mid " + ours.mid() + " answers payload type "
                            + codec.payloadType() + " (" + codec.name() + ") that was not offered"));
            if (!offered.codec().name().equalsIgnoreCase(codec.name())) {
                throw mismatch("m-line mid " + ours.mid() + " maps payload type " + codec.payloadType() + " to "
                        + codec.name() + ", offered as " + offered.codec().name());
            }
            List<RtcpFeedbackType> feedback = codec.feedback().stream()
                    .filter(fb -> offered.codec().feedback().stream().anyMatch(fb::sameAs)).toList();
            OptionalInt offeredRtx = offered.rtxPayloadType();
            boolean rtxKept = offeredRtx.isPresent() && theirs.codecs().stream()
                    .anyMatch(c -> c.isRtx() && c.payloadType() == offeredRtx.getAsInt());
            OptionalInt rtx = rtxKept ? offeredRtx : OptionalInt.empty();
            codecs.add(new NegotiatedCodec(offered.codec().withFeedback(feedback), rtx, offered.sourcePayloadType()));
        }
        if (codecs.isEmpty()) {
            return NegotiatedMedia.rejected(index, ours.mid(), ours.kind(), "the answer keeps no offered codec");
        }
        Map<String, Integer> extensions = new LinkedHashMap<>();
        for (ExtMap extMap : theirs.extMaps()) {
            Integer id = ours.headerExtensions().get(extMap.uri());
            if (id != null && id == extMap.id()) {
                extensions.put(extMap.uri(), id);
            }
        }
        return new NegotiatedMedia(index, ours.mid(), ours.kind(), local, codecs, extensions,
                theirs.rtcpReducedSize(), RemoteTransport.sources(theirs, List.of(), List.of()),
                local == Direction.SENDONLY ? ours.track() : Optional.empty(), Optional.empty());
    }

    private static SdpException mismatch(String detail) {
        return new SdpException(SdpError.ANSWER_MISMATCH, detail);
    }
}

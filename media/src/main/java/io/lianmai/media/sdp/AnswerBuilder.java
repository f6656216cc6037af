package io.lianmai.media.sdp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Answers a remote offer as the SFU (RFC 8829 §5.3 subset): ICE-lite, {@code a=setup:passive}, one BUNDLE transport
 * tagged by the offer's first accepted mid, rtcp-mux required. m-lines the SFU cannot serve (data channels, no
 * common codec, not bundled) are rejected with port 0, keeping order and mids.
 *
 * <p>A publisher's m-lines (offer {@code sendonly}) are answered {@code recvonly} with the accepted simulcast rids; a
 * player's m-lines (offer {@code recvonly}) are answered {@code sendonly} with the given tracks, only their codecs,
 * and the SFU's SSRCs, CNAME and msid. One instance per session: it holds that session's transport. Not
 * thread-safe, and needs no thread of its own.
 */
public final class AnswerBuilder {
    private final NegotiationPolicy policy;
    private final LocalTransport transport;
    private final LongSupplier sessionIds;
    private final CodecNegotiator negotiator;

    /** Uses a random {@code o=} session id. */
    public AnswerBuilder(NegotiationPolicy policy, LocalTransport transport) {
        this(policy, transport, () -> ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
    }

    /** Takes {@code o=} session ids from {@code sessionIds} (tests use a fixed one). */
    public AnswerBuilder(NegotiationPolicy policy, LocalTransport transport, LongSupplier sessionIds) {
        this.policy = policy;
        this.transport = transport;
        this.sessionIds = sessionIds;
        this.negotiator = new CodecNegotiator(policy);
    }

    /**
     * Answers a publisher (WHIP, or the SDK's publishing connection): every m-line the offer sends on (sendonly, or
     * sendrecv) is received; recvonly and inactive ones are answered inactive.
     *
     * @throws SdpException {@link SdpError#UNACCEPTABLE} with the reason (no rtcp-mux, no ICE credentials or
     *                      fingerprint, no BUNDLE for several m-lines, nothing servable)
     */
    public LocalAnswer answerPublish(SessionDescription offer) throws SdpException {
        return answer(offer, List.of(), true);
    }

    /**
     * Answers a player (WHEP, or the SDK's subscribing connection): m-lines the offer receives on (recvonly, or
     * sendrecv) get the next track of their kind from {@code tracks}, in order; with no track left they are answered
     * inactive. sendonly m-lines in the same offer are received as in {@link #answerPublish}.
     *
     * @throws SdpException as {@link #answerPublish}
     */
    public LocalAnswer answerSubscribe(SessionDescription offer, List<OutgoingTrack> tracks) throws SdpException {
        return answer(offer, tracks, false);
    }

    /** The decision for one offered m-line. */
    private record Plan(MediaDescription offered, String mid, Direction direction, List<NegotiatedCodec> codecs,
            List<ExtMap> extMaps, List<Rid> answerRids, Optional<Simulcast> answerSimulcast, List<Rid> remoteRids,
            List<List<SimulcastStream>> layers, Optional<OutgoingTrack> track, String rejection) {

        static Plan rejected(MediaDescription offered, String reason) {
            return new Plan(offered, offered.mid().orElse(""), Direction.INACTIVE, List.of(), List.of(), List.of(),
                    Optional.empty(), List.of(), List.of(), Optional.empty(), reason);
        }

        boolean accepted() {
            return rejection == null;
        }

        Plan withExtMaps(List<ExtMap> kept) {
            return new Plan(offered, mid, direction, codecs, kept, answerRids, answerSimulcast, remoteRids, layers,
                    track, rejection);
        }
    }

    private LocalAnswer answer(SessionDescription offer, List<OutgoingTrack> tracks, boolean publishIntent)
            throws SdpException {
        if (offer.media().isEmpty()) {
            throw unacceptable("the offer has no m-lines");
        }
        checkMids(offer);
        Optional<Group> bundle = offer.bundleGroup();
        List<OutgoingTrack> available = new ArrayList<>(tracks);
        List<Plan> plans = new ArrayList<>();
        for (MediaDescription m : offer.media()) {
            plans.add(plan(offer, m, bundle, available, publishIntent));
        }

        oneIdPerExtension(plans, offeredIds(offer));
        List<Plan> accepted = plans.stream().filter(Plan::accepted).toList();
        if (accepted.isEmpty()) {
            StringBuilder reasons = new StringBuilder();
            for (Plan plan : plans) {
                reasons.append(reasons.length() == 0 ? "" : "; ").append("mid ").append(plan.mid()).append(": ")
                        .append(plan.rejection());
            }
            throw unacceptable("nothing in the offer can be served (" + reasons + ")");
        }
        if (bundle.isEmpty() && accepted.size() > 1) {
            throw unacceptable("the offer has " + accepted.size() + " media sections but no a=group:BUNDLE; "
                    + "Lianmai carries all media of a session on one transport (RFC 8843)");
        }
        List<String> bundleMids = new ArrayList<>();
        if (bundle.isPresent()) {
            for (String mid : bundle.get().mids()) {
                if (accepted.stream().anyMatch(p -> p.mid().equals(mid))) {
                    bundleMids.add(mid);
                }
            }
        }
        String taggedMid = bundleMids.isEmpty() ? accepted.get(0).mid() : bundleMids.get(0);
        MediaDescription tagged = offer.media(taggedMid).orElseThrow();
        RemoteTransport remote = RemoteTransport.read(offer, tagged, "the offer", SdpError.UNACCEPTABLE);
        SetupRole localSetup = remote.setup() == SetupRole.PASSIVE ? SetupRole.ACTIVE : SetupRole.PASSIVE;
        boolean allowMixed = policy.extmapAllowMixed() && offer.extmapAllowMixed();

        List<MediaDescription> answerMedia = new ArrayList<>();
        List<NegotiatedMedia> negotiated = new ArrayList<>();
        boolean sending = false;
        for (int i = 0; i < plans.size(); i++) {
            Plan plan = plans.get(i);
            MediaDescription m = plan.offered();
            if (!plan.accepted()) {
                answerMedia.add(LocalMediaSection.rejected(m));
                negotiated.add(NegotiatedMedia.rejected(i, plan.mid(), m.kind(), plan.rejection()));
                continue;
            }
            sending |= plan.track().isPresent();
            answerMedia.add(write(plan, localSetup));
            Map<String, Integer> extensionIds = new LinkedHashMap<>();
            for (ExtMap extMap : plan.extMaps()) {
                extensionIds.put(extMap.uri(), extMap.id());
            }
            negotiated.add(new NegotiatedMedia(i, plan.mid(), m.kind(), plan.direction(), plan.codecs(),
                    extensionIds, m.rtcpReducedSize(),
                    RemoteTransport.sources(m, plan.remoteRids(), plan.layers()), plan.track(), Optional.empty()));
        }

        List<Attribute> session = new ArrayList<>();
        if (bundle.isPresent()) {
            session.add(Attribute.of("group", new Group(Group.BUNDLE, bundleMids).toValue()));
        }
        if (allowMixed) {
            session.add(Attribute.flag("extmap-allow-mixed"));
        }
        if (sending) {
            session.add(Attribute.of("msid-semantic", "WMS *"));
        }
        session.add(Attribute.flag("ice-lite"));
        SessionDescription description = new SessionDescription(Origin.of(sessionIds.getAsLong() & Long.MAX_VALUE, 1),
                "-", List.of(), List.of(Timing.PERMANENT), session, answerMedia);
        NegotiatedSession result = new NegotiatedSession(negotiated, taggedMid, remote.ice(), remote.iceOptions(),
                remote.fingerprints(), remote.setup(), localSetup, allowMixed, remote.candidates());
        return new LocalAnswer(description, result);
    }

    private static void checkMids(SessionDescription offer) throws SdpException {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < offer.media().size(); i++) {
            MediaDescription m = offer.media().get(i);
            Optional<String> mid = m.mid();
            if (mid.isEmpty()) {
                if (m.isRejected()) {
                    continue;
                }
                throw unacceptable("m-line " + i + " (" + m.media() + ") has no a=mid; "
                        + "Lianmai needs mids to bundle media (RFC 8843, RFC 8829 §5.2.1)");
            }
            if (!seen.add(mid.get())) {
                throw unacceptable("two m-lines have mid " + mid.get() + " (RFC 5888 §4 needs them unique)");
            }
        }
    }

    private Plan plan(SessionDescription offer, MediaDescription m, Optional<Group> bundle,
            List<OutgoingTrack> available, boolean publishIntent) throws SdpException {
        if (m.isRejected()) {
            return Plan.rejected(m, "rejected by the offerer (port 0)");
        }
        MediaKind kind = m.kind();
        if (kind == MediaKind.APPLICATION) {
            return Plan.rejected(m, "data channels are not supported yet");
        }
        if (!kind.isRtp()) {
            return Plan.rejected(m, "media type \"" + m.media() + "\" is not supported");
        }
        if (!isSecureRtp(m.proto())) {
            return Plan.rejected(m, "protocol " + m.proto() + " is not DTLS-SRTP (UDP/TLS/RTP/SAVPF)");
        }
        String mid = m.mid().orElseThrow();
        if (bundle.isPresent() && !bundle.get().mids().contains(mid)) {
            return Plan.rejected(m, "not in the offer's BUNDLE group");
        }
        if (!m.rtcpMux()) {
            throw unacceptable("m-line mid " + mid + " (" + m.media() + ") has no a=rtcp-mux; Lianmai requires "
                    + "RTP and RTCP on one port (RFC 5761, RFC 8829 §4.1.1 rtcpMuxPolicy require)");
        }
        Direction offered = offer.direction(m);
        boolean receive = offered == Direction.SENDONLY || offered == Direction.SENDRECV && publishIntent;
        boolean send = offered == Direction.RECVONLY || offered == Direction.SENDRECV && !publishIntent;
        List<RtpCodec> offeredCodecs = m.codecs();

        if (send) {
            for (int t = 0; t < available.size(); t++) {
                OutgoingTrack track = available.get(t);
                if (track.kind() != kind) {
                    continue;
                }
                List<NegotiatedCodec> codecs = negotiator.negotiateSend(offeredCodecs, track.codecs());
                if (codecs.isEmpty()) {
                    return Plan.rejected(m, "no codec in common with the published track (it sends "
                            + describe(track.codecs()) + "; offered " + describe(offeredCodecs) + ")");
                }
                available.remove(t);
                List<ExtMap> extMaps = extensions(m, Direction.SENDONLY);
                return new Plan(m, mid, Direction.SENDONLY, codecs, extMaps, List.of(), Optional.empty(), List.of(),
                        List.of(), Optional.of(track), null);
            }
        }
        List<NegotiatedCodec> codecs = negotiator.negotiateReceive(kind, offeredCodecs);
        if (codecs.isEmpty()) {
            return Plan.rejected(m, "no common codec (offered " + describe(offeredCodecs) + "; Lianmai takes "
                    + policy.codecs() + ", H.264 only with packetization-mode=1)");
        }
        Direction local = receive ? Direction.RECVONLY : Direction.INACTIVE;
        List<ExtMap> extMaps = extensions(m, local);
        if (!receive) {
            return new Plan(m, mid, local, codecs, extMaps, List.of(), Optional.empty(), List.of(), List.of(),
                    Optional.empty(), null);
        }
        return simulcastPlan(m, mid, codecs, extMaps);
    }

    /** Accepts the offer's send rids and simulcast streams (RFC 8853 §5.3), up to the policy's layer count. */
    private Plan simulcastPlan(MediaDescription m, String mid, List<NegotiatedCodec> codecs, List<ExtMap> extMaps) {
        Map<String, Rid> offeredRids = new LinkedHashMap<>();
        for (Rid rid : m.rids()) {
            if (rid.direction() == RidDirection.SEND) {
                offeredRids.putIfAbsent(rid.id(), rid);
            }
        }
        Set<Integer> payloadTypes = new HashSet<>();
        for (NegotiatedCodec codec : codecs) {
            payloadTypes.add(codec.payloadType());
            codec.rtxPayloadType().ifPresent(payloadTypes::add);
        }
        // A rid restricted to payload types we did not accept cannot be sent.
        offeredRids.values().removeIf(rid -> !rid.payloadTypes().isEmpty()
                && rid.payloadTypes().stream().noneMatch(payloadTypes::contains));

        List<List<SimulcastStream>> layers = new ArrayList<>();
        Set<String> acceptedIds = new LinkedHashSet<>();
        Optional<Simulcast> simulcast = m.simulcast().filter(s -> !s.send().isEmpty());
        if (simulcast.isPresent()) {
            for (List<SimulcastStream> stream : simulcast.get().send()) {
                List<SimulcastStream> alternatives = stream.stream()
                        .filter(s -> offeredRids.containsKey(s.rid()) && !acceptedIds.contains(s.rid())).toList();
                if (alternatives.isEmpty() || layers.size() == policy.maxSimulcastLayers()) {
                    continue;
                }
                layers.add(alternatives);
                alternatives.forEach(s -> acceptedIds.add(s.rid()));
            }
        } else {
            offeredRids.keySet().stream().limit(policy.maxSimulcastLayers()).forEach(acceptedIds::add);
        }
        List<Rid> remoteRids = new ArrayList<>();
        List<Rid> answerRids = new ArrayList<>();
        for (String id : acceptedIds) {
            Rid rid = offeredRids.get(id);
            remoteRids.add(rid);
            List<Integer> pts = rid.payloadTypes().stream().filter(payloadTypes::contains).toList();
            answerRids.add(new Rid(id, RidDirection.RECV, pts, Map.of()));
        }
        Optional<Simulcast> answer = layers.isEmpty() ? Optional.empty()
                : Optional.of(new Simulcast(List.of(), layers));
        return new Plan(m, mid, Direction.RECVONLY, codecs, extMaps, answerRids, answer, remoteRids, layers,
                Optional.empty(), null);
    }

    /**
     * Keeps each extmap id meaning one extension across the bundle (RFC 8843 §9.1.2, RFC 8285): all bundled m-lines
     * share one RTP session, and receivers such as aiortc keep one id map for the whole transport. An offer that uses
     * one id for two URIs in two m-lines (aiortc: 2 = ssrc-audio-level in audio, abs-send-time in video) is answered
     * so that nothing is ever sent with an id the receiver reads as another extension. The first m-line to use an id
     * keeps it. In a later m-line the conflicting extension moves to an id no m-line of the offer or answer uses:
     * aiortc takes the answer's ids for what it receives and what it sends (its {@code find_common_header_extensions}
     * keeps the remote side's, and each sender writes with those), so an aiortc viewer gets the abs-send-time its
     * REMB needs and an aiortc publisher sends the abs-send-time the server's estimate of its uplink needs. An
     * offerer that kept its offer's id would send nothing with the new one (nor would the server send it anything the
     * offerer reads wrongly): the same as leaving the extension out.
     *
     * @param offeredIds every extmap id the offer uses, in any m-line
     */
    private static void oneIdPerExtension(List<Plan> plans, Set<Integer> offeredIds) {
        Set<Integer> taken = new HashSet<>(offeredIds);
        Map<Integer, String> kept = new HashMap<>();
        for (int i = 0; i < plans.size(); i++) {
            Plan plan = plans.get(i);
            if (!plan.accepted()) {
                continue;
            }
            List<ExtMap> answered = new ArrayList<>();
            for (ExtMap extMap : plan.extMaps()) {
                String owner = kept.putIfAbsent(extMap.id(), extMap.uri());
                if (owner == null || owner.equals(extMap.uri())) {
                    answered.add(extMap);
                } else {
                    int free = freeId(taken);
                    if (free > 0) {
                        taken.add(free);
                        kept.put(free, extMap.uri());
                        answered.add(new ExtMap(free, extMap.direction(), extMap.uri(), extMap.attributes()));
                    }
                }
            }
            if (!answered.equals(plan.extMaps())) {
                plans.set(i, plan.withExtMaps(answered));
            }
        }
    }

    /** The lowest one-byte id (1..14, RFC 8285 §4.2) not in {@code taken}, or 0. */
    private static int freeId(Set<Integer> taken) {
        for (int id = 1; id <= NegotiationPolicy.MAX_HEADER_EXTENSIONS; id++) {
            if (!taken.contains(id)) {
                return id;
            }
        }
        return 0;
    }

    private static Set<Integer> offeredIds(SessionDescription offer) {
        Set<Integer> ids = new HashSet<>();
        for (MediaDescription m : offer.media()) {
            m.extMaps().forEach(extMap -> ids.add(extMap.id()));
        }
        return ids;
    }

    /**
     * The offered header extensions the SFU handles, with the offer's ids (RFC 8285 §7). The rid extensions only
     * matter where the SFU receives simulcast. A direction on the offer's extmap is mirrored.
     */
    private List<ExtMap> extensions(MediaDescription m, Direction local) {
        List<ExtMap> out = new ArrayList<>();
        Set<String> uris = new HashSet<>();
        for (ExtMap offered : m.extMaps()) {
            String uri = offered.uri();
            if (!policy.supportsExtension(uri) || offered.id() > 255 || uris.contains(uri)) {
                continue;
            }
            boolean ridExtension = uri.equals(ExtMap.RTP_STREAM_ID) || uri.equals(ExtMap.REPAIRED_RTP_STREAM_ID);
            if (ridExtension && local == Direction.SENDONLY) {
                continue;
            }
            Direction direction = null;
            if (offered.direction() != null && local != Direction.INACTIVE) {
                boolean weReceive = local.receives() && offered.direction().sends();
                boolean weSend = local.sends() && offered.direction().receives();
                if (!weReceive && !weSend) {
                    continue;
                }
                direction = Direction.of(weSend, weReceive);
            }
            uris.add(uri);
            out.add(new ExtMap(offered.id(), direction, uri, ""));
        }
        return out;
    }

    private MediaDescription write(Plan plan, SetupRole localSetup) {
        MediaDescription m = plan.offered();
        LocalMediaSection section = new LocalMediaSection(m.media(), m.proto(), plan.mid(), transport)
                .setup(localSetup).direction(plan.direction()).rtcpReducedSize(m.rtcpReducedSize())
                .rtcpXrReceiverRtt(m.rtcpXrReceiverRtt());
        plan.extMaps().forEach(section::extMap);
        List<RtpCodec> offered = m.codecs();
        for (NegotiatedCodec codec : plan.codecs()) {
            section.codec(codec.codec());
            if (codec.rtxPayloadType().isPresent()) {
                section.codec(CodecNegotiator.rtxCodec(codec, offered));
            }
        }
        plan.answerRids().forEach(section::rid);
        plan.answerSimulcast().ifPresent(section::simulcast);
        plan.track().ifPresent(track -> section.track(track,
                plan.codecs().stream().anyMatch(c -> c.rtxPayloadType().isPresent())));
        return section.build();
    }

    static boolean isSecureRtp(String proto) {
        String upper = proto.toUpperCase(Locale.ROOT);
        return upper.contains("RTP/") && (upper.endsWith("/SAVPF") || upper.endsWith("/SAVP"));
    }

    static String describe(List<RtpCodec> codecs) {
        Set<String> names = new LinkedHashSet<>();
        for (RtpCodec codec : codecs) {
            if (!codec.isRtx()) {
                String name = codec.name() + "/" + codec.clockRate();
                if (codec.is("H264")) {
                    name += " " + codec.parameter("profile-level-id").orElse("(no profile-level-id)")
                            + " pm=" + codec.parameter("packetization-mode").orElse("0");
                }
                names.add(name);
            }
        }
        return names.isEmpty() ? "nothing" : String.join(", ", names);
    }

    private static SdpException unacceptable(String detail) {
        return new SdpException(SdpError.UNACCEPTABLE, detail);
    }
}

package io.lianmai.media.sdp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators of valid models, built from the typed records so that every interpreted attribute is well-formed. */
final class SdpArbitraries {
    private SdpArbitraries() {
    }

    static Arbitrary<String> word() {
        return Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars("-_")
                .ofMinLength(1).ofMaxLength(12);
    }

    /** Line text: printable ASCII, tab and some non-ASCII. */
    static Arbitrary<String> text() {
        return Arbitraries.strings().withCharRange(' ', '~').withChars("\téü中😀").ofMaxLength(30);
    }

    static Arbitrary<String> ridId() {
        return Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars("-_").ofMinLength(1)
                .ofMaxLength(8);
    }

    static Arbitrary<Map<String, String>> parameters() {
        Arbitrary<String> key = Arbitraries.strings().withCharRange('a', 'z').withChars("-/0").ofMinLength(1)
                .ofMaxLength(10);
        Arbitrary<String> value = Arbitraries.strings().withCharRange('!', '~').withChars(" ")
                .ofMaxLength(10).map(String::strip).filter(v -> v.indexOf(';') < 0);
        return Arbitraries.maps(key, value).ofMaxSize(4).map(LinkedHashMap::new);
    }

    static Arbitrary<RtcpFeedbackType> feedback() {
        return Arbitraries.of(RtcpFeedbackType.NACK, RtcpFeedbackType.NACK_PLI, RtcpFeedbackType.CCM_FIR,
                RtcpFeedbackType.GOOG_REMB,
                RtcpFeedbackType.TRANSPORT_CC, new RtcpFeedbackType("x-fb", "a b"));
    }

    static Arbitrary<RtpCodec> codec(int payloadType) {
        Arbitrary<String> name = Arbitraries.of("opus", "VP8", "H264", "VP9", "AV1", "rtx", "red", "x-codec");
        return Combinators.combine(name, Arbitraries.of(8000, 48000, 90000), Arbitraries.integers().between(0, 8),
                parameters(), feedback().list().ofMaxSize(3))
                .as((n, clock, channels, params, fbs) -> new RtpCodec(payloadType, n, clock, channels, params, fbs));
    }

    static Arbitrary<Rid> rid() {
        return Combinators.combine(ridId(), Arbitraries.of(RidDirection.class),
                Arbitraries.integers().between(0, 127).list().ofMaxSize(3),
                Arbitraries.of(Map.<String, String>of(), Map.of("max-width", "1280"), Map.of("max-fps", "30")))
                .as(Rid::new);
    }

    static Arbitrary<Simulcast> simulcast() {
        Arbitrary<List<SimulcastStream>> stream = Combinators.combine(ridId(), Arbitraries.of(true, false))
                .as(SimulcastStream::new).list().ofMinSize(1).ofMaxSize(2);
        Arbitrary<List<List<SimulcastStream>>> list = stream.list().ofMaxSize(3);
        return Combinators.combine(list, list).as((send, recv) -> send.isEmpty() && recv.isEmpty()
                ? new Simulcast(List.of(List.of(new SimulcastStream("a", false))), recv) : new Simulcast(send, recv));
    }

    static Arbitrary<ExtMap> extMap() {
        return Combinators.combine(Arbitraries.integers().between(1, 255),
                Arbitraries.of(Direction.SENDONLY, Direction.RECVONLY, Direction.SENDRECV, Direction.INACTIVE)
                        .injectNull(0.6),
                Arbitraries.of(ExtMap.MID, ExtMap.ABS_SEND_TIME, "urn:x:" + "y"), Arbitraries.of("", "attr"))
                .as(ExtMap::new);
    }

    static Arbitrary<Attribute> unknownAttribute() {
        return Combinators.combine(word(), text().injectNull(0.3)).as((n, v) -> new Attribute("x-" + n, v));
    }

    static Arbitrary<Attribute> mediaAttribute() {
        long maxSsrc = 0xFFFF_FFFFL;
        return Arbitraries.oneOf(
                unknownAttribute(),
                word().map(w -> Attribute.of("mid", w)),
                Arbitraries.of(Direction.class).map(d -> Attribute.flag(d.sdpName())),
                Arbitraries.of("rtcp-mux", "rtcp-rsize", "end-of-candidates", "bundle-only", "extmap-allow-mixed")
                        .map(Attribute::flag),
                word().map(w -> Attribute.of("ice-ufrag", w)),
                Arbitraries.of(SetupRole.class).map(r -> Attribute.of("setup", r.sdpName())),
                Arbitraries.of("sha-256 0A:FF", "sha-1 01:02:03").map(f -> Attribute.of("fingerprint", f)),
                Arbitraries.integers().between(1, 65535)
                        .map(port -> Attribute.of("candidate", "1 1 udp 2130706431 192.0.2.1 " + port + " typ host")),
                extMap().map(e -> Attribute.of("extmap", e.toValue())),
                Combinators.combine(Arbitraries.longs().between(0, maxSsrc), word(), text().injectNull(0.2))
                        .as((ssrc, name, value) -> Attribute.of("ssrc",
                                new SsrcAttribute(ssrc, name, value).toValue())),
                Arbitraries.longs().between(0, maxSsrc).list().ofMinSize(1).ofMaxSize(3)
                        .map(ssrcs -> Attribute.of("ssrc-group", new SsrcGroup("FID", ssrcs).toValue())),
                Combinators.combine(word(), Arbitraries.of("", "track")).as(Msid::new)
                        .map(m -> Attribute.of("msid", m.toValue())),
                rid().map(r -> Attribute.of("rid", r.toValue())),
                simulcast().map(s -> Attribute.of("simulcast", s.toValue())));
    }

    static Arbitrary<MediaDescription> media() {
        Arbitrary<List<Integer>> pts = Arbitraries.integers().between(0, 127).set().ofMinSize(1).ofMaxSize(4)
                .map(ArrayList::new);
        Arbitrary<SdpField> field = Arbitraries.oneOf(text().map(t -> new SdpField('i', t)),
                Arbitraries.of("IN IP4 0.0.0.0", "IN IP6 ::1").map(c -> new SdpField('c', c)),
                Arbitraries.integers().between(0, 100000).map(b -> new SdpField('b', "AS:" + b)));
        return Combinators.combine(Arbitraries.of("audio", "video", "application", "text"),
                Arbitraries.integers().between(0, 65535), Arbitraries.of(0, 2), Arbitraries.of(true, false), pts,
                field.list().ofMaxSize(3), mediaAttribute().list().ofMaxSize(8))
                .flatAs((media, port, count, rtp, payloadTypes, fields, attributes) -> {
                    if (!rtp) {
                        return Arbitraries.just(new MediaDescription(media, port, count, "UDP/DTLS/SCTP",
                                List.of("webrtc-datachannel"), fields, attributes));
                    }
                    List<Arbitrary<RtpCodec>> codecs = payloadTypes.stream().map(SdpArbitraries::codec).toList();
                    return Combinators.combine(codecs).as(list -> {
                        List<Attribute> all = new ArrayList<>(attributes);
                        list.forEach(c -> all.addAll(c.toAttributes()));
                        return new MediaDescription(media, port, count, "UDP/TLS/RTP/SAVPF",
                                payloadTypes.stream().map(String::valueOf).toList(), fields, all);
                    });
                });
    }

    static Arbitrary<SessionDescription> session() {
        Arbitrary<Origin> origin = Combinators.combine(word(), Arbitraries.longs().greaterOrEqual(0),
                Arbitraries.longs().between(0, 1000), Arbitraries.of("IP4", "IP6"))
                .as((user, id, version, type) -> new Origin(user, Long.toString(id), Long.toString(version), "IN",
                        type, "127.0.0.1"));
        Arbitrary<SdpField> field = Combinators.combine(Arbitraries.of('i', 'u', 'e', 'p', 'z', 'k'), text())
                .as(SdpField::new);
        Arbitrary<Timing> timing = Combinators.combine(Arbitraries.longs().between(0, 4_000_000_000L),
                Arbitraries.longs().between(0, 4_000_000_000L), text().list().ofMaxSize(2)).as(Timing::new);
        Arbitrary<Attribute> sessionAttribute = Arbitraries.oneOf(unknownAttribute(),
                word().list().ofMaxSize(3).map(mids -> Attribute.of("group", new Group("BUNDLE", mids).toValue())),
                Arbitraries.of("ice-lite", "extmap-allow-mixed", "sendrecv").map(Attribute::flag),
                Arbitraries.of("trickle", "ice2,trickle").map(o -> Attribute.of("ice-options", o)));
        return Combinators.combine(origin, text(), field.list().ofMaxSize(3), timing.list().ofMinSize(1).ofMaxSize(2),
                sessionAttribute.list().ofMaxSize(5), media().list().ofMaxSize(4)).as(SessionDescription::new);
    }
}

package io.lianmai.media.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Writing a model and parsing it back gives the same model; the typed values survive their own text form. */
class SdpRoundTripTest {

    @Property(tries = 1000)
    void parseOfWriteIsIdentity(@ForAll("sessions") SessionDescription sdp) throws SdpException {
        String text = sdp.write();
        SessionDescription back = SessionDescription.parse(text);
        assertThat(back).isEqualTo(sdp);
        assertThat(back.write()).isEqualTo(text);
        assertThat(SessionDescription.parse(text.replace("\r\n", "\n"))).isEqualTo(sdp);
    }

    @Property(tries = 500)
    void codecsSurviveTheirAttributes(@ForAll("codecLists") List<RtpCodec> codecs) {
        List<Attribute> attributes = new ArrayList<>();
        codecs.forEach(c -> attributes.addAll(c.toAttributes()));
        MediaDescription m = new MediaDescription("video", 9, 0, "UDP/TLS/RTP/SAVPF",
                codecs.stream().map(c -> Integer.toString(c.payloadType())).toList(), List.of(), attributes);
        assertThat(m.codecs()).isEqualTo(codecs);
    }

    @Property(tries = 500)
    void typedAttributesSurviveTheirText(@ForAll("rids") Rid rid, @ForAll("simulcasts") Simulcast simulcast,
            @ForAll("extMaps") ExtMap extMap) throws SdpException {
        assertThat(Rid.parse(rid.toValue())).isEqualTo(rid);
        assertThat(Simulcast.parse(simulcast.toValue())).isEqualTo(simulcast);
        assertThat(ExtMap.parse(extMap.toValue())).isEqualTo(extMap);
    }

    @Provide
    Arbitrary<SessionDescription> sessions() {
        return SdpArbitraries.session();
    }

    @Provide
    Arbitrary<List<RtpCodec>> codecLists() {
        return Arbitraries.integers().between(0, 127).set().ofMinSize(1).ofMaxSize(5)
                .flatMap(pts -> net.jqwik.api.Combinators.combine(pts.stream().map(SdpArbitraries::codec).toList())
                        .as(list -> list));
    }

    @Provide
    Arbitrary<Rid> rids() {
        return SdpArbitraries.rid();
    }

    @Provide
    Arbitrary<Simulcast> simulcasts() {
        return SdpArbitraries.simulcast();
    }

    @Provide
    Arbitrary<ExtMap> extMaps() {
        return SdpArbitraries.extMap();
    }
}

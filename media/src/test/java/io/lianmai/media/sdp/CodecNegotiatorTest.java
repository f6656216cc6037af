package io.lianmai.media.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CodecNegotiatorTest {
    private final CodecNegotiator negotiator = new CodecNegotiator(NegotiationPolicy.defaults());

    static RtpCodec h264(int pt, String profileLevelId, String packetizationMode) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("level-asymmetry-allowed", "1");
        if (packetizationMode != null) {
            parameters.put("packetization-mode", packetizationMode);
        }
        if (profileLevelId != null) {
            parameters.put("profile-level-id", profileLevelId);
        }
        return new RtpCodec(pt, "H264", 90000, 0, parameters,
                List.of(RtcpFeedbackType.NACK, RtcpFeedbackType.NACK_PLI));
    }

    private List<NegotiatedCodec> receiveVideo(RtpCodec... offered) {
        List<RtpCodec> all = new ArrayList<>(List.of(offered));
        for (RtpCodec codec : offered) {
            all.add(RtpCodec.rtx(codec.payloadType() == 127 ? 35 : codec.payloadType() + 1, codec.payloadType(), 90000));
        }
        return new CodecNegotiator(NegotiationPolicy.defaults().withCodecs(List.of(CodecType.H264)))
                .negotiateReceive(MediaKind.VIDEO, all);
    }

    @Test
    void prefersConstrainedBaselineAmongSeveralH264() {
        List<NegotiatedCodec> chosen = receiveVideo(h264(102, "42001f", "1"), h264(104, "4d001f", "1"),
                h264(106, "42e01f", "1"), h264(108, "640c1f", "1"));
        assertThat(chosen).singleElement().satisfies(c -> {
            assertThat(c.payloadType()).isEqualTo(106);
            assertThat(c.codec().parameter("profile-level-id")).contains("42e01f");
            assertThat(c.rtxPayloadType()).hasValue(107);
        });
    }

    @Test
    void takesTheNextProfileInPolicyOrderWhenNoConstrainedBaselineIsOffered() {
        assertThat(receiveVideo(h264(112, "640c1f", "1"), h264(127, "4d001f", "1"), h264(102, "42001f", "1")))
                .extracting(NegotiatedCodec::payloadType).containsExactly(102);
        assertThat(receiveVideo(h264(112, "640c1f", "1"), h264(127, "4d001f", "1")))
                .extracting(NegotiatedCodec::payloadType).containsExactly(127);
    }

    @Test
    void packetizationModeZeroIsRejected() {
        assertThat(receiveVideo(h264(108, "42e01f", "0"), h264(97, "42e01f", null))).isEmpty();
        assertThat(receiveVideo(h264(108, "42e01f", "0"), h264(106, "42e01f", "1")))
                .extracting(NegotiatedCodec::payloadType).containsExactly(106);
    }

    @Test
    void constrainedBaselineOnlyPolicyRefusesOtherProfiles() {
        CodecNegotiator strict = new CodecNegotiator(NegotiationPolicy.defaults().withCodecs(List.of(CodecType.H264))
                .withH264Profiles(List.of(H264Profile.CONSTRAINED_BASELINE)));
        assertThat(strict.negotiateReceive(MediaKind.VIDEO,
                List.of(h264(102, "42001f", "1"), h264(112, "640c1f", "1"), h264(127, "4d001f", "1")))).isEmpty();
        // 4de01f has constraint_set1: constrained baseline by RFC 6184 §8.1.
        assertThat(strict.negotiateReceive(MediaKind.VIDEO, List.of(h264(96, "4de01f", "1"))))
                .extracting(NegotiatedCodec::payloadType).containsExactly(96);
    }

    @Test
    void missingProfileLevelIdMeansConstrainedBaseline() {
        assertThat(receiveVideo(h264(100, null, "1"))).extracting(NegotiatedCodec::payloadType)
                .containsExactly(100);
    }

    @ParameterizedTest
    @CsvSource({
        // publisher, subscriber offer, match?
        "42e01f, 42e01f, true",
        "42e01f, 42e034, true",
        "42e01f, 42c01f, true",
        "42e01f, 4de01f, true",
        "42e01f, 42001f, false",
        "42001f, 42e01f, false",
        "42e01f, 640c1f, false",
        "42e01f, 4d001f, false",
        "4d001f, 4d0032, true",
        "640c1f, 640c34, true",
        "640c1f, 64001f, false",
    })
    void subscriberMatchesPublisherByProfileNotLevel(String publisher, String subscriber, boolean match) {
        List<NegotiatedCodec> chosen = negotiator.negotiateSend(List.of(h264(125, subscriber, "1")),
                List.of(h264(106, publisher, "1")));
        assertThat(!chosen.isEmpty()).isEqualTo(match);
        if (match) {
            assertThat(chosen.get(0).sourcePayloadType()).hasValue(106);
            assertThat(chosen.get(0).payloadType()).isEqualTo(125);
        }
    }

    @Test
    void subscriberAnswerLevelFollowsLibwebrtc() {
        RtpCodec publisher = h264(106, "42e01f", "1");
        RtpCodec subscriber = h264(125, "42e015", "1");
        // Both allow level asymmetry: the sender states its own level.
        assertThat(negotiator.negotiateSend(List.of(subscriber), List.of(publisher)).get(0).codec()
                .parameter("profile-level-id")).contains("42e01f");
        // Without asymmetry: the lower level.
        RtpCodec strict = subscriber.withParameters(Map.of("packetization-mode", "1", "profile-level-id", "42e015"));
        assertThat(negotiator.negotiateSend(List.of(strict), List.of(publisher)).get(0).codec()
                .parameter("profile-level-id")).contains("42e015");
    }

    @Test
    void aSubscriberOfAStereoOpusPublisherIsToldTheStreamIsStereo() {
        RtpCodec stereo = new RtpCodec(111, "opus", 48000, 2,
                Map.of("stereo", "1", "sprop-stereo", "1", "maxaveragebitrate", "128000"), List.of());
        RtpCodec mono = new RtpCodec(111, "opus", 48000, 2, Map.of("usedtx", "1"), List.of());
        RtpCodec subscriber = new RtpCodec(109, "opus", 48000, 2,
                new LinkedHashMap<>(Map.of("minptime", "10", "stereo", "1")), List.of());
        assertThat(negotiator.negotiateSend(List.of(subscriber), List.of(stereo)).get(0).codec().parameters())
                .containsEntry("sprop-stereo", "1").containsEntry("stereo", "1").containsEntry("minptime", "10")
                .doesNotContainKey("maxaveragebitrate");
        assertThat(negotiator.negotiateSend(List.of(subscriber), List.of(mono)).get(0).codec().parameters())
                .isEqualTo(subscriber.parameters());
    }

    @Test
    void opusKeepsOfferedParametersAndOnlySupportedFeedback() {
        RtpCodec opus = new RtpCodec(111, "opus", 48000, 2,
                Map.of("minptime", "10", "useinbandfec", "1", "stereo", "1"),
                List.of(RtcpFeedbackType.TRANSPORT_CC, new RtcpFeedbackType("x-unknown", "")));
        RtpCodec red = new RtpCodec(63, "red", 48000, 2, Map.of("111/111", ""), List.of());
        List<NegotiatedCodec> chosen = negotiator.negotiateReceive(MediaKind.AUDIO,
                List.of(red, opus, RtpCodec.of(0, "PCMU", 8000, 0)));
        assertThat(chosen).singleElement().satisfies(c -> {
            assertThat(c.payloadType()).isEqualTo(111);
            assertThat(c.codec().parameters()).isEqualTo(opus.parameters());
            assertThat(c.codec().feedback()).containsExactly(RtcpFeedbackType.TRANSPORT_CC);
            assertThat(c.rtxPayloadType()).isEmpty();
        });
    }

    @Test
    void feedbackSetIsConfigurable() {
        CodecNegotiator nackOnly = new CodecNegotiator(NegotiationPolicy.defaults()
                .withRtcpFeedback(Set.of(RtcpFeedbackType.NACK, RtcpFeedbackType.NACK_PLI)));
        RtpCodec vp8 = new RtpCodec(96, "VP8", 90000, 0, Map.of(), List.of(RtcpFeedbackType.GOOG_REMB,
                RtcpFeedbackType.TRANSPORT_CC, RtcpFeedbackType.CCM_FIR, RtcpFeedbackType.NACK,
                RtcpFeedbackType.NACK_PLI));
        assertThat(nackOnly.negotiateReceive(MediaKind.VIDEO, List.of(vp8)).get(0).codec().feedback())
                .containsExactly(RtcpFeedbackType.NACK, RtcpFeedbackType.NACK_PLI);
    }

    @Test
    void videoTypesComeInPolicyOrderOnePerTypeWithTheirRtx() {
        MediaDescription video = SdpSamples.parse(SdpSamples.CHROME_PUBLISH_SIMULCAST).media().get(1);
        List<NegotiatedCodec> chosen = negotiator.negotiateReceive(MediaKind.VIDEO, video.codecs());
        assertThat(chosen).extracting(c -> c.codec().name()).containsExactly("VP8", "H264", "VP9", "AV1");
        assertThat(chosen).extracting(NegotiatedCodec::payloadType).containsExactly(96, 106, 98, 45);
        assertThat(chosen).extracting(NegotiatedCodec::rtxPayloadType)
                .containsExactly(OptionalInt.of(97), OptionalInt.of(107), OptionalInt.of(99), OptionalInt.of(46));
    }

    @Test
    void rtxCanBeTurnedOff() {
        MediaDescription video = SdpSamples.parse(SdpSamples.CHROME_PUBLISH_SIMULCAST).media().get(1);
        List<NegotiatedCodec> chosen = new CodecNegotiator(NegotiationPolicy.defaults().withRtx(false))
                .negotiateReceive(MediaKind.VIDEO, video.codecs());
        assertThat(chosen).allMatch(c -> c.rtxPayloadType().isEmpty());
    }

    @Test
    void vp9AndAv1MatchByProfile() {
        RtpCodec vp9p0 = new RtpCodec(98, "VP9", 90000, 0, Map.of("profile-id", "0"), List.of());
        RtpCodec vp9p2 = new RtpCodec(100, "VP9", 90000, 0, Map.of("profile-id", "2"), List.of());
        RtpCodec vp9none = new RtpCodec(121, "VP9", 90000, 0, Map.of(), List.of());
        assertThat(CodecNegotiator.isSameFormat(vp9p0, vp9none)).isTrue();
        assertThat(CodecNegotiator.isSameFormat(vp9p0, vp9p2)).isFalse();
        assertThat(negotiator.negotiateSend(List.of(vp9p2, vp9p0), List.of(vp9none)))
                .extracting(NegotiatedCodec::payloadType).containsExactly(98);
        RtpCodec av1 = new RtpCodec(45, "AV1", 90000, 0, Map.of("profile", "0"), List.of());
        RtpCodec av1High = new RtpCodec(35, "AV1", 90000, 0, Map.of("profile", "1"), List.of());
        assertThat(negotiator.negotiateSend(List.of(av1High), List.of(av1))).isEmpty();
    }
}

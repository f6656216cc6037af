package io.lianmai.media.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OfferBuilderTest {
    private static final LocalTransport CLIENT = LocalTransport.of("cLnT", "clientPasswordClientPwd1",
            "sha-256 01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF",
            List.of("candidate:9 1 udp 2122260223 192.0.2.10 50000 typ host"));

    private final OfferBuilder offers = new OfferBuilder(NegotiationPolicy.defaults(), SdpSamples.SERVER, () -> 77L);
    private OutgoingTrack obsAudio;
    private OutgoingTrack obsVideo;
    private OutgoingTrack chromeVideo;

    @BeforeEach
    void publishers() throws SdpException {
        NegotiatedSession obs = SdpSamples.answers().answerPublish(SdpSamples.parse(SdpSamples.OBS_WHIP)).session();
        obsAudio = OutgoingTrack.from(obs.media("0").orElseThrow(), "obs_main", "audio", "lm", 100, 101);
        obsVideo = OutgoingTrack.from(obs.media("1").orElseThrow(), "obs_main", "video", "lm", 200, 201);
        NegotiatedSession chrome = SdpSamples.answers()
                .answerPublish(SdpSamples.parse(SdpSamples.CHROME_PUBLISH_SIMULCAST)).session();
        chromeVideo = OutgoingTrack.from(chrome.media("1").orElseThrow(), "alice_main", "video", "lm", 300, 301);
    }

    /** What a client answering the server's offer would send back: this package's answerer plays the client. */
    private static SessionDescription clientAnswer(LocalOffer offer) throws SdpException {
        return new AnswerBuilder(NegotiationPolicy.defaults(), CLIENT, () -> 1L)
                .answerPublish(SessionDescription.parse(offer.sdp())).description();
    }

    @Test
    void offersSendonlyTracksWithActpassIceLiteAndBundle() throws SdpException {
        LocalOffer offer = offers.offer(List.of(obsAudio, obsVideo));
        SessionDescription sdp = SessionDescription.parse(offer.sdp());
        assertThat(sdp).isEqualTo(offer.description());
        assertThat(sdp.iceLite()).isTrue();
        assertThat(sdp.bundleGroup()).contains(new Group("BUNDLE", List.of("0", "1")));
        assertThat(sdp.origin().sessionId()).isEqualTo("77");
        MediaDescription video = sdp.media().get(1);
        assertThat(video.setup()).contains(SetupRole.ACTPASS);
        assertThat(video.directionAttribute()).contains(Direction.SENDONLY);
        assertThat(video.formats()).containsExactly("96", "97");
        assertThat(video.codecs().get(0).parameter("profile-level-id")).contains("42e01f");
        assertThat(video.codecs().get(1).associatedPayloadType()).hasValue(96);
        assertThat(video.ssrcGroups()).containsExactly(new SsrcGroup("FID", List.of(200L, 201L)));
        assertThat(video.msid()).contains(new Msid("obs_main", "video"));
        assertThat(video.extMaps()).extracting(ExtMap::uri).containsExactly(ExtMap.MID, ExtMap.ABS_SEND_TIME,
                ExtMap.TRANSPORT_WIDE_CC);
        MediaDescription audio = sdp.media().get(0);
        assertThat(audio.extMaps()).extracting(ExtMap::uri).startsWith(ExtMap.AUDIO_LEVEL);
        assertThat(audio.codecs()).singleElement().satisfies(c -> {
            assertThat(c.feedback()).containsExactly(RtcpFeedbackType.TRANSPORT_CC);
            assertThat(c.parameters()).containsEntry("stereo", "1");
        });
        assertThat(audio.ssrcGroups()).isEmpty();
    }

    @Test
    void onePayloadTypeMeansOneCodecAcrossTheBundle() {
        LocalOffer offer = offers.offer(List.of(obsVideo, chromeVideo));
        Map<Integer, String> seen = new HashMap<>();
        for (MediaDescription m : offer.description().media()) {
            for (RtpCodec codec : m.codecs()) {
                String config = codec.name() + new java.util.TreeMap<>(codec.parameters());
                assertThat(seen.putIfAbsent(codec.payloadType(), config)).as("pt %s", codec.payloadType())
                        .isIn(null, config);
            }
        }
        // OBS's H.264 keeps 96; Chrome's VP8 (also 96 at its publisher) is renumbered and says where it came from.
        OfferedMedia chrome = offer.media().get(1);
        NegotiatedCodec vp8 = chrome.codecs().get(0);
        assertThat(vp8.codec().name()).isEqualTo("VP8");
        assertThat(vp8.payloadType()).isNotEqualTo(96);
        assertThat(vp8.sourcePayloadType()).hasValue(96);
        // Same H.264 configuration on both m-lines: same payload type.
        int obsH264 = offer.media().get(0).codecs().get(0).payloadType();
        assertThat(chrome.codecs()).filteredOn(c -> c.codec().is("H264")).singleElement()
                .satisfies(c -> assertThat(c.payloadType()).isEqualTo(obsH264));
    }

    @Test
    void acceptsTheClientsAnswer() throws SdpException {
        LocalOffer offer = offers.offer(List.of(obsAudio, chromeVideo));
        NegotiatedSession session = offers.acceptAnswer(offer, clientAnswer(offer));
        assertThat(session.bundleMid()).isEqualTo("0");
        assertThat(session.remoteIce()).isEqualTo(CLIENT.ice());
        assertThat(session.remoteFingerprint()).isEqualTo(CLIENT.fingerprint());
        assertThat(session.remoteSetup()).isEqualTo(SetupRole.PASSIVE);
        assertThat(session.localSetup()).isEqualTo(SetupRole.ACTIVE);
        assertThat(session.localIsDtlsClient()).isTrue();
        NegotiatedMedia video = session.media("1").orElseThrow();
        assertThat(video.direction()).isEqualTo(Direction.SENDONLY);
        assertThat(video.outgoing()).contains(chromeVideo);
        assertThat(video.codecs()).extracting(c -> c.codec().name()).containsExactly("VP8", "H264", "VP9", "AV1");
        assertThat(video.codecs()).allMatch(c -> c.rtxPayloadType().isPresent() && c.sourcePayloadType().isPresent());
        assertThat(video.extensionId(ExtMap.TRANSPORT_WIDE_CC)).hasValue(6);
        assertThat(video.outgoingRtxSsrc()).hasValue(301);
    }

    @Test
    void activeAnswererMakesTheServerPassive() throws SdpException {
        LocalOffer offer = offers.offer(List.of(obsAudio));
        String answer = clientAnswer(offer).write().replace("a=setup:passive", "a=setup:active");
        NegotiatedSession session = offers.acceptAnswer(offer, SessionDescription.parse(answer));
        assertThat(session.localSetup()).isEqualTo(SetupRole.PASSIVE);
    }

    @Test
    void refusesAnswersThatDoNotFit() throws SdpException {
        LocalOffer offer = offers.offer(List.of(obsAudio, obsVideo));
        String good = clientAnswer(offer).write();
        assertMismatch(offer, good.replace("a=setup:passive", "a=setup:actpass"), "not actpass");
        assertMismatch(offer, good.replace("a=mid:1", "a=mid:x").replace("BUNDLE 0 1", "BUNDLE 0 x"),
                "has mid x, offered 1");
        assertMismatch(offer, good.replace("a=recvonly", "a=sendrecv"), "answered sendrecv");
        assertMismatch(offer, good.replace("m=video 50000 UDP/TLS/RTP/SAVPF 96 97", "m=video 50000 UDP/TLS/RTP/SAVPF 55 97")
                .replace("a=rtpmap:96 H264", "a=rtpmap:55 H264"), "payload type 55 (H264) that was not offered");
        String audioOnly = good.substring(0, good.indexOf("m=video"));
        assertMismatch(offer, audioOnly, "the answer has 1 m-lines, the offer 2");
        assertThatThrownBy(() -> offers.acceptAnswer(offer,
                SessionDescription.parse(AnswerBuilderTest.without(good, "a=ice-ufrag"))))
                .isInstanceOfSatisfying(SdpException.class, e -> assertThat(e.error())
                        .isEqualTo(SdpError.UNACCEPTABLE));
    }

    @Test
    void rejectedMLineInTheAnswerIsKept() throws SdpException {
        LocalOffer offer = offers.offer(List.of(obsAudio, obsVideo));
        String answer = clientAnswer(offer).write().replace("m=video 50000", "m=video 0").replace("BUNDLE 0 1",
                "BUNDLE 0");
        NegotiatedSession session = offers.acceptAnswer(offer, SessionDescription.parse(answer));
        assertThat(session.media("1").orElseThrow().rejection()).contains("rejected by the answerer");
        assertThat(session.acceptedMedia()).extracting(NegotiatedMedia::mid).containsExactly("0");
    }

    @Test
    void reofferKeepsMidsAndPayloadTypesAndRecyclesEndedMLines() throws SdpException {
        LocalOffer first = offers.offer(List.of(obsAudio, obsVideo));
        LocalOffer second = offers.reoffer(first, List.of(obsAudio));
        assertThat(second.description().origin().sessionId()).isEqualTo("77");
        assertThat(second.description().origin().sessionVersion()).isEqualTo("2");
        assertThat(second.media()).extracting(OfferedMedia::mid).containsExactly("0", "1");
        MediaDescription ended = second.description().media().get(1);
        assertThat(ended.directionAttribute()).contains(Direction.INACTIVE);
        assertThat(ended.ssrcs()).isEmpty();
        assertThat(ended.formats()).containsExactly("96", "97");

        LocalOffer third = offers.reoffer(second, List.of(obsAudio, chromeVideo));
        assertThat(third.media()).extracting(OfferedMedia::mid).containsExactly("0", "1");
        assertThat(third.media().get(1).track()).contains(chromeVideo);
        // H.264 keeps the number it had; VP8 must not take it.
        assertThat(third.media().get(1).codecs()).filteredOn(c -> c.codec().is("H264")).singleElement()
                .satisfies(c -> assertThat(c.payloadType()).isEqualTo(96));
        assertThat(third.media().get(1).codecs()).filteredOn(c -> c.codec().is("VP8")).singleElement()
                .satisfies(c -> assertThat(c.payloadType()).isNotIn(96, 97));

        LocalOffer fourth = offers.reoffer(third, List.of(obsAudio, chromeVideo, obsVideo));
        assertThat(fourth.media()).extracting(OfferedMedia::mid).containsExactly("0", "1", "2");
        assertThat(fourth.description().bundleGroup().orElseThrow().mids()).containsExactly("0", "1", "2");
        assertThat(offers.acceptAnswer(fourth, clientAnswer(fourth)).acceptedMedia()).hasSize(3);
    }

    @Test
    void refusesEmptyOffersAndTracksWithoutForwardableCodecs() {
        assertThatThrownBy(() -> offers.offer(List.of())).isInstanceOf(IllegalArgumentException.class);
        OutgoingTrack pcmu = new OutgoingTrack(MediaKind.AUDIO, "s", "t", "c", 1, 2,
                List.of(RtpCodec.of(0, "PCMU", 8000, 0)));
        assertThatThrownBy(() -> offers.offer(List.of(pcmu))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no codec the policy forwards");
    }

    private void assertMismatch(LocalOffer offer, String answer, String message) {
        assertThatThrownBy(() -> offers.acceptAnswer(offer, SessionDescription.parse(answer)))
                .isInstanceOfSatisfying(SdpException.class, e -> {
                    assertThat(e.error()).isEqualTo(SdpError.ANSWER_MISMATCH);
                    assertThat(e.getMessage()).contains(message);
                });
    }
}

package io.lianmai.media.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AnswerBuilderTest {
    private final AnswerBuilder answers = SdpSamples.answers();

    private LocalAnswer publish(String sample) throws SdpException {
        return checked(answers.answerPublish(SdpSamples.parse(sample)));
    }

    /** Every answer must be SDP the parser accepts back unchanged. */
    static LocalAnswer checked(LocalAnswer answer) throws SdpException {
        assertThat(SessionDescription.parse(answer.sdp())).isEqualTo(answer.description());
        assertThat(answer.description().iceLite()).isTrue();
        return answer;
    }

    static String without(String sdp, String... prefixes) {
        return Arrays.stream(sdp.split("\r\n"))
                .filter(line -> Arrays.stream(prefixes).noneMatch(line::startsWith))
                .collect(Collectors.joining("\r\n", "", "\r\n"));
    }

    @Test
    void answersChromeSimulcastPublisher() throws SdpException {
        LocalAnswer answer = publish(SdpSamples.CHROME_PUBLISH_SIMULCAST);
        SessionDescription sdp = answer.description();
        assertThat(sdp.bundleGroup()).contains(new Group("BUNDLE", List.of("0", "1")));
        assertThat(sdp.extmapAllowMixed()).isTrue();
        assertThat(sdp.hasAttribute("msid-semantic")).isFalse();

        MediaDescription audio = sdp.media().get(0);
        assertThat(audio.mid()).contains("0");
        assertThat(audio.port()).isEqualTo(8801);
        assertThat(audio.fields()).containsExactly(new SdpField('c', "IN IP4 203.0.113.7"));
        assertThat(audio.directionAttribute()).contains(Direction.RECVONLY);
        assertThat(audio.setup()).contains(SetupRole.PASSIVE);
        assertThat(audio.iceCredentials()).contains(SdpSamples.SERVER.ice());
        assertThat(audio.fingerprints()).containsExactly(SdpSamples.SERVER.fingerprint());
        assertThat(audio.rtcpMux()).isTrue();
        assertThat(audio.rtcpReducedSize()).isTrue();
        assertThat(audio.formats()).containsExactly("111");
        assertThat(audio.codecs().get(0).parameters())
                .containsExactly(Map.entry("minptime", "10"), Map.entry("useinbandfec", "1"));
        assertThat(audio.extMaps()).extracting(ExtMap::id).containsExactly(1, 2, 3, 4);
        assertThat(audio.candidates()).containsExactlyElementsOf(SdpSamples.SERVER.candidates());
        assertThat(audio.endOfCandidates()).isTrue();

        MediaDescription video = sdp.media().get(1);
        assertThat(video.formats()).containsExactly("96", "97", "106", "107", "98", "99", "45", "46");
        assertThat(video.codecs().get(1).associatedPayloadType()).hasValue(96);
        assertThat(video.extMaps()).extracting(ExtMap::uri).containsExactly(ExtMap.ABS_SEND_TIME,
                ExtMap.TRANSPORT_WIDE_CC, ExtMap.MID, ExtMap.RTP_STREAM_ID, ExtMap.REPAIRED_RTP_STREAM_ID);
        assertThat(video.rids()).containsExactly(Rid.of("q", RidDirection.RECV), Rid.of("h", RidDirection.RECV),
                Rid.of("f", RidDirection.RECV));
        assertThat(video.simulcast()).map(Simulcast::toValue).contains("recv q;h;f");
        assertThat(video.ssrcs()).isEmpty();
        assertThat(answer.sdp()).doesNotContain("red/").doesNotContain("ulpfec").doesNotContain("toffset")
                .doesNotContain("packetization-mode=0");

        NegotiatedSession session = answer.session();
        assertThat(session.bundleMid()).isEqualTo("0");
        assertThat(session.remoteIce()).isEqualTo(new SdpIceCredentials("Jpbd", "Fus4hRjMrpP46HRkXRz+RPdL"));
        assertThat(session.remoteFingerprint().value()).startsWith("04:B3:84");
        assertThat(session.remoteSetup()).isEqualTo(SetupRole.ACTPASS);
        assertThat(session.localSetup()).isEqualTo(SetupRole.PASSIVE);
        assertThat(session.localIsDtlsClient()).isFalse();
        assertThat(session.remoteIceOptions()).containsExactly("trickle");
        assertThat(session.remoteCandidates()).hasSize(2);
        assertThat(session.extmapAllowMixed()).isTrue();

        NegotiatedMedia audioResult = session.media("0").orElseThrow();
        assertThat(audioResult.direction()).isEqualTo(Direction.RECVONLY);
        assertThat(audioResult.codecs()).extracting(NegotiatedCodec::payloadType).containsExactly(111);
        assertThat(audioResult.extensionId(ExtMap.AUDIO_LEVEL)).hasValue(1);
        assertThat(audioResult.remote().ssrcs()).containsExactly(3735928559L);
        assertThat(audioResult.remote().cnames()).containsEntry(3735928559L, "4TOk42mSjXCkVIa6");

        NegotiatedMedia videoResult = session.media("1").orElseThrow();
        assertThat(videoResult.codecs()).extracting(c -> c.codec().name()).containsExactly("VP8", "H264", "VP9",
                "AV1");
        assertThat(videoResult.codec(106).orElseThrow().rtxPayloadType()).hasValue(107);
        assertThat(videoResult.codecForRtx(97).orElseThrow().payloadType()).isEqualTo(96);
        assertThat(videoResult.codec(106).orElseThrow().codec().feedback()).containsExactly(RtcpFeedbackType.GOOG_REMB,
                RtcpFeedbackType.TRANSPORT_CC, RtcpFeedbackType.CCM_FIR, RtcpFeedbackType.NACK,
                RtcpFeedbackType.NACK_PLI);
        assertThat(videoResult.extensionId(ExtMap.RTP_STREAM_ID)).hasValue(10);
        assertThat(videoResult.extensionId(ExtMap.REPAIRED_RTP_STREAM_ID)).hasValue(11);
        assertThat(videoResult.extensionId("urn:3gpp:video-orientation")).isEmpty();
        assertThat(videoResult.remote().rids()).extracting(Rid::id).containsExactly("q", "h", "f");
        assertThat(videoResult.remote().simulcastLayers()).hasSize(3);
        assertThat(videoResult.rtcpReducedSize()).isTrue();
    }

    @Test
    void simulcastIsLimitedAndKeepsPausedAndAlternatives() throws SdpException {
        String offer = SdpSamples.crlf(SdpSamples.CHROME_PUBLISH_SIMULCAST)
                .replace("a=simulcast:send q;h;f", "a=simulcast:send ~q;h,x;f;z")
                .replace("a=rid:f send\r\n", "a=rid:f send\r\na=rid:x send max-width=640\r\na=rid:z send\r\n");
        LocalAnswer answer = checked(answers.answerPublish(SessionDescription.parse(offer)));
        MediaDescription video = answer.description().media().get(1);
        assertThat(video.simulcast()).map(Simulcast::toValue).contains("recv ~q;h,x;f");
        assertThat(video.rids()).extracting(Rid::id).containsExactly("q", "h", "x", "f");
        NegotiatedMedia result = answer.session().media().get(1);
        assertThat(result.remote().rids()).filteredOn(r -> r.id().equals("x")).singleElement()
                .satisfies(r -> assertThat(r.restrictions()).containsEntry("max-width", "640"));
    }

    @Test
    void ridRestrictedToUnacceptedPayloadTypesIsDropped() throws SdpException {
        String offer = SdpSamples.crlf(SdpSamples.CHROME_PUBLISH_SIMULCAST)
                .replace("a=rid:f send", "a=rid:f send pt=104,108").replace("a=rid:h send", "a=rid:h send pt=96,104");
        MediaDescription video = checked(answers.answerPublish(SessionDescription.parse(offer))).description()
                .media().get(1);
        assertThat(video.rids()).containsExactly(Rid.of("q", RidDirection.RECV),
                new Rid("h", RidDirection.RECV, List.of(96), Map.of()));
        assertThat(video.simulcast()).map(Simulcast::toValue).contains("recv q;h");
    }

    @Test
    void answersFirefoxWithSessionLevelFingerprintAndRtxGroups() throws SdpException {
        LocalAnswer answer = publish(SdpSamples.FIREFOX_PUBLISH);
        NegotiatedMedia video = answer.session().media("1").orElseThrow();
        assertThat(video.codecs()).extracting(NegotiatedCodec::payloadType).containsExactly(120, 126, 121);
        assertThat(video.codecs()).extracting(NegotiatedCodec::rtxPayloadType)
                .containsExactly(OptionalInt.of(124), OptionalInt.of(127), OptionalInt.of(125));
        assertThat(video.remote().rtxSsrc(2915463320L)).contains(881945670L);
        assertThat(video.extensionId("http://www.webrtc.org/experiments/rtp-hdrext/playout-delay")).isEmpty();
        NegotiatedMedia audio = answer.session().media("0").orElseThrow();
        assertThat(audio.codecs().get(0).codec().parameters()).containsEntry("stereo", "1")
                .containsEntry("maxplaybackrate", "48000");
        assertThat(answer.session().remoteFingerprint().value()).startsWith("5B:0E");
        assertThat(answer.session().remoteIce().ufrag()).isEqualTo("3f8e2c71");
        assertThat(answer.description().media().get(1).rtcpReducedSize()).isTrue();
        assertThat(answer.description().media().get(0).rtcpReducedSize()).isFalse();
    }

    @Test
    void answersObsWhip() throws SdpException {
        LocalAnswer answer = publish(SdpSamples.OBS_WHIP);
        assertThat(answer.session().remoteIce()).isEqualTo(new SdpIceCredentials("G8ti", "0vYqK2mR8xW1pL5nB7cT3fHd"));
        assertThat(answer.session().remoteIceOptions()).containsExactly("ice2", "trickle");
        NegotiatedMedia video = answer.session().media("1").orElseThrow();
        assertThat(video.codecs()).singleElement().satisfies(c -> {
            assertThat(c.payloadType()).isEqualTo(96);
            assertThat(c.codec().parameter("profile-level-id")).contains("42e01f");
            assertThat(c.rtxPayloadType()).isEmpty();
            assertThat(c.codec().feedback()).containsExactly(RtcpFeedbackType.NACK, RtcpFeedbackType.NACK_PLI,
                    RtcpFeedbackType.GOOG_REMB);
        });
        assertThat(video.remote().ssrcs()).containsExactly(3216345673L);
        assertThat(video.remote().msid()).contains(new Msid("obs-stream", "obs-video"));
        assertThat(answer.session().media("0").orElseThrow().codecs().get(0).codec().parameters())
                .containsEntry("sprop-stereo", "1").containsEntry("maxaveragebitrate", "96000");
    }

    @Test
    void answersGstreamerBundleOnlyMLine() throws SdpException {
        LocalAnswer answer = publish(SdpSamples.GSTREAMER_WHIPSINK);
        assertThat(answer.description().bundleGroup()).contains(new Group("BUNDLE", List.of("video0", "audio1")));
        assertThat(answer.session().bundleMid()).isEqualTo("video0");
        assertThat(answer.session().acceptedMedia()).extracting(NegotiatedMedia::mid)
                .containsExactly("video0", "audio1");
        MediaDescription audio = answer.description().media().get(1);
        assertThat(audio.port()).isNotZero();
        assertThat(audio.codecs()).singleElement().satisfies(c -> assertThat(c.name()).isEqualTo("OPUS"));
        assertThat(answer.session().remoteSetup()).isEqualTo(SetupRole.ACTPASS);
    }

    @Test
    void rejectsDataChannelButKeepsItsMLineAndMid() throws SdpException {
        LocalAnswer answer = publish(SdpSamples.LIBWEBRTC_NATIVE_DATACHANNEL);
        MediaDescription data = answer.description().media().get(2);
        assertThat(data.media()).isEqualTo("application");
        assertThat(data.port()).isZero();
        assertThat(data.isRejected()).isTrue();
        assertThat(data.mid()).contains("2");
        assertThat(data.formats()).containsExactly("webrtc-datachannel");
        assertThat(answer.description().bundleGroup().orElseThrow().mids()).containsExactly("0", "1");
        NegotiatedMedia result = answer.session().media("2").orElseThrow();
        assertThat(result.accepted()).isFalse();
        assertThat(result.rejection()).contains("data channels are not supported yet");
        // sendrecv from a publisher: the SFU receives.
        assertThat(answer.session().media("1").orElseThrow().direction()).isEqualTo(Direction.RECVONLY);
        assertThat(answer.session().media("1").orElseThrow().remote().rtxSsrc(2002)).contains(2003L);
    }

    @Test
    void rejectsMLineWithoutCommonCodec() throws SdpException {
        String offer = SdpSamples.crlf(SdpSamples.OBS_WHIP).replace("profile-level-id=42e01f;packetization-mode=1",
                "profile-level-id=42e01f;packetization-mode=0");
        LocalAnswer answer = checked(answers.answerPublish(SessionDescription.parse(offer)));
        assertThat(answer.description().media().get(1).port()).isZero();
        assertThat(answer.session().media("1").orElseThrow().rejection().orElseThrow())
                .contains("no common codec").contains("pm=0");
        assertThat(answer.description().bundleGroup().orElseThrow().mids()).containsExactly("0");
    }

    @Test
    void refusesOfferWithoutRtcpMux() {
        String offer = without(SdpSamples.crlf(SdpSamples.CHROME_PUBLISH_SIMULCAST), "a=rtcp-mux");
        assertUnacceptable(offer, "has no a=rtcp-mux");
    }

    @Test
    void refusesOfferWithoutIceCredentialsOrFingerprint() {
        assertUnacceptable(without(SdpSamples.crlf(SdpSamples.CHROME_PUBLISH_SIMULCAST), "a=ice-pwd"),
                "no a=ice-ufrag and a=ice-pwd");
        assertUnacceptable(without(SdpSamples.crlf(SdpSamples.OBS_WHIP), "a=ice-ufrag"),
                "no a=ice-ufrag and a=ice-pwd");
        assertUnacceptable(without(SdpSamples.crlf(SdpSamples.FIREFOX_PUBLISH), "a=fingerprint"),
                "no a=fingerprint");
    }

    @Test
    void refusesSeveralMLinesWithoutBundleAndMLinesWithoutMid() {
        assertUnacceptable(without(SdpSamples.crlf(SdpSamples.OBS_WHIP), "a=group:BUNDLE"),
                "no a=group:BUNDLE");
        assertUnacceptable(without(SdpSamples.crlf(SdpSamples.OBS_WHIP), "a=mid:1"), "has no a=mid");
        assertUnacceptable(SdpSamples.crlf(SdpSamples.OBS_WHIP).replace("a=mid:1", "a=mid:0"), "two m-lines");
    }

    @Test
    void refusesOfferWithNothingToServe() {
        String dataOnly = SessionDescriptionTest.head() + "a=group:BUNDLE 0\r\n"
                + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n"
                + "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuv\r\n";
        assertUnacceptable(dataOnly, "nothing in the offer can be served (mid 0: data channels");
        String plainRtp = SdpSamples.crlf(SdpSamples.OBS_WHIP).replace("UDP/TLS/RTP/SAVPF", "RTP/AVP");
        assertUnacceptable(plainRtp, "is not DTLS-SRTP");
    }

    @Test
    void singleMLineWithoutBundleIsFine() throws SdpException {
        String offer = SessionDescriptionTest.head() + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n"
                + "a=mid:a\r\na=sendonly\r\na=rtcp-mux\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuv\r\n"
                + "a=fingerprint:sha-256 01:02\r\na=rtpmap:111 opus/48000/2\r\n";
        LocalAnswer answer = checked(answers.answerPublish(SessionDescription.parse(offer)));
        assertThat(answer.description().groups()).isEmpty();
        assertThat(answer.session().bundleMid()).isEqualTo("a");
        // No a=setup means active (RFC 4145 §4): the SFU is passive either way.
        assertThat(answer.session().remoteSetup()).isEqualTo(SetupRole.ACTIVE);
        assertThat(answer.session().localSetup()).isEqualTo(SetupRole.PASSIVE);
    }

    @Test
    void passiveOffererMakesTheServerActive() throws SdpException {
        String offer = SdpSamples.crlf(SdpSamples.OBS_WHIP).replace("a=setup:actpass", "a=setup:passive");
        LocalAnswer answer = checked(answers.answerPublish(SessionDescription.parse(offer)));
        assertThat(answer.session().localIsDtlsClient()).isTrue();
        assertThat(answer.description().media().get(0).setup()).contains(SetupRole.ACTIVE);
    }

    @Test
    void anExtmapIdNeverMeansTwoExtensionsInTheBundle() throws SdpException {
        // aiortc offers id 2 for ssrc-audio-level in audio and for abs-send-time in video, and parses the whole
        // bundle with one map: the answer keeps the first m-line's meaning and moves the other extension, where the
        // server only sends, to an id nobody uses (aiortc takes the answer's ids; its REMB needs abs-send-time).
        NegotiatedSession publisher = publish(SdpSamples.OBS_WHIP).session();
        OutgoingTrack audio = OutgoingTrack.from(publisher.media("0").orElseThrow(), "alice_main", "a", "lm", 11, 12);
        OutgoingTrack video = OutgoingTrack.from(publisher.media("1").orElseThrow(), "alice_main", "v", "lm", 21, 22);
        SessionDescription offer = SdpSamples.parse(SdpSamples.AIORTC_PLAY_RECVONLY);
        assertThat(offer.media().get(0).extMaps()).contains(new ExtMap(2, null, ExtMap.AUDIO_LEVEL, ""));
        LocalAnswer answer = checked(answers.answerSubscribe(offer, List.of(audio, video)));

        assertOneUriPerId(answer);
        assertThat(answer.description().media().get(0).extMaps()).extracting(ExtMap::uri)
                .contains(ExtMap.AUDIO_LEVEL, ExtMap.MID);
        assertThat(answer.description().media().get(1).extMaps())
                .containsExactly(ExtMap.of(1, ExtMap.MID), ExtMap.of(3, ExtMap.ABS_SEND_TIME));
        assertThat(answer.session().media("1").orElseThrow().headerExtensions())
                .containsExactly(Map.entry(ExtMap.MID, 1), Map.entry(ExtMap.ABS_SEND_TIME, 3));
    }

    @Test
    void whereTheServerReceivesAConflictingExtensionMovesToAFreeIdToo() throws SdpException {
        // aiortc's real publish offer: its senders write with the answer's ids, so its video's abs-send-time (which
        // the server's estimate of its uplink reads) moves to a free id as a viewer's does. Before the server sent
        // REMB to publishers this m-line left the extension out.
        SessionDescription offer = SdpSamples.parse(SdpSamples.AIORTC_PUBLISH_SENDONLY);
        assertThat(offer.media().get(1).extMaps()).contains(new ExtMap(2, null, ExtMap.ABS_SEND_TIME, ""));
        LocalAnswer answer = checked(answers.answerPublish(offer));

        assertOneUriPerId(answer);
        assertThat(answer.description().media().get(1).extMaps())
                .containsExactly(ExtMap.of(1, ExtMap.MID), ExtMap.of(3, ExtMap.ABS_SEND_TIME));
        assertThat(answer.session().media("1").orElseThrow().headerExtensions())
                .containsExactly(Map.entry(ExtMap.MID, 1), Map.entry(ExtMap.ABS_SEND_TIME, 3));
    }

    @Test
    void aRenumberedExtensionTakesAnIdNoMLineOfTheOfferUses() throws SdpException {
        // Ids 1..3 are taken in the offer (3 by a rejected-for-us extension in video): the moved one gets 4.
        NegotiatedSession publisher = publish(SdpSamples.OBS_WHIP).session();
        OutgoingTrack audio = OutgoingTrack.from(publisher.media("0").orElseThrow(), "alice_main", "a", "lm", 11, 12);
        OutgoingTrack video = OutgoingTrack.from(publisher.media("1").orElseThrow(), "alice_main", "v", "lm", 21, 22);
        SessionDescription offer = SessionDescription.parse(SdpSamples.crlf(SdpSamples.AIORTC_PLAY_RECVONLY)
                .replace("a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n",
                        "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
                                + "a=extmap:3 urn:3gpp:video-orientation\r\n"));
        LocalAnswer answer = checked(answers.answerSubscribe(offer, List.of(audio, video)));

        assertOneUriPerId(answer);
        assertThat(answer.description().media().get(1).extMaps())
                .containsExactly(ExtMap.of(1, ExtMap.MID), ExtMap.of(4, ExtMap.ABS_SEND_TIME));
    }

    private static void assertOneUriPerId(LocalAnswer answer) {
        Map<Integer, String> uriById = new HashMap<>();
        for (MediaDescription m : answer.description().media()) {
            for (ExtMap extMap : m.extMaps()) {
                String before = uriById.putIfAbsent(extMap.id(), extMap.uri());
                assertThat(before).as("id %d", extMap.id()).isIn(null, extMap.uri());
            }
        }
    }

    @Test
    void subscriberAnswerCarriesOnlyPublisherCodecsAndServerSsrcs() throws SdpException {
        NegotiatedSession publisher = publish(SdpSamples.OBS_WHIP).session();
        OutgoingTrack audio = OutgoingTrack.from(publisher.media("0").orElseThrow(), "alice_main", "alice-audio",
                "lianmai", 1111, 1112);
        OutgoingTrack video = OutgoingTrack.from(publisher.media("1").orElseThrow(), "alice_main", "alice-video",
                "lianmai", 2221, 2222);
        LocalAnswer answer = checked(answers.answerSubscribe(SdpSamples.parse(SdpSamples.CHROME_PLAY_RECVONLY),
                List.of(video, audio)));

        MediaDescription videoLine = answer.description().media().get(1);
        assertThat(videoLine.directionAttribute()).contains(Direction.SENDONLY);
        assertThat(videoLine.formats()).containsExactly("106", "107");
        assertThat(videoLine.codecs().get(0).parameter("profile-level-id")).contains("42e01f");
        assertThat(videoLine.msid()).contains(new Msid("alice_main", "alice-video"));
        assertThat(videoLine.ssrcGroups()).containsExactly(new SsrcGroup("FID", List.of(2221L, 2222L)));
        assertThat(videoLine.cnames()).containsEntry(2221L, "lianmai").containsEntry(2222L, "lianmai");
        assertThat(videoLine.attributeValues("ssrc")).contains("2221 msid:alice_main alice-video");
        assertThat(videoLine.extMaps()).extracting(ExtMap::uri).doesNotContain(ExtMap.RTP_STREAM_ID,
                ExtMap.REPAIRED_RTP_STREAM_ID);
        assertThat(videoLine.rids()).isEmpty();
        assertThat(answer.description().attribute("msid-semantic")).contains("WMS *");

        NegotiatedMedia videoResult = answer.session().media("1").orElseThrow();
        assertThat(videoResult.direction()).isEqualTo(Direction.SENDONLY);
        assertThat(videoResult.codecs()).singleElement().satisfies(c -> {
            assertThat(c.payloadType()).isEqualTo(106);
            assertThat(c.sourcePayloadType()).hasValue(96);
            assertThat(c.rtxPayloadType()).hasValue(107);
        });
        assertThat(videoResult.outgoing()).contains(video);
        assertThat(videoResult.outgoingRtxSsrc()).hasValue(2222);

        MediaDescription audioLine = answer.description().media().get(0);
        assertThat(audioLine.formats()).containsExactly("111");
        assertThat(audioLine.ssrcGroups()).isEmpty();
        assertThat(audioLine.ssrcs()).containsExactly(1111L);
        assertThat(answer.session().media("0").orElseThrow().codecs().get(0).sourcePayloadType()).hasValue(111);
    }

    @Test
    void receiverRttReportsAreAnsweredWhereOfferedAndOnlyThere() throws SdpException {
        NegotiatedMedia published = publish(SdpSamples.CHROME_PUBLISH_SIMULCAST).session().media("1").orElseThrow();
        OutgoingTrack video = OutgoingTrack.from(published, "alice_main", "video", "lm", 7, 8);
        // Chromium offers a=rtcp-xr:rcvr-rtt=all (RFC 3611 §5.1) in every m-line; the stored sample predates it.
        String withXr = SdpSamples.crlf(SdpSamples.CHROME_PLAY_RECVONLY)
                .replace("a=rtcp-mux\r\n", "a=rtcp-mux\r\na=rtcp-xr:rcvr-rtt=all\r\n");
        assertThat(withXr).contains("a=rtcp-xr:rcvr-rtt=all");
        MediaDescription answered = checked(answers.answerSubscribe(SessionDescription.parse(withXr), List.of(video)))
                .description().media().get(1);
        assertThat(answered.attributeValues("rtcp-xr")).containsExactly("rcvr-rtt=all");
        assertThat(answered.rtcpXrReceiverRtt()).isTrue();

        MediaDescription without = checked(answers.answerSubscribe(SdpSamples.parse(SdpSamples.CHROME_PLAY_RECVONLY),
                List.of(video))).description().media().get(1);
        assertThat(without.attributeValues("rtcp-xr")).isEmpty();
    }

    @Test
    void subscriberOfChromePublisherGetsOnlyTheCodecInUse() throws SdpException {
        NegotiatedMedia published = publish(SdpSamples.CHROME_PUBLISH_SIMULCAST).session().media("1").orElseThrow();
        OutgoingTrack all = OutgoingTrack.from(published, "alice_main", "video", "lm", 7, 8);
        OutgoingTrack vp8Only = all.withCodecs(List.of(published.codec(96).orElseThrow().codec()));
        MediaDescription video = checked(answers.answerSubscribe(
                SdpSamples.parse(SdpSamples.CHROME_PLAY_RECVONLY), List.of(vp8Only))).description().media().get(1);
        assertThat(video.formats()).containsExactly("96", "97");
        MediaDescription everything = checked(answers.answerSubscribe(
                SdpSamples.parse(SdpSamples.CHROME_PLAY_RECVONLY), List.of(all))).description().media().get(1);
        assertThat(everything.codecs()).filteredOn(c -> !c.isRtx()).extracting(RtpCodec::name)
                .containsExactly("VP8", "H264", "VP9", "AV1");
    }

    @Test
    void subscriberVideoWithoutMatchingProfileIsRejectedAndMissingTrackIsInactive() throws SdpException {
        RtpCodec high = CodecNegotiatorTest.h264(100, "640c1f", "1");
        OutgoingTrack video = new OutgoingTrack(MediaKind.VIDEO, "bob_main", "bob-video", "c", 5, 6, List.of(high));
        LocalAnswer answer = checked(answers.answerSubscribe(SdpSamples.parse(SdpSamples.CHROME_PLAY_RECVONLY),
                List.of(video)));
        NegotiatedMedia audio = answer.session().media("0").orElseThrow();
        assertThat(audio.accepted()).isTrue();
        assertThat(audio.direction()).isEqualTo(Direction.INACTIVE);
        assertThat(answer.description().media().get(0).directionAttribute()).contains(Direction.INACTIVE);
        NegotiatedMedia rejected = answer.session().media("1").orElseThrow();
        assertThat(rejected.rejection().orElseThrow()).contains("no codec in common with the published track")
                .contains("640c1f");
        assertThat(answer.description().media().get(1).port()).isZero();
    }

    @Test
    void serverTransportIsCheckedWhenMade() {
        String fp = SdpSamples.SERVER.fingerprint().toValue();
        assertThatThrownBy(() -> LocalTransport.of("ab", "Lianmai0ServerPassword22x", fp, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ufrag at least 4");
        assertThatThrownBy(() -> LocalTransport.of("abcd", "Lianmai0ServerPassword22x", "sha-256 XY", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("server fingerprint");
        assertThatThrownBy(() -> LocalTransport.of("abcd", "Lianmai0ServerPassword22x", fp, List.of("1 1 udp")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("server candidate");
        LocalTransport noCandidates = LocalTransport.of("abcd", "Lianmai0ServerPassword22x", fp, List.of());
        assertThat(noCandidates.defaultAddress()).containsExactly("0.0.0.0", "9");
    }

    private void assertUnacceptable(String offer, String message) {
        assertThatThrownBy(() -> answers.answerPublish(SessionDescription.parse(offer)))
                .isInstanceOfSatisfying(SdpException.class, e -> {
                    assertThat(e.error()).isEqualTo(SdpError.UNACCEPTABLE);
                    assertThat(e.getMessage()).contains(message);
                });
    }
}

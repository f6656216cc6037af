package io.lianmai.media.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class SessionDescriptionTest {

    static final List<String> SAMPLES = SdpSamples.ALL;

    @ParameterizedTest
    @FieldSource("SAMPLES")
    void everySampleParsesWithEitherLineEndAndRoundTrips(String name) throws SdpException {
        SessionDescription lf = SessionDescription.parse(SdpSamples.text(name));
        SessionDescription crlf = SessionDescription.parse(SdpSamples.crlf(name));
        assertThat(lf).isEqualTo(crlf);
        String written = crlf.write();
        assertThat(written).endsWith("\r\n").doesNotContain("\r\r").doesNotContainPattern("[^\r]\n");
        assertThat(SessionDescription.parse(written)).isEqualTo(crlf);
        assertThat(written).isEqualTo(SdpSamples.crlf(name));
    }

    @Test
    void readsChromeSessionAndTransport() {
        SessionDescription sdp = SdpSamples.parse(SdpSamples.CHROME_PUBLISH_SIMULCAST);
        assertThat(sdp.origin().sessionId()).isEqualTo("4611731400430051336");
        assertThat(sdp.bundleGroup()).contains(new Group("BUNDLE", List.of("0", "1")));
        assertThat(sdp.extmapAllowMixed()).isTrue();
        assertThat(sdp.iceLite()).isFalse();
        MediaDescription audio = sdp.media().get(0);
        assertThat(audio.kind()).isEqualTo(MediaKind.AUDIO);
        assertThat(audio.port()).isEqualTo(52133);
        assertThat(audio.mid()).contains("0");
        assertThat(sdp.direction(audio)).isEqualTo(Direction.SENDONLY);
        assertThat(audio.rtcpMux()).isTrue();
        assertThat(audio.rtcpReducedSize()).isTrue();
        assertThat(sdp.iceCredentials(audio)).contains(new SdpIceCredentials("Jpbd", "Fus4hRjMrpP46HRkXRz+RPdL"));
        assertThat(sdp.iceOptions(audio)).containsExactly("trickle");
        assertThat(sdp.setup(audio)).contains(SetupRole.ACTPASS);
        assertThat(sdp.fingerprints(audio)).singleElement().satisfies(fp -> {
            assertThat(fp.algorithm()).isEqualTo("sha-256");
            assertThat(fp.bytes()).hasSize(32);
        });
        assertThat(audio.candidates()).hasSize(2).first().asString().startsWith("1160438246 1 udp");
        assertThat(audio.ssrcs()).containsExactly(3735928559L);
        assertThat(audio.cnames()).containsEntry(3735928559L, "4TOk42mSjXCkVIa6");
        assertThat(audio.msid()).contains(new Msid("5f2c9a4e-1d7b-4c3e-9a51-2b6f0d8e7c11",
                "0b8b1d7e-77a4-4b52-8f8e-3a0e1a2c9d55"));
        assertThat(audio.attribute("rtcp")).contains("9 IN IP4 0.0.0.0");
    }

    @Test
    void readsChromeCodecsInMLineOrder() {
        MediaDescription audio = SdpSamples.parse(SdpSamples.CHROME_PUBLISH_SIMULCAST).media().get(0);
        List<RtpCodec> codecs = audio.codecs();
        assertThat(codecs).extracting(RtpCodec::payloadType).containsExactly(111, 63, 9, 0, 8, 13, 110, 126);
        RtpCodec opus = codecs.get(0);
        assertThat(opus.name()).isEqualTo("opus");
        assertThat(opus.clockRate()).isEqualTo(48000);
        assertThat(opus.channels()).isEqualTo(2);
        assertThat(opus.parameters()).containsExactly(Map.entry("minptime", "10"), Map.entry("useinbandfec", "1"));
        assertThat(opus.feedback()).containsExactly(RtcpFeedbackType.TRANSPORT_CC);
        assertThat(codecs.get(1).parameters()).containsOnlyKeys("111/111");

        MediaDescription video = SdpSamples.parse(SdpSamples.CHROME_PUBLISH_SIMULCAST).media().get(1);
        RtpCodec h264 = video.codecs().stream().filter(c -> c.payloadType() == 106).findFirst().orElseThrow();
        assertThat(h264.parameter("profile-level-id")).contains("42e01f");
        assertThat(h264.feedback()).containsExactly(RtcpFeedbackType.GOOG_REMB, RtcpFeedbackType.TRANSPORT_CC,
                RtcpFeedbackType.CCM_FIR, RtcpFeedbackType.NACK, RtcpFeedbackType.NACK_PLI);
        RtpCodec rtx = video.codecs().stream().filter(c -> c.payloadType() == 107).findFirst().orElseThrow();
        assertThat(rtx.isRtx()).isTrue();
        assertThat(rtx.associatedPayloadType()).hasValue(106);
    }

    @Test
    void readsSimulcastRidsAndExtmaps() {
        MediaDescription video = SdpSamples.parse(SdpSamples.CHROME_PUBLISH_SIMULCAST).media().get(1);
        assertThat(video.rids()).extracting(Rid::id).containsExactly("q", "h", "f");
        assertThat(video.rids()).allMatch(r -> r.direction() == RidDirection.SEND);
        Simulcast simulcast = video.simulcast().orElseThrow();
        assertThat(simulcast.send()).hasSize(3);
        assertThat(simulcast.recv()).isEmpty();
        assertThat(simulcast.toValue()).isEqualTo("send q;h;f");
        assertThat(video.extMaps()).contains(ExtMap.of(10, ExtMap.RTP_STREAM_ID), ExtMap.of(4, ExtMap.MID));
    }

    @Test
    void readsFirefoxSessionLevelFallbacks() {
        SessionDescription sdp = SdpSamples.parse(SdpSamples.FIREFOX_PUBLISH);
        MediaDescription video = sdp.media().get(1);
        assertThat(video.fingerprints()).isEmpty();
        assertThat(sdp.fingerprints(video)).hasSize(1);
        assertThat(sdp.direction(video)).isEqualTo(Direction.SENDONLY);
        assertThat(sdp.iceOptions(video)).containsExactly("trickle");
        assertThat(video.extMaps()).contains(new ExtMap(6, Direction.RECVONLY,
                "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay", ""));
        assertThat(video.ssrcGroups()).containsExactly(new SsrcGroup("FID", List.of(2915463320L, 881945670L)));
        assertThat(video.msid().orElseThrow().streamId()).startsWith("{7c1e9a2b");
        RtpCodec telephone = sdp.media().get(0).codecs().get(4);
        assertThat(telephone.parameters()).containsOnlyKeys("0-15");
    }

    @Test
    void readsObsSessionLevelTransportAndCommaIceOptions() {
        SessionDescription sdp = SdpSamples.parse(SdpSamples.OBS_WHIP);
        MediaDescription audio = sdp.media().get(0);
        assertThat(audio.iceCredentials()).isEmpty();
        assertThat(sdp.iceCredentials(audio)).contains(new SdpIceCredentials("G8ti", "0vYqK2mR8xW1pL5nB7cT3fHd"));
        assertThat(sdp.iceOptions(audio)).containsExactly("ice2", "trickle");
        assertThat(sdp.setup(audio)).contains(SetupRole.ACTPASS);
        assertThat(audio.endOfCandidates()).isTrue();
        assertThat(sdp.groups()).hasSize(2);
    }

    @Test
    void bundleOnlyPortZeroIsNotRejected() {
        SessionDescription sdp = SdpSamples.parse(SdpSamples.GSTREAMER_WHIPSINK);
        MediaDescription audio = sdp.media().get(1);
        assertThat(audio.port()).isZero();
        assertThat(audio.bundleOnly()).isTrue();
        assertThat(audio.isRejected()).isFalse();
    }

    @Test
    void keepsUnknownAttributesAndFields() throws SdpException {
        String text = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=talk\r\ni=info\r\nb=AS:300\r\nt=0 0\r\n"
                + "a=x-custom:whatever : here\r\na=tool:thing\r\n"
                + "m=audio 9 RTP/AVP 0\r\nb=TIAS:64000\r\nc=IN IP4 0.0.0.0\r\na=x-flag\r\na=ptime:20\r\n";
        SessionDescription sdp = SessionDescription.parse(text);
        assertThat(sdp.attribute("x-custom")).contains("whatever : here");
        assertThat(sdp.fields()).extracting(SdpField::type).containsExactly('i', 'b');
        MediaDescription m = sdp.media().get(0);
        assertThat(m.hasAttribute("x-flag")).isTrue();
        assertThat(m.fields()).extracting(SdpField::type).containsExactly('c', 'b');
        assertThat(m.codecs()).containsExactly(RtpCodec.of(0, "PCMU", 8000, 0));
        assertThat(SessionDescription.parse(sdp.write())).isEqualTo(sdp);
        assertThat(sdp.write()).contains("c=IN IP4 0.0.0.0\r\nb=TIAS:64000\r\n");
    }

    @Test
    void errorsNameTheLine() {
        assertMalformed("v=1\r\n", 1, "only SDP version 0");
        assertMalformed("o=- 1 1 IN IP4 x\r\n", 1, "expected 'v='");
        assertMalformed("v=0\r\ns=-\r\n", 2, "expected 'o='");
        assertMalformed("v=0\r\no=- 1 1 IN IP4\r\ns=-\r\nt=0 0\r\n", 2, "origin needs 6 fields");
        assertMalformed("v=0\r\no=- x 1 IN IP4 h\r\ns=-\r\nt=0 0\r\n", 2, "sess-id");
        assertMalformed(head() + "m=audio 99999 UDP/TLS/RTP/SAVPF 111\r\n", 5, "port 99999 is outside");
        assertMalformed(head() + "m=audio 9 UDP/TLS/RTP/SAVPF\r\n", 5, "m= needs");
        assertMalformed(head() + "m=audio 9 UDP/TLS/RTP/SAVPF 300\r\n", 5, "payload type 300");
        assertMalformed(head() + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus\r\n", 6, "rtpmap needs");
        assertMalformed(head() + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nt=0 0\r\n", 6, "'t=' is not allowed");
        assertMalformed(head() + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nq=what\r\n", 6, "unknown line type 'q='");
        assertMalformed(head() + "a=fingerprint:sha-256 ZZ:00\r\n", 5, "hex byte pairs");
        assertMalformed(head() + "a=setup:sideways\r\n", 5, "setup \"sideways\"");
        assertMalformed(head() + "a=simulcast:send q;;f\r\n", 5, "simulcast rid");
        assertMalformed(head() + "a=rid:q both\r\n", 5, "rid direction");
        assertMalformed(head() + "a=extmap:0 urn:x\r\n", 5, "extmap id 0 is outside");
        assertMalformed(head() + "a=ssrc:4294967296 cname:x\r\n", 5, "ssrc 4294967296 is outside");
        assertMalformed(head() + "\r\na=x\r\n", 5, "empty line");
        assertMalformed(head() + "a=x\u0000y\r\n", 5, "control character");
        assertMalformed("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\n", 0, "no t= line");
        assertMalformed("", 0, "SDP is empty");
        assertMalformed("v=0\r\n", 0, "ends before its 'o=' line");
    }

    @Test
    void messagesShortenAndEscapeTheLine() {
        String longLine = "a=" + "x".repeat(200) + "\u0001";
        assertThatThrownBy(() -> SessionDescription.parse(head() + longLine + "\r\n"))
                .isInstanceOf(SdpException.class)
                .hasMessageContaining("line 5 \"a=xxx")
                .hasMessageContaining("...\"")
                .hasMessageNotContaining("\u0001");
    }

    @Test
    void limitsAreEnforced() {
        String big = head() + ("a=x-pad:" + "y".repeat(100) + "\r\n").repeat(700);
        assertThat(big.length()).isGreaterThan(SessionDescription.MAX_CHARS);
        assertThatThrownBy(() -> SessionDescription.parse(big)).isInstanceOf(SdpException.class)
                .hasMessageContaining("more than the 65536 accepted");

        String manyLines = head() + "a=x\r\n".repeat(SessionDescription.MAX_LINES);
        assertThatThrownBy(() -> SessionDescription.parse(manyLines)).isInstanceOf(SdpException.class)
                .hasMessageContaining("more than 4096 lines");

        String manyMedia = head() + "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\n".repeat(SessionDescription.MAX_MEDIA + 1);
        assertThatThrownBy(() -> SessionDescription.parse(manyMedia)).isInstanceOf(SdpException.class)
                .hasMessageContaining("more than 64 m= lines");
    }

    @Test
    void builtModelsRefuseWhatCouldNotBeWrittenBack() {
        assertThatThrownBy(() -> Attribute.of("mid", "a\r\nb")).isInstanceOf(IllegalArgumentException.class);
        assertThatCode(() -> Attribute.of("rtpmap", "x")).doesNotThrowAnyException();
        assertThatThrownBy(() -> new MediaDescription("audio", 9, 0, "UDP/TLS/RTP/SAVPF", List.of("111"), List.of(),
                List.of(Attribute.of("rtpmap", "x")))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rtpmap needs");
    }

    static String head() {
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    }

    private static void assertMalformed(String text, int line, String message) {
        assertThatThrownBy(() -> SessionDescription.parse(text)).isInstanceOfSatisfying(SdpException.class, e -> {
            assertThat(e.error()).isEqualTo(SdpError.MALFORMED);
            assertThat(e.lineNumber()).as(e.getMessage()).isEqualTo(line);
            assertThat(e.getMessage()).contains(message);
        });
    }
}

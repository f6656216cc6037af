package io.lianmai.media.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Hostile input never yields anything but an {@link SdpException}: not from the parser, not from the answerer fed
 * whatever the parser let through, and never slowly.
 */
class SdpGarbageTest {
    private static final List<String> SAMPLE_TEXTS = SdpSamples.ALL.stream().map(SdpSamples::crlf).toList();
    private static final List<String> SAMPLE_LINES = SAMPLE_TEXTS.stream()
            .flatMap(text -> Arrays.stream(text.split("\r\n"))).distinct().toList();
    private static final OutgoingTrack AUDIO = new OutgoingTrack(MediaKind.AUDIO, "s", "a", "c", 1, 2,
            List.of(new RtpCodec(111, "opus", 48000, 2, java.util.Map.of("minptime", "10"), List.of())));
    private static final OutgoingTrack VIDEO = new OutgoingTrack(MediaKind.VIDEO, "s", "v", "c", 3, 4,
            List.of(CodecNegotiatorTest.h264(106, "42e01f", "1"), RtpCodec.of(96, "VP8", 90000, 0)));

    @Property(tries = 3000)
    void randomStrings(@ForAll String garbage) {
        assertOnlySdpException(garbage);
    }

    @Property(tries = 3000)
    void randomSdpAlphabet(@ForAll("sdpAlphabet") String garbage) {
        assertOnlySdpException(garbage);
    }

    @Property(tries = 3000)
    void lineSoup(@ForAll("soup") String garbage) {
        assertOnlySdpException(garbage);
    }

    @Property(tries = 3000)
    void mutatedSamples(@ForAll("samples") String sample, @ForAll @IntRange(max = 100_000) int position,
            @ForAll("sdpChars") char replacement, @ForAll @IntRange(max = 2) int kind) {
        int at = position % sample.length();
        String mutated = switch (kind) {
            case 0 -> sample.substring(0, at) + replacement + sample.substring(at + 1);
            case 1 -> sample.substring(0, at) + replacement + sample.substring(at);
            default -> sample.substring(0, at) + sample.substring(at + 1);
        };
        assertOnlySdpException(mutated);
    }

    @Property(tries = 2000)
    void digitRunsInSamples(@ForAll("samples") String sample, @ForAll @IntRange(max = 100_000) int position,
            @ForAll @IntRange(min = 1, max = 40) int digits, @ForAll("digitChars") char digit) {
        int at = position % sample.length();
        assertOnlySdpException(sample.substring(0, at) + String.valueOf(digit).repeat(digits) + sample.substring(at));
    }

    @Property(tries = 2000)
    void shuffledSampleLines(@ForAll("samples") String sample, @ForAll("lineEdits") List<Integer> edits) {
        List<String> lines = new ArrayList<>(Arrays.asList(sample.split("\r\n")));
        for (int edit : edits) {
            int at = Math.floorMod(edit, lines.size());
            switch (Math.floorMod(edit, 3)) {
                case 0 -> lines.remove(at);
                case 1 -> lines.add(at, lines.get(Math.floorMod(edit * 31, lines.size())));
                default -> lines.add(at, SAMPLE_LINES.get(Math.floorMod(edit * 17, SAMPLE_LINES.size())));
            }
            if (lines.isEmpty()) {
                break;
            }
        }
        assertOnlySdpException(String.join("\r\n", lines));
    }

    @Test
    void everyTruncationOfEverySample() {
        // A hang detector, not a speed check: about 5 s on a quiet machine, near 60 s on a 2-core one running
        // several builds (the parser's speed is measured by JMH, bench/).
        assertTimeoutPreemptively(Duration.ofMinutes(5), () -> {
            for (String sample : SAMPLE_TEXTS) {
                for (int length = 0; length <= sample.length(); length++) {
                    assertOnlySdpException(sample.substring(0, length));
                }
            }
        });
    }

    @Test
    void hugeInputsAreRefusedQuickly() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertRefused("v=0\r\n" + "a=x\r\n".repeat(2_000_000), "more than the 65536 accepted");
            assertRefused("\n".repeat(10_000_000), "more than the 65536 accepted");
            assertRefused(SessionDescriptionTest.head() + "a=" + "x".repeat(SessionDescription.MAX_CHARS - 60),
                    null);
            assertRefused(SessionDescriptionTest.head() + "a=x\n".repeat(SessionDescription.MAX_LINES), "lines");
            String wideMLine = SessionDescriptionTest.head() + "m=video 9 UDP/TLS/RTP/SAVPF"
                    + " 96".repeat(20_000) + "\r\n";
            assertOnlySdpException(wideMLine.substring(0, Math.min(wideMLine.length(),
                    SessionDescription.MAX_CHARS)));
            String manyCandidates = SdpSamples.crlf(SdpSamples.OBS_WHIP)
                    + "a=candidate:1 1 UDP 2122317823 192.168.1.20 51212 typ host\r\n".repeat(1000);
            assertOnlySdpException(manyCandidates);
        });
    }

    private static void assertRefused(String input, String message) {
        try {
            SessionDescription.parse(input);
        } catch (SdpException e) {
            if (message != null) {
                assertThat(e.getMessage()).contains(message);
            }
            return;
        }
        if (message != null) {
            throw new AssertionError("accepted: " + input.substring(0, 40));
        }
    }

    /** Parses, and if that worked, answers as publisher and as player: only SdpException may come out. */
    static void assertOnlySdpException(String input) {
        SessionDescription sdp;
        try {
            sdp = SessionDescription.parse(input);
        } catch (SdpException e) {
            assertThat(e.error()).isEqualTo(SdpError.MALFORMED);
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        try {
            assertThat(SessionDescription.parse(sdp.write())).isEqualTo(sdp);
        } catch (SdpException e) {
            throw new AssertionError("written form of an accepted SDP does not parse: " + e.getMessage(), e);
        }
        AnswerBuilder answers = SdpSamples.answers();
        try {
            AnswerBuilderTest.checked(answers.answerPublish(sdp));
        } catch (SdpException e) {
            assertThat(e.error()).isEqualTo(SdpError.UNACCEPTABLE);
        }
        try {
            AnswerBuilderTest.checked(answers.answerSubscribe(sdp, List.of(AUDIO, VIDEO)));
        } catch (SdpException e) {
            assertThat(e.error()).isEqualTo(SdpError.UNACCEPTABLE);
        }
    }

    @Provide
    Arbitrary<String> samples() {
        return Arbitraries.of(SAMPLE_TEXTS);
    }

    @Provide
    Arbitrary<Character> sdpChars() {
        return Arbitraries.of("vostmac=:/; ,~*0123456789\r\n\t\u0000é".chars().mapToObj(c -> (char) c)
                .toArray(Character[]::new));
    }

    @Provide
    Arbitrary<Character> digitChars() {
        return Arbitraries.of('0', '1', '9');
    }

    @Provide
    Arbitrary<String> sdpAlphabet() {
        return Arbitraries.strings().withChars("vostmacrbz=:/; ,~*019\r\n\t-").ofMaxLength(300);
    }

    @Provide
    Arbitrary<List<Integer>> lineEdits() {
        return Arbitraries.integers().list().ofMinSize(1).ofMaxSize(6);
    }

    @Provide
    Arbitrary<String> soup() {
        Arbitrary<String> broken = Arbitraries.of("v=0", "v=1", "o=- 1 1 IN IP4 h", "s=-", "t=0 0", "t=x y",
                "m=audio 9 UDP/TLS/RTP/SAVPF 111", "m=video 0 UDP/TLS/RTP/SAVPF 96 97", "m=application 9 x y",
                "a=rtpmap:111 opus/48000/2", "a=rtpmap:96 VP8/90000", "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96",
                "a=fmtp:97 apt=", "a=fmtp:96", "a=rtcp-fb:* nack", "a=rtcp-fb:96", "a=mid:0", "a=mid:",
                "a=group:BUNDLE 0 1", "a=group:", "a=sendonly", "a=recvonly", "a=rtcp-mux", "a=ice-ufrag:abcd",
                "a=ice-pwd:abcdefghijklmnopqrstuv", "a=fingerprint:sha-256 01:02", "a=setup:actpass",
                "a=simulcast:send a;b", "a=simulcast:recv", "a=rid:a send", "a=rid:b send pt=96",
                "a=rid:c send pt=", "a=ssrc:1 cname:x", "a=ssrc:", "a=ssrc-group:FID 1 2", "a=extmap:1 urn:x",
                "a=extmap:1/x urn:x", "a=msid:a b c", "a=bundle-only", "a=candidate:1 1 udp 1 h 1 typ host",
                "c=IN IP4", "b=AS:x", "", " ", "=", "a=", "a", "a=ssrc:99999999999999999999 cname:x",
                "t=9999999999999999999 0", "b=AS:99999999999999999999", "a=extmap:4352 urn:x", "a=rtpmap:96 x/0",
                "a=rtpmap:96 VP8/4294967296", "a=fmtp:96 profile-level-id=ffffff;packetization-mode=1",
                "a=rtpmap:96 H264/90000", "a=fmtp:97 apt=999999999999");
        Arbitrary<String> line = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, broken), net.jqwik.api.Tuple.of(3, Arbitraries.of(SAMPLE_LINES)));
        return line.list().ofMaxSize(40).map(lines -> {
            List<String> all = new ArrayList<>(List.of("v=0", "o=- 1 1 IN IP4 h", "s=-", "t=0 0"));
            all.addAll(lines);
            return String.join("\r\n", all);
        });
    }
}

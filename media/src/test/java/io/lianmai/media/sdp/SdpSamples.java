package io.lianmai.media.sdp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Real-world offers, reconstructed from what each client writes, kept beside the tests in {@code samples/} (read from
 * the module directory, where Surefire runs), and the server transport the tests answer with.
 */
final class SdpSamples {
    static final String CHROME_PUBLISH_SIMULCAST = "chrome-publish-simulcast.sdp";
    static final String CHROME_PLAY_RECVONLY = "chrome-play-recvonly.sdp";
    static final String FIREFOX_PUBLISH = "firefox-publish.sdp";
    static final String LIBWEBRTC_NATIVE_DATACHANNEL = "libwebrtc-native-datachannel.sdp";
    static final String OBS_WHIP = "obs-whip.sdp";
    static final String GSTREAMER_WHIPSINK = "gstreamer-whipsink.sdp";
    /** aiortc 1.4 (Debian python3-aiortc) as a WHEP viewer: extmap id 2 means a different URI in each m-line. */
    static final String AIORTC_PLAY_RECVONLY = "aiortc-play-recvonly.sdp";
    /**
     * aiortc 1.4 as a WHIP publisher (VP8 preferred, as {@code aiortc_peer.py} publishes): the same id 2 conflict, and
     * {@code goog-remb} without transport-cc.
     */
    static final String AIORTC_PUBLISH_SENDONLY = "aiortc-publish-sendonly.sdp";
    static final List<String> ALL = List.of(CHROME_PUBLISH_SIMULCAST, CHROME_PLAY_RECVONLY, FIREFOX_PUBLISH,
            LIBWEBRTC_NATIVE_DATACHANNEL, OBS_WHIP, GSTREAMER_WHIPSINK, AIORTC_PLAY_RECVONLY, AIORTC_PUBLISH_SENDONLY);

    private static final Path DIR = Path.of("src/test/java/io/lianmai/media/sdp/samples");

    static final LocalTransport SERVER = LocalTransport.of("lmSrv1", "Lianmai0ServerPassword22x",
            "sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99",
            List.of("a=candidate:1 1 udp 2130706431 203.0.113.7 8801 typ host",
                    "candidate:2 1 tcp 1518280447 203.0.113.7 8801 typ host tcptype passive"));

    private SdpSamples() {
    }

    /** The sample as stored (LF line ends). */
    static String text(String name) {
        try {
            return Files.readString(DIR.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sample with CRLF line ends, as browsers send it. */
    static String crlf(String name) {
        return text(name).replace("\r\n", "\n").replace("\n", "\r\n");
    }

    static SessionDescription parse(String name) {
        try {
            return SessionDescription.parse(crlf(name));
        } catch (SdpException e) {
            throw new AssertionError(name + ": " + e.getMessage(), e);
        }
    }

    static AnswerBuilder answers() {
        return new AnswerBuilder(NegotiationPolicy.defaults(), SERVER, () -> 42L);
    }
}

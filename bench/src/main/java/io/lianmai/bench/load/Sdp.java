package io.lianmai.bench.load;

import io.lianmai.media.ice.IceCredentials;
import io.lianmai.media.sdp.MediaDescription;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Pieces of the SDP offers the simulated clients send, written the way Chrome writes them (RFC 8829). */
final class Sdp {
    private Sdp() {
    }

    /** The session part: BUNDLE of the m-lines that follow ({@code 0}, or {@code 0 1}). */
    static StringBuilder header(IceCredentials ice, String streamId, boolean audio, boolean video) {
        StringBuilder sdp = new StringBuilder(2048);
        sdp.append("v=0\r\n")
                .append("o=- ").append(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE))
                .append(" 2 IN IP4 127.0.0.1\r\n")
                .append("s=-\r\n")
                .append("t=0 0\r\n")
                .append("a=group:BUNDLE ").append(audio && video ? "0 1" : "0").append("\r\n")
                .append("a=extmap-allow-mixed\r\n")
                .append("a=msid-semantic: WMS ").append(streamId).append("\r\n");
        return sdp;
    }

    /** The session part of an answer: BUNDLE of the accepted sections' {@code mids}. */
    static StringBuilder answerHeader(List<String> mids) {
        StringBuilder sdp = new StringBuilder(2048);
        sdp.append("v=0\r\n")
                .append("o=- ").append(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE))
                .append(" 2 IN IP4 127.0.0.1\r\n")
                .append("s=-\r\n")
                .append("t=0 0\r\n")
                .append("a=group:BUNDLE ").append(String.join(" ", mids)).append("\r\n")
                .append("a=extmap-allow-mixed\r\n")
                .append("a=msid-semantic: WMS\r\n");
        return sdp;
    }

    /** A section of the offer the answer refuses: port 0, its formats kept (RFC 8829 §5.3.1). */
    static void rejectedLine(StringBuilder sdp, MediaDescription offered) {
        sdp.append("m=").append(offered.media()).append(" 0 ").append(offered.proto()).append(' ')
                .append(String.join(" ", offered.formats())).append("\r\n")
                .append("c=IN IP4 0.0.0.0\r\n");
        offered.mid().ifPresent(mid -> sdp.append("a=mid:").append(mid).append("\r\n"));
    }

    /**
     * An m-line with the transport attributes every BUNDLEd section repeats: {@code setup} is {@code actpass} in an
     * offer; {@code candidate} (an {@code a=candidate} value) is null when the client has no socket yet.
     */
    static void mediaLine(StringBuilder sdp, String kind, int[] payloadTypes, String mid, IceCredentials ice,
            String fingerprint, String setup, String candidate, String direction) {
        sdp.append("m=").append(kind).append(" 9 UDP/TLS/RTP/SAVPF");
        for (int pt : payloadTypes) {
            sdp.append(' ').append(pt);
        }
        sdp.append("\r\n")
                .append("c=IN IP4 0.0.0.0\r\n")
                .append("a=rtcp:9 IN IP4 0.0.0.0\r\n")
                .append("a=ice-ufrag:").append(ice.ufrag()).append("\r\n")
                .append("a=ice-pwd:").append(ice.pwd()).append("\r\n")
                .append("a=ice-options:trickle\r\n")
                .append("a=fingerprint:").append(fingerprint).append("\r\n")
                .append("a=setup:").append(setup).append("\r\n")
                .append("a=mid:").append(mid).append("\r\n")
                .append("a=").append(direction).append("\r\n")
                .append("a=rtcp-mux\r\n");
        if (candidate != null) {
            sdp.append("a=candidate:").append(candidate).append("\r\n").append("a=end-of-candidates\r\n");
        }
    }

    /** The header extensions both kinds carry: abs-send-time and mid. */
    static void commonExtensions(StringBuilder sdp) {
        sdp.append("a=extmap:").append(SyntheticStream.ABS_SEND_TIME_ID)
                .append(" http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n");
        sdp.append("a=extmap:").append(SyntheticStream.MID_ID).append(" urn:ietf:params:rtp-hdrext:sdes:mid\r\n");
    }

    static void ssrc(StringBuilder sdp, long ssrc, String cname, String streamId, String trackId) {
        sdp.append("a=ssrc:").append(ssrc).append(" cname:").append(cname).append("\r\n");
        sdp.append("a=ssrc:").append(ssrc).append(" msid:").append(streamId).append(' ').append(trackId)
                .append("\r\n");
    }
}

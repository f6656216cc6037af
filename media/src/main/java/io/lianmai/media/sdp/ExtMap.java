package io.lianmai.media.sdp;

/**
 * An RTP header extension mapping, {@code a=extmap:<id>[/<direction>] <uri> [<attributes>]} (RFC 8285 §8).
 *
 * @param id         1..14 for one-byte headers, up to 255 with two-byte headers; 4096..4351 are only legal in
 *                   offers to ask the answerer to choose
 * @param direction  the direction the writer uses the extension in, or {@code null} when not written (both)
 * @param uri        the extension's name
 * @param attributes extension attributes, or empty
 */
public record ExtMap(int id, Direction direction, String uri, String attributes) {
    public static final String AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    public static final String MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    public static final String RTP_STREAM_ID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    public static final String REPAIRED_RTP_STREAM_ID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
    public static final String ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    public static final String TRANSPORT_WIDE_CC =
            "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    public static final String PLAYOUT_DELAY = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";

    public ExtMap {
        if (id < 1 || id > 4351) {
            throw new IllegalArgumentException("extmap id must be 1..4351: " + id);
        }
        if (uri == null || uri.isEmpty() || !SdpSyntax.isLineText(uri) || uri.indexOf(' ') >= 0
                || uri.indexOf('\t') >= 0) {
            throw new IllegalArgumentException("extmap URI must be one word: " + uri);
        }
        SdpSyntax.requireText(attributes, "extmap attributes");
        if (!attributes.equals(attributes.strip())) {
            throw new IllegalArgumentException("extmap attributes must not have outer spaces");
        }
    }

    /** A mapping without direction or attributes. */
    public static ExtMap of(int id, String uri) {
        return new ExtMap(id, null, uri, "");
    }

    static ExtMap parse(String value) throws SdpException {
        String[] words = SdpSyntax.words(value);
        if (words.length < 2) {
            throw SdpSyntax.malformed("extmap needs \"<id>[/<direction>] <uri>\"");
        }
        String idPart = words[0];
        Direction direction = null;
        int slash = idPart.indexOf('/');
        if (slash >= 0) {
            String name = idPart.substring(slash + 1);
            direction = Direction.fromSdpName(name).orElseThrow(() -> SdpSyntax.malformed(
                    "extmap direction \"" + SdpException.shorten(name) + "\" is not a direction"));
            idPart = idPart.substring(0, slash);
        }
        int id = SdpSyntax.parseInt(idPart, 1, 4351, "extmap id");
        String rest = String.join(" ", java.util.Arrays.copyOfRange(words, 2, words.length));
        return new ExtMap(id, direction, words[1], rest);
    }

    public String toValue() {
        StringBuilder out = new StringBuilder().append(id);
        if (direction != null) {
            out.append('/').append(direction.sdpName());
        }
        out.append(' ').append(uri);
        if (!attributes.isEmpty()) {
            out.append(' ').append(attributes);
        }
        return out.toString();
    }
}

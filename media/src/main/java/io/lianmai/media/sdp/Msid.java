package io.lianmai.media.sdp;

/**
 * {@code a=msid:<stream-id> [<track-id>]} (RFC 8830 §2): the media stream and track an m-line's media belongs to.
 * Browsers write {@code -} as the stream id for a track without a stream.
 *
 * @param streamId the stream id
 * @param trackId  the application data, in WebRTC the track id; empty when not written
 */
public record Msid(String streamId, String trackId) {

    public Msid {
        if (!isWord(streamId) || !(trackId.isEmpty() || isWord(trackId))) {
            throw new IllegalArgumentException("msid parts must be single words: " + streamId + " " + trackId);
        }
    }

    static Msid parse(String value) throws SdpException {
        String[] words = SdpSyntax.words(value);
        if (words.length < 1 || words.length > 2) {
            throw SdpSyntax.malformed("msid needs \"<stream-id> [<track-id>]\"");
        }
        return new Msid(words[0], words.length == 2 ? words[1] : "");
    }

    private static boolean isWord(String s) {
        return s != null && !s.isEmpty() && SdpSyntax.isLineText(s) && s.indexOf(' ') < 0 && s.indexOf('\t') < 0;
    }

    public String toValue() {
        return trackId.isEmpty() ? streamId : streamId + " " + trackId;
    }
}

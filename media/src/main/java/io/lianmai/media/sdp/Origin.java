package io.lianmai.media.sdp;

/**
 * The {@code o=} line (RFC 8866 §5.2): who made the description and which version of it this is.
 *
 * @param username       {@code -} when there is none
 * @param sessionId      decimal digits, unique per session
 * @param sessionVersion decimal digits, increased with each new offer or answer in the session
 * @param netType        {@code IN}
 * @param addressType    {@code IP4} or {@code IP6}
 * @param address        an address or host name; WebRTC writes a placeholder
 */
public record Origin(String username, String sessionId, String sessionVersion, String netType, String addressType,
        String address) {

    public Origin {
        for (String part : new String[] {username, netType, addressType, address}) {
            if (part == null || part.isEmpty() || !SdpSyntax.isLineText(part) || part.indexOf(' ') >= 0
                    || part.indexOf('\t') >= 0) {
                throw new IllegalArgumentException("origin parts must be non-empty words: " + part);
            }
        }
        if (!SdpSyntax.isDigits(sessionId) || !SdpSyntax.isDigits(sessionVersion)) {
            throw new IllegalArgumentException("origin session id and version must be digits");
        }
    }

    /** The origin Lianmai writes: {@code - <id> <version> IN IP4 127.0.0.1}, as browsers do. */
    public static Origin of(long sessionId, long sessionVersion) {
        return new Origin("-", Long.toUnsignedString(sessionId), Long.toUnsignedString(sessionVersion), "IN", "IP4",
                "127.0.0.1");
    }

    static Origin parse(String value) throws SdpException {
        String[] words = value.split(" ", -1);
        if (words.length != 6) {
            throw SdpSyntax.malformed("origin needs 6 fields separated by single spaces "
                    + "(username sess-id sess-version nettype addrtype address), found " + words.length);
        }
        for (String word : words) {
            if (word.isEmpty()) {
                throw SdpSyntax.malformed("origin has an empty field");
            }
        }
        if (!SdpSyntax.isDigits(words[1]) || words[1].length() > 32) {
            throw SdpSyntax.malformed("origin sess-id \"" + SdpException.shorten(words[1]) + "\" is not digits");
        }
        if (!SdpSyntax.isDigits(words[2]) || words[2].length() > 32) {
            throw SdpSyntax.malformed("origin sess-version \"" + SdpException.shorten(words[2])
                    + "\" is not digits");
        }
        return new Origin(words[0], words[1], words[2], words[3], words[4], words[5]);
    }

    /** The value after {@code o=}. */
    public String value() {
        return String.join(" ", username, sessionId, sessionVersion, netType, addressType, address);
    }
}

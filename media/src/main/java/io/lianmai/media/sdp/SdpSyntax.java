package io.lianmai.media.sdp;

/** Small lexical checks shared by the parsers of lines and attributes (RFC 8866 §9 grammar). */
final class SdpSyntax {
    private SdpSyntax() {
    }

    /** RFC 8866 {@code token-char}: visible ASCII except the separators {@code "(),/:;<=>?@[\]{}} and space. */
    static boolean isTokenChar(char c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return "!#$%&'*+-.^_`{|}~".indexOf(c) >= 0;
    }

    static boolean isToken(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Text allowed in a line's value: no control characters except tab (so no CR, LF or NUL). */
    static boolean isLineText(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** A decimal number in {@code [min, max]}, or an {@link SdpException} naming {@code what}. */
    static long parseNumber(String s, long min, long max, String what) throws SdpException {
        if (!isDigits(s)) {
            throw malformed(what + " \"" + SdpException.shorten(s) + "\" is not a number");
        }
        // Up to 18 digits always fits a long; longer is out of every range used in SDP.
        if (s.length() > 18) {
            throw malformed(what + " \"" + SdpException.shorten(s) + "\" is too large");
        }
        long value = Long.parseLong(s);
        if (value < min || value > max) {
            throw malformed(what + " " + value + " is outside " + min + ".." + max);
        }
        return value;
    }

    static int parseInt(String s, int min, int max, String what) throws SdpException {
        return (int) parseNumber(s, min, max, what);
    }

    /** A payload type, 0..127 (RFC 3551). */
    static int parsePayloadType(String s) throws SdpException {
        return parseInt(s, 0, 127, "payload type");
    }

    /** Splits on runs of spaces (tabs too), dropping empty parts. */
    static String[] words(String s) {
        String trimmed = s.strip();
        return trimmed.isEmpty() ? new String[0] : trimmed.split("[ \t]+");
    }

    static SdpException malformed(String detail) {
        return new SdpException(SdpError.MALFORMED, detail);
    }

    /** Rejects {@code null}, empty or line-breaking text in a programmatically built model. */
    static String requireText(String s, String what) {
        if (s == null || !isLineText(s)) {
            throw new IllegalArgumentException(what + " must be text without line breaks: " + s);
        }
        return s;
    }

    static String requireToken(String s, String what) {
        if (!isToken(s)) {
            throw new IllegalArgumentException(what + " must be an SDP token: " + s);
        }
        return s;
    }
}

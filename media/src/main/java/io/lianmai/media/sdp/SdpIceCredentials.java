package io.lianmai.media.sdp;

/**
 * ICE username fragment and password ({@code a=ice-ufrag}, {@code a=ice-pwd}; RFC 8839 §5.4).
 *
 * @param ufrag the username fragment
 * @param pwd   the password
 */
public record SdpIceCredentials(String ufrag, String pwd) {
    private static final int MAX_LENGTH = 256;

    public SdpIceCredentials {
        if (!isLenientIceText(ufrag) || !isLenientIceText(pwd)) {
            throw new IllegalArgumentException("ICE ufrag and pwd must be 1..256 visible characters");
        }
    }

    /**
     * Credentials the server hands out, held to RFC 8839: {@code ice-char} ({@code ALPHA / DIGIT / "+" / "/"}),
     * ufrag 4..256 characters, pwd 22..256.
     */
    public static SdpIceCredentials strict(String ufrag, String pwd) {
        if (!isIceChars(ufrag) || ufrag.length() < 4 || !isIceChars(pwd) || pwd.length() < 22) {
            throw new IllegalArgumentException(
                    "server ICE credentials must be ice-chars, ufrag at least 4 and pwd at least 22 long");
        }
        return new SdpIceCredentials(ufrag, pwd);
    }

    /** Remote values: browsers and WHIP tools all follow RFC 8839, but the SFU only needs them usable. */
    static boolean isLenientIceText(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIceChars(String s) {
        if (s == null || s.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}

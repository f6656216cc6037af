package io.lianmai.auth;

/**
 * Rules for the strings a UserSig signs besides the userID (whose rule is {@link io.lianmai.common.UserId}), and
 * how to quote untrusted ones in messages.
 */
final class UserIds {
    private static final int QUOTE_LIMIT = 64;

    private UserIds() {
    }

    static void requirePrintableAscii(String what, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException(what + " " + quote(value)
                        + " must be printable ASCII (letters, digits, _ and - are safest)");
            }
        }
    }

    /** Quotes an untrusted string for a message: bounded in length, control and non-ASCII characters escaped. */
    static String quote(String value) {
        StringBuilder quoted = new StringBuilder("'");
        int end = Math.min(value.length(), QUOTE_LIMIT);
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '\'') {
                quoted.append(c);
            } else {
                quoted.append(String.format("\\u%04x", (int) c));
            }
        }
        if (value.length() > QUOTE_LIMIT) {
            quoted.append("…");
        }
        return quoted.append('\'').toString();
    }
}

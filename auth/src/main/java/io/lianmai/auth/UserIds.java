package io.lianmai.auth;

/**
 * How to quote untrusted identifiers in messages. (The rules for what may be signed are the server's:
 * {@link io.lianmai.common.UserId} and {@link io.lianmai.common.RoomRef}.)
 */
final class UserIds {
    private static final int QUOTE_LIMIT = 64;

    private UserIds() {
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

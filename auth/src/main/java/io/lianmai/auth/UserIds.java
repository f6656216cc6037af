package io.lianmai.auth;

/** Rules for the strings a UserSig signs, and how to quote untrusted ones in messages. */
final class UserIds {
    /** TRTC's limit for a userID: up to 32 bytes of printable ASCII. */
    static final int MAX_USER_ID_LENGTH = 32;

    private static final int QUOTE_LIMIT = 64;

    private UserIds() {
    }

    /** Checks a userID to be signed: 1..32 printable ASCII characters. */
    static void requireValidUserId(String userId) {
        if (userId == null || userId.isEmpty()) {
            throw new IllegalArgumentException("userID is empty");
        }
        if (userId.length() > MAX_USER_ID_LENGTH) {
            throw new IllegalArgumentException("userID is " + userId.length() + " characters, at most "
                    + MAX_USER_ID_LENGTH + " are allowed");
        }
        requirePrintableAscii("userID", userId);
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

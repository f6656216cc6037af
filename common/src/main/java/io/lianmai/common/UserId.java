package io.lianmai.common;

import java.util.Objects;

/**
 * A user's identifier within an app, TRTC's {@code userID}: 1..32 characters of ASCII letters, digits, {@code _},
 * {@code -}, {@code .} and {@code @}. The one rule that the UserSig signer (and so {@code lianmai usersig}), the
 * server's authentication, signalling, WHIP/WHEP and RTMP ingest all apply, so that nothing signs a userID the
 * server would refuse. The set is TRTC's safe subset: it holds no {@code /}, so a userID can never make a stream key
 * name another room, and no quotes, spaces or control characters, so it is safe in logs and URLs.
 *
 * @param value the userID, already checked
 */
public record UserId(String value) {
    /** Longest userID, in characters (TRTC's limit). */
    public static final int MAX_LENGTH = 32;
    /** The symbols allowed besides ASCII letters and digits. */
    public static final String SYMBOLS = "_-.@";

    public UserId {
        Objects.requireNonNull(value, "value");
        String problem = problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /**
     * Checks {@code text} against the rule.
     *
     * @throws IllegalArgumentException saying what is wrong (empty, too long, or which character is not allowed)
     */
    public static UserId parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("userID is missing");
        }
        return new UserId(text);
    }

    /** Whether {@code text} is a valid userID. */
    public static boolean isValid(String text) {
        return text != null && problem(text) == null;
    }

    /** Whether {@code c} may appear in a userID. */
    public static boolean isUserIdChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || SYMBOLS.indexOf(c) >= 0;
    }

    private static String problem(String text) {
        if (text.isEmpty()) {
            return "userID is empty";
        }
        if (text.length() > MAX_LENGTH) {
            return "userID is " + text.length() + " characters, at most " + MAX_LENGTH + " are allowed";
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isUserIdChar(c)) {
                return "userID may hold letters, digits, '_', '-', '.' and '@' only, not "
                        + (c >= 0x21 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c))
                        + " at position " + (i + 1);
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return value;
    }
}

package io.lianmai.media.ice;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * An ICE username fragment and password, {@code a=ice-ufrag} and {@code a=ice-pwd} in SDP (RFC 8839 §5.4): the ufrag
 * 4..256 and the password 22..256 ice-chars ({@code ALPHA / DIGIT / "+" / "/"}). Immutable; {@link #toString()}
 * hides the password.
 */
public final class IceCredentials {

    /**
     * Length of a generated ufrag. RFC 8839 asks for at least 24 bits of randomness (4 chars); the server demultiplexes
     * every session on one port by ufrag, so 8 chars (48 bits) keep accidental collisions negligible at 10^5 sessions.
     */
    public static final int GENERATED_UFRAG_LENGTH = 8;
    /** Length of a generated password: 24 chars, 144 random bits (RFC 8839 asks for at least 128), as browsers do. */
    public static final int GENERATED_PWD_LENGTH = 24;

    static final int MIN_UFRAG_LENGTH = 4;
    static final int MIN_PWD_LENGTH = 22;
    static final int MAX_LENGTH = 256;

    private static final char[] ICE_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

    private final String ufrag;
    private final String pwd;

    private IceCredentials(String ufrag, String pwd) {
        this.ufrag = ufrag;
        this.pwd = pwd;
    }

    /**
     * Credentials taken from SDP or configuration.
     *
     * @throws IllegalArgumentException naming the field if either is too short, too long or not ice-chars
     */
    public static IceCredentials of(String ufrag, String pwd) {
        check("ice-ufrag", Objects.requireNonNull(ufrag, "ufrag"), MIN_UFRAG_LENGTH);
        check("ice-pwd", Objects.requireNonNull(pwd, "pwd"), MIN_PWD_LENGTH);
        return new IceCredentials(ufrag, pwd);
    }

    /** Fresh random credentials for a new session. */
    public static IceCredentials generate(SecureRandom random) {
        return new IceCredentials(randomIceChars(random, GENERATED_UFRAG_LENGTH),
                randomIceChars(random, GENERATED_PWD_LENGTH));
    }

    private static String randomIceChars(SecureRandom random, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ICE_CHARS[random.nextInt(ICE_CHARS.length)];
        }
        return new String(chars);
    }

    private static void check(String name, String value, int minLength) {
        if (value.length() < minLength || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(name + " must have " + minLength + ".." + MAX_LENGTH
                    + " characters, got " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            if (!isIceChar(value.charAt(i))) {
                throw new IllegalArgumentException(name + " may hold only letters, digits, '+' and '/', got "
                        + describe(value.charAt(i)) + " at index " + i);
            }
        }
    }

    private static String describe(char c) {
        return c >= 0x21 && c < 0x7F ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    static boolean isIceChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    }

    /** The username fragment, {@code a=ice-ufrag}. */
    public String ufrag() {
        return ufrag;
    }

    /** The password, {@code a=ice-pwd}; the MESSAGE-INTEGRITY key is its UTF-8 bytes. */
    public String pwd() {
        return pwd;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IceCredentials that && ufrag.equals(that.ufrag) && pwd.equals(that.pwd);
    }

    @Override
    public int hashCode() {
        return ufrag.hashCode() * 31 + pwd.hashCode();
    }

    @Override
    public String toString() {
        return "IceCredentials[ufrag=" + ufrag + ", pwd hidden]";
    }
}

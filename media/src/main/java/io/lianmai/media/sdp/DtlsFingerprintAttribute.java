package io.lianmai.media.sdp;

import java.util.Locale;

/**
 * A certificate fingerprint, {@code a=fingerprint:<hash-func> <hex:pairs>} (RFC 8122 §5), that binds the DTLS
 * handshake to the signalling.
 *
 * @param algorithm the hash function as written, e.g. {@code sha-256}
 * @param value     upper- or lower-case hex byte pairs separated by colons
 */
public record DtlsFingerprintAttribute(String algorithm, String value) {
    private static final int MAX_BYTES = 64;

    public DtlsFingerprintAttribute {
        try {
            check(algorithm, value);
        } catch (SdpException e) {
            throw new IllegalArgumentException(e.detail(), e);
        }
    }

    /** Parses {@code "sha-256 AB:CD:..."}, the value of the attribute. */
    public static DtlsFingerprintAttribute parse(String text) throws SdpException {
        String[] words = SdpSyntax.words(text);
        if (words.length != 2) {
            throw SdpSyntax.malformed("fingerprint needs \"<hash-func> <hex:pairs>\"");
        }
        check(words[0], words[1]);
        return new DtlsFingerprintAttribute(words[0], words[1]);
    }

    private static void check(String algorithm, String value) throws SdpException {
        if (!SdpSyntax.isToken(algorithm)) {
            throw SdpSyntax.malformed("fingerprint hash function \"" + algorithm + "\" is not a token");
        }
        if (value == null || value.length() < 2 || value.length() > MAX_BYTES * 3 - 1
                || (value.length() + 1) % 3 != 0) {
            throw SdpSyntax.malformed("fingerprint value must be hex byte pairs separated by colons");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = i % 3 == 2 ? c == ':' : Character.digit(c, 16) >= 0 && c < 0x80;
            if (!ok) {
                throw SdpSyntax.malformed("fingerprint value must be hex byte pairs separated by colons");
            }
        }
    }

    /** The hash function in lower case, as {@code MessageDigest} names it after dropping the dash. */
    public String normalizedAlgorithm() {
        return algorithm.toLowerCase(Locale.ROOT);
    }

    /** The fingerprint's bytes. */
    public byte[] bytes() {
        byte[] out = new byte[(value.length() + 1) / 3];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(value.substring(i * 3, i * 3 + 2), 16);
        }
        return out;
    }

    /** The attribute value: {@code <hash-func> <hex:pairs>}. */
    public String toValue() {
        return algorithm + " " + value;
    }
}

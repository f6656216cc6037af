package io.lianmai.media.dtls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A certificate fingerprint as SDP carries it (RFC 8122 §5, formerly RFC 4572):
 * {@code a=fingerprint:sha-256 AB:CD:...:EF}, the hash of the DER certificate in upper-case hex pairs joined by
 * colons. Parse with {@link #parse}; compute with {@link #of}.
 */
public final class DtlsFingerprint {
    /** The SDP attribute name, without {@code a=} and the colon. */
    public static final String SDP_ATTRIBUTE = "fingerprint";

    /** The hash functions accepted; md5 and md2 (RFC 8122 §5 lists them) are refused as broken. */
    public enum HashFunction {
        SHA_1("sha-1", "SHA-1", 20),
        SHA_224("sha-224", "SHA-224", 28),
        SHA_256("sha-256", "SHA-256", 32),
        SHA_384("sha-384", "SHA-384", 48),
        SHA_512("sha-512", "SHA-512", 64);

        private final String sdpName;
        private final String jcaName;
        private final int length;

        HashFunction(String sdpName, String jcaName, int length) {
            this.sdpName = sdpName;
            this.jcaName = jcaName;
            this.length = length;
        }

        /** The token SDP uses, e.g. {@code sha-256} (IANA "Hash Function Textual Names"). */
        public String sdpName() {
            return sdpName;
        }

        /** Digest length in bytes. */
        public int length() {
            return length;
        }

        byte[] digest(byte[] data) {
            try {
                return MessageDigest.getInstance(jcaName).digest(data);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("this JDK has no " + jcaName, e);
            }
        }

        static HashFunction ofSdpName(String name) {
            String lower = name.toLowerCase(Locale.ROOT);
            for (HashFunction function : values()) {
                if (function.sdpName.equals(lower)) {
                    return function;
                }
            }
            return null;
        }
    }

    private final HashFunction hashFunction;
    private final byte[] value;

    private DtlsFingerprint(HashFunction hashFunction, byte[] value) {
        this.hashFunction = hashFunction;
        this.value = value;
    }

    /** The fingerprint of the DER-encoded certificate {@code der} under {@code hashFunction}. */
    public static DtlsFingerprint of(HashFunction hashFunction, byte[] der) {
        return new DtlsFingerprint(hashFunction, hashFunction.digest(der));
    }

    /**
     * Parses {@code sha-256 AB:CD:...}, with or without a leading {@code a=fingerprint:} (RFC 8122 §5). Hash names
     * and hex digits are case-insensitive.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static DtlsFingerprint parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("fingerprint is missing");
        }
        String rest = text.strip();
        String prefix = "a=" + SDP_ATTRIBUTE + ":";
        if (rest.regionMatches(true, 0, prefix, 0, prefix.length())) {
            rest = rest.substring(prefix.length());
        }
        int space = rest.indexOf(' ');
        if (space < 0) {
            throw new IllegalArgumentException("fingerprint '" + clip(text) + "' has no hash function and value");
        }
        String name = rest.substring(0, space);
        HashFunction function = HashFunction.ofSdpName(name);
        if (function == null) {
            throw new IllegalArgumentException("unsupported fingerprint hash function '" + clip(name)
                    + "'; expected one of sha-1, sha-224, sha-256, sha-384, sha-512");
        }
        String hex = rest.substring(space + 1).strip();
        int expected = function.length * 3 - 1;
        if (hex.length() != expected) {
            throw new IllegalArgumentException(function.sdpName + " fingerprint must be " + function.length
                    + " colon-separated hex pairs, got '" + clip(hex) + "'");
        }
        byte[] value = new byte[function.length];
        for (int i = 0; i < function.length; i++) {
            int at = i * 3;
            if (i > 0 && hex.charAt(at - 1) != ':') {
                throw new IllegalArgumentException(
                        "fingerprint pairs must be separated by ':', got '" + clip(hex) + "'");
            }
            int high = Character.digit(hex.charAt(at), 16);
            int low = Character.digit(hex.charAt(at + 1), 16);
            if (high < 0 || low < 0) {
                throw new IllegalArgumentException("fingerprint has a non-hex digit: '" + clip(hex) + "'");
            }
            value[i] = (byte) (high << 4 | low);
        }
        return new DtlsFingerprint(function, value);
    }

    public HashFunction hashFunction() {
        return hashFunction;
    }

    /** A copy of the digest. */
    public byte[] value() {
        return value.clone();
    }

    /** Whether {@code der} (a DER certificate) hashes to this fingerprint; constant-time in the comparison. */
    public boolean matches(byte[] der) {
        return MessageDigest.isEqual(value, hashFunction.digest(der));
    }

    /** The attribute value: {@code sha-256 AB:CD:...}. */
    public String toSdpValue() {
        StringBuilder out = new StringBuilder(hashFunction.sdpName.length() + 1 + value.length * 3);
        out.append(hashFunction.sdpName).append(' ');
        HexFormat hex = HexFormat.of().withUpperCase();
        for (int i = 0; i < value.length; i++) {
            if (i > 0) {
                out.append(':');
            }
            out.append(hex.toHexDigits(value[i]));
        }
        return out.toString();
    }

    /** The whole SDP line: {@code a=fingerprint:sha-256 AB:CD:...}. */
    public String toSdpAttribute() {
        return "a=" + SDP_ATTRIBUTE + ":" + toSdpValue();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DtlsFingerprint that && hashFunction == that.hashFunction
                && MessageDigest.isEqual(value, that.value);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return toSdpValue();
    }

    private static String clip(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "…";
    }
}

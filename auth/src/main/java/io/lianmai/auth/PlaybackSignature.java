package io.lianmai.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * Signed live playback URLs as Tencent CSS hotlink protection (防盗链) makes them, so a player or CDN tool that signs
 * for Tencent signs for Lianmai too:
 *
 * <pre>
 * txTime   = expiry as hexadecimal Unix seconds (Tencent's examples use upper case: 6955B900)
 * txSecret = lower-case hex MD5(playKey + streamName + txTime)
 * URL      = …/live/{streamName}.flv?txSecret={txSecret}&amp;txTime={txTime}
 * </pre>
 *
 * The MD5 is taken over {@code txTime} exactly as it appears in the URL; a {@code txSecret} in upper case is
 * accepted. Verification compares in constant time. Thread-safe (stateless).
 */
public final class PlaybackSignature {
    /** Query parameter carrying the signature. */
    public static final String SECRET_PARAMETER = "txSecret";
    /** Query parameter carrying the expiry. */
    public static final String TIME_PARAMETER = "txTime";
    /** Longest {@code txTime} read: 16 hex digits hold any 64-bit time. */
    private static final int MAX_TIME_DIGITS = 16;
    private static final int SECRET_HEX_DIGITS = 32;
    private static final HexFormat HEX = HexFormat.of();

    /** What a verification found. */
    public enum Verdict {
        /** Valid and not expired. */
        VALID,
        /** No {@code txSecret} or no {@code txTime}. */
        MISSING,
        /** {@code txTime} is not 1..16 hex digits, or {@code txSecret} not 32. */
        MALFORMED,
        /** Well formed and correctly signed, but {@code txTime} has passed. */
        EXPIRED,
        /** Signed with another key or for another stream or time. */
        WRONG
    }

    /** A signature: the two query parameters. */
    public record Signed(String txSecret, String txTime) {
        /** {@code txSecret=…&txTime=…}, ready to follow a {@code ?}. */
        public String query() {
            return SECRET_PARAMETER + "=" + txSecret + "&" + TIME_PARAMETER + "=" + txTime;
        }
    }

    private PlaybackSignature() {
    }

    /** Signs {@code streamName} with {@code playKey}, valid until {@code expiry} (whole seconds, rounded down). */
    public static Signed sign(String playKey, String streamName, Instant expiry) {
        String txTime = Long.toHexString(expiry.getEpochSecond()).toUpperCase(Locale.ROOT);
        return new Signed(secret(playKey, streamName, txTime), txTime);
    }

    /**
     * Checks a signature from a URL's query.
     *
     * @param txSecret the {@code txSecret} parameter, or null when absent
     * @param txTime   the {@code txTime} parameter, or null when absent
     * @param now      the current time; a {@code txTime} at or before it has expired
     */
    public static Verdict verify(String playKey, String streamName, String txSecret, String txTime, Instant now) {
        Objects.requireNonNull(playKey, "playKey");
        Objects.requireNonNull(streamName, "streamName");
        if (txSecret == null || txSecret.isEmpty() || txTime == null || txTime.isEmpty()) {
            return Verdict.MISSING;
        }
        if (txTime.length() > MAX_TIME_DIGITS || !isHex(txTime) || txSecret.length() != SECRET_HEX_DIGITS
                || !isHex(txSecret)) {
            return Verdict.MALFORMED;
        }
        byte[] expected = secret(playKey, streamName, txTime).getBytes(StandardCharsets.US_ASCII);
        byte[] given = txSecret.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, given)) {
            return Verdict.WRONG;
        }
        long expiry = Long.parseUnsignedLong(txTime, 16);
        return expiry > now.getEpochSecond() && expiry >= 0 ? Verdict.VALID : Verdict.EXPIRED;
    }

    /** Lower-case hex MD5 of {@code playKey + streamName + txTime} (UTF-8). */
    static String secret(String playKey, String streamName, String txTime) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            return HEX.formatHex(md5.digest((playKey + streamName + txTime).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }

    private static boolean isHex(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }
}

package io.lianmai.server.api;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tencent Cloud API 3.0's signature, TC3-HMAC-SHA256, as the {@code tencentcloud-sdk-*} clients compute it (Tencent
 * Cloud API documentation, "Signature v3"):
 *
 * <pre>
 * CanonicalRequest = "POST\n/\n\n" + CanonicalHeaders + "\n" + SignedHeaders + "\n" + hex(SHA256(body))
 *                    (CanonicalHeaders: "name:value\n" for each signed header, in SignedHeaders' order)
 * StringToSign     = "TC3-HMAC-SHA256\n" + Timestamp + "\n" + Date + "/" + Service + "/tc3_request\n"
 *                    + hex(SHA256(CanonicalRequest))
 * SecretSigning    = HMAC(HMAC(HMAC("TC3" + SecretKey, Date), Service), "tc3_request")
 * Signature        = hex(HMAC(SecretSigning, StringToSign))
 * </pre>
 *
 * Pure functions, also used by tests to sign requests by hand.
 */
public final class Tc3Signature {
    /** The algorithm's name in the Authorization header and the string to sign. */
    public static final String ALGORITHM = "TC3-HMAC-SHA256";
    /** The last element of the credential scope. */
    public static final String TERMINATOR = "tc3_request";

    /** A {@code Host} value with a port: a name or IPv4 address, or a bracketed IPv6 address, then {@code :port}. */
    private static final Pattern HOST_PORT = Pattern.compile("^(\\[[^\\]]*\\]|[^:\\[\\]]*):[0-9]{1,5}$");

    private Tc3Signature() {
    }

    /**
     * The canonical request of a {@code POST /}.
     *
     * @param headerValues the value of each signed header, in the order of {@code signedHeaders}
     */
    public static String canonicalRequest(List<String> signedHeaders, List<String> headerValues, byte[] body) {
        StringBuilder canonical = new StringBuilder("POST\n/\n\n");
        for (int i = 0; i < signedHeaders.size(); i++) {
            canonical.append(signedHeaders.get(i)).append(':').append(headerValues.get(i)).append('\n');
        }
        return canonical.append('\n').append(String.join(";", signedHeaders)).append('\n')
                .append(HexFormat.of().formatHex(sha256(body))).toString();
    }

    /** The string to sign for {@code canonicalRequest}, with the scope {@code date/service/tc3_request}. */
    public static String stringToSign(long timestamp, String date, String service, String canonicalRequest) {
        return ALGORITHM + "\n" + timestamp + "\n" + date + "/" + service + "/" + TERMINATOR + "\n"
                + HexFormat.of().formatHex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    }

    /** The signature, lowercase hex, of {@code stringToSign} with the key derived from {@code secretKey}. */
    public static String signature(String secretKey, String date, String service, String stringToSign) {
        byte[] secretDate = hmac(("TC3" + secretKey).getBytes(StandardCharsets.UTF_8), date);
        byte[] secretService = hmac(secretDate, service);
        byte[] secretSigning = hmac(secretService, TERMINATOR);
        return HexFormat.of().formatHex(hmac(secretSigning, stringToSign));
    }

    /**
     * The values of the signed headers to try in the canonical request, most literal first: as received; lowercased
     * (Tencent's documentation lowercases them, the SDKs send them lowercase already); and lowercased with the port
     * dropped from {@code host}, because {@code tencentcloud-sdk-nodejs} signs {@code host:} with its URL's host
     * name alone ({@code new URL(url).hostname}, {@code 127.0.0.1}) while the {@code Host} header it sends carries
     * the port ({@code 127.0.0.1:8800}); on Tencent's own endpoints (port 443, no port in {@code Host}) the two agree.
     * Each variant is distinct from the ones before it.
     *
     * @param values the value of each signed header as received, in the order of {@code signedHeaders}
     */
    public static List<List<String>> headerValueVariants(List<String> signedHeaders, List<String> values) {
        List<String> lower = values.stream().map(value -> value.toLowerCase(Locale.ROOT)).toList();
        List<String> portless = new ArrayList<>(lower);
        int host = signedHeaders.indexOf("host");
        if (host >= 0) {
            portless.set(host, HOST_PORT.matcher(lower.get(host)).replaceFirst("$1"));
        }
        Set<List<String>> variants = new LinkedHashSet<>(List.of(values, lower, List.copyOf(portless)));
        return List.copyOf(variants);
    }

    /** Compares two signatures in time that does not depend on where they differ. */
    public static boolean matches(String expected, String given) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}

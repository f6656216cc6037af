package io.lianmai.server.api;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
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

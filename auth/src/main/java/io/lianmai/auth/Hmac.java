package io.lianmai.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 keyed with an app's secret key, as UserSigs are signed; HMAC-SHA1 for TURN REST credentials. */
final class Hmac {
    private Hmac() {
    }

    /** The MAC of {@code content} under {@code secretKey}; both are taken as UTF-8, as the official libraries do. */
    static byte[] sha256(String secretKey, String content) {
        return mac("HmacSHA256", secretKey, content);
    }

    /** HMAC-SHA1, what coturn's {@code use-auth-secret} checks a TURN REST password with. */
    static byte[] sha1(String secretKey, String content) {
        return mac("HmacSHA1", secretKey, content);
    }

    private static byte[] mac(String algorithm, String secretKey, String content) {
        try {
            // Mac is not thread-safe; signing and verifying are rare enough that a fresh instance costs nothing.
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), algorithm));
            return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
    }
}

package io.lianmai.server.callback;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * TRTC's callback signature: header {@code Sign} = base64(HMAC-SHA256(callback key, body bytes)) (RFC 2104, FIPS
 * 180-4), so a receiver written for TRTC verifies Lianmai's posts unchanged.
 */
public final class CallbackSignature {
    private static final String HMAC_SHA256 = "HmacSHA256";

    private CallbackSignature() {
    }

    /** The {@code Sign} header of {@code body} under {@code callbackKey} (its UTF-8 bytes are the HMAC key). */
    public static String sign(String callbackKey, byte[] body) {
        try {
            Mac mac = Mac.getInstance(HMAC_SHA256);
            mac.init(new SecretKeySpec(callbackKey.getBytes(StandardCharsets.UTF_8), HMAC_SHA256));
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            // Every Java runtime has HmacSHA256, and any non-empty key is valid for it.
            throw new IllegalStateException("cannot compute HMAC-SHA256", e);
        }
    }
}

package io.lianmai.auth;

import io.lianmai.common.SdkAppId;
import java.time.Instant;
import java.util.Optional;

/**
 * The decoded contents of a UserSig: the JSON object Tencent's TLS signature v2 carries.
 *
 * @param version {@code TLS.ver}, {@code "2.0"}
 * @param identifier {@code TLS.identifier}, the userID
 * @param sdkAppId {@code TLS.sdkappid}
 * @param time {@code TLS.time}, when it was signed, in Unix seconds
 * @param expire {@code TLS.expire}, how many seconds after {@code time} it stays valid
 * @param sig {@code TLS.sig}, base64 of the HMAC-SHA256 over the other fields
 * @param userbuf {@code TLS.userbuf}, base64 of the PrivateMapKey's privilege buffer, when present
 */
public record UserSigFields(String version, String identifier, SdkAppId sdkAppId, long time, long expire,
        String sig, Optional<String> userbuf) {

    /** The only version this format has. */
    public static final String VERSION = "2.0";

    /** The instant after which the UserSig is no longer accepted. */
    public Instant expiresAt() {
        return Instant.ofEpochSecond(time).plusSeconds(expire);
    }

    /**
     * The text that {@code TLS.sig} is the HMAC-SHA256 of: one {@code name:value} line per signed field, each
     * ending in a newline, exactly as every official library builds it.
     */
    public String signedContent() {
        return signedContent(identifier, sdkAppId, time, expire, userbuf);
    }

    static String signedContent(String identifier, SdkAppId sdkAppId, long time, long expire, Optional<String> userbuf) {
        StringBuilder content = new StringBuilder(160)
                .append("TLS.identifier:").append(identifier).append('\n')
                .append("TLS.sdkappid:").append(sdkAppId.value()).append('\n')
                .append("TLS.time:").append(time).append('\n')
                .append("TLS.expire:").append(expire).append('\n');
        userbuf.ifPresent(buf -> content.append("TLS.userbuf:").append(buf).append('\n'));
        return content.toString();
    }
}

package io.lianmai.auth;

import io.lianmai.common.SdkAppId;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Accepts or rejects UserSigs and PrivateMapKeys signed by any official {@code tls-sig-api-v2} library (or by
 * {@link UserSigSigner}).
 *
 * <p>Checks, in order: form (base64, zlib, JSON, version), SDKAppID, userID, signature (constant-time), expiry,
 * and for a PrivateMapKey its privilege buffer. The first failure is thrown as a typed {@link UserSigException}.
 * Thread-safe; the current time comes from the injected clock.
 */
public final class UserSigVerifier {
    private static final int HMAC_SHA256_LENGTH = 32;

    private final Clock clock;

    public UserSigVerifier(Clock clock) {
        this.clock = clock;
    }

    /**
     * Verifies {@code userSig} as presented by {@code userId} to the app {@code sdkAppId} whose key is
     * {@code secretKey}.
     *
     * @return the verified fields, with the privilege buffer when the sig is a PrivateMapKey
     * @throws UserSigException with the first reason it cannot be accepted
     */
    public VerifiedUserSig verify(SdkAppId sdkAppId, String secretKey, String userId, String userSig)
            throws UserSigException {
        return verify(sdkAppId, List.of(secretKey), userId, userSig);
    }

    /**
     * As {@link #verify(SdkAppId, String, String, String)}, accepting a signature by any of {@code secretKeys}: the
     * app's current key and, after a rotation, the previous one while its grace period lasts.
     */
    public VerifiedUserSig verify(SdkAppId sdkAppId, List<String> secretKeys, String userId, String userSig)
            throws UserSigException {
        UserSigFields fields = UserSig.decode(userSig);
        if (!fields.sdkAppId().equals(sdkAppId)) {
            throw new UserSigException(UserSigError.SDKAPPID_MISMATCH,
                    "it was issued for SDKAppID " + fields.sdkAppId() + " but is used with SDKAppID " + sdkAppId);
        }
        if (!fields.identifier().equals(userId)) {
            throw new UserSigException(UserSigError.IDENTIFIER_MISMATCH, "it was issued for userID "
                    + UserIds.quote(fields.identifier()) + " but is presented by " + UserIds.quote(userId));
        }
        checkSignature(secretKeys, fields);
        long now = clock.instant().getEpochSecond();
        long expiresAt = fields.time() + fields.expire();
        if (now > expiresAt) {
            throw new UserSigException(UserSigError.EXPIRED, "it expired at " + Instant.ofEpochSecond(expiresAt)
                    + ", " + (now - expiresAt) + " s ago; sign a new one on your backend");
        }
        Optional<PrivateMapKey> privateMapKey = Optional.empty();
        if (fields.userbuf().isPresent()) {
            privateMapKey = Optional.of(privilegeBuffer(fields, now));
        }
        return new VerifiedUserSig(fields, privateMapKey);
    }

    /**
     * Verifies a PrivateMapKey: as {@link #verify}, and it must carry a privilege buffer.
     *
     * @throws UserSigException as {@link #verify}, or {@link UserSigError#BAD_USERBUF} when it is a plain UserSig
     */
    public PrivateMapKey verifyPrivateMapKey(SdkAppId sdkAppId, String secretKey, String userId, String privateMapKey)
            throws UserSigException {
        return verifyPrivateMapKey(sdkAppId, List.of(secretKey), userId, privateMapKey);
    }

    /** As {@link #verifyPrivateMapKey(SdkAppId, String, String, String)}, signed by any of {@code secretKeys}. */
    public PrivateMapKey verifyPrivateMapKey(SdkAppId sdkAppId, List<String> secretKeys, String userId,
            String privateMapKey) throws UserSigException {
        VerifiedUserSig verified = verify(sdkAppId, secretKeys, userId, privateMapKey);
        return verified.privateMapKey().orElseThrow(() -> new UserSigException(UserSigError.BAD_USERBUF,
                "this is a plain UserSig without TLS.userbuf, not a PrivateMapKey"));
    }

    private static void checkSignature(List<String> secretKeys, UserSigFields fields) throws UserSigException {
        byte[] presented;
        try {
            presented = Base64.getDecoder().decode(fields.sig());
        } catch (IllegalArgumentException e) {
            throw new UserSigException(UserSigError.BAD_SIGNATURE, "TLS.sig is not base64", e);
        }
        // MessageDigest.isEqual takes the same time wherever the first difference is, so timing reveals nothing.
        boolean signed = false;
        for (String secretKey : secretKeys) {
            signed |= presented.length == HMAC_SHA256_LENGTH
                    && MessageDigest.isEqual(Hmac.sha256(secretKey, fields.signedContent()), presented);
        }
        if (!signed) {
            throw new UserSigException(UserSigError.BAD_SIGNATURE,
                    "it was signed with another secret key, or altered after signing");
        }
    }

    private static PrivateMapKey privilegeBuffer(UserSigFields fields, long now) throws UserSigException {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(fields.userbuf().get().strip());
        } catch (IllegalArgumentException e) {
            throw new UserSigException(UserSigError.BAD_USERBUF, "TLS.userbuf is not base64", e);
        }
        PrivateMapKey key = PrivateMapKey.decode(raw);
        if (!key.identifier().equals(fields.identifier())) {
            throw new UserSigException(UserSigError.BAD_USERBUF, "it names userID " + UserIds.quote(key.identifier())
                    + " but the UserSig is for " + UserIds.quote(fields.identifier()));
        }
        if (!key.sdkAppId().equals(fields.sdkAppId())) {
            throw new UserSigException(UserSigError.BAD_USERBUF, "it names SDKAppID " + key.sdkAppId()
                    + " but the UserSig is for " + fields.sdkAppId());
        }
        if (now > key.expireAtEpochSeconds()) {
            throw new UserSigException(UserSigError.EXPIRED, "its privileges expired at "
                    + Instant.ofEpochSecond(key.expireAtEpochSeconds()) + "; sign a new PrivateMapKey");
        }
        return key;
    }
}

package io.lianmai.auth;

import io.lianmai.common.TrtcErrorCode;

/**
 * Why a UserSig or PrivateMapKey was rejected.
 *
 * <p>Each reason carries the code a TRTC client expects ({@link TrtcErrorCode#USER_SIG_INVALID} for a UserSig,
 * {@link TrtcErrorCode#PRIVILEGE_CHECK_FAILED} for a PrivateMapKey whose privilege map is unusable) and a detail
 * code: the number of the matching {@code CHECK_ERRnn} in Tencent's official {@code tls-sig-api-v2} library, so a
 * developer can look the failure up in Tencent's own material.
 */
public enum UserSigError {
    /** Nothing was given. */
    EMPTY(TrtcErrorCode.USER_SIG_INVALID, 1, "UserSig is empty"),
    /** Longer than any UserSig can be; refused before decoding so a huge input costs nothing. */
    TOO_LARGE(TrtcErrorCode.USER_SIG_INVALID, 1, "UserSig is too long"),
    /** Not the base64 variant UserSigs use ({@code *} {@code -} {@code _} for {@code +} {@code /} {@code =}). */
    MALFORMED_BASE64(TrtcErrorCode.USER_SIG_INVALID, 2, "UserSig is not valid base64"),
    /** The decoded bytes are not a complete zlib stream. */
    BAD_COMPRESSION(TrtcErrorCode.USER_SIG_INVALID, 3, "UserSig does not decompress (zlib)"),
    /** The decompressed text is not a JSON object of the expected types. */
    BAD_JSON(TrtcErrorCode.USER_SIG_INVALID, 4, "UserSig does not hold valid JSON"),
    /** A required {@code TLS.*} field is absent. */
    MISSING_FIELD(TrtcErrorCode.USER_SIG_INVALID, 7, "UserSig lacks a required field"),
    /** {@code TLS.ver} is not {@code "2.0"}. */
    UNSUPPORTED_VERSION(TrtcErrorCode.USER_SIG_INVALID, 10, "UserSig version is not supported"),
    /** Signed for another SDKAppID than the one it is used with. */
    SDKAPPID_MISMATCH(TrtcErrorCode.USER_SIG_INVALID, 14, "UserSig was issued for another SDKAppID"),
    /** Signed for another user than the one presenting it. */
    IDENTIFIER_MISMATCH(TrtcErrorCode.USER_SIG_INVALID, 13, "UserSig was issued for another userID"),
    /** The HMAC does not match: signed with another key, or altered after signing. */
    BAD_SIGNATURE(TrtcErrorCode.USER_SIG_INVALID, 8, "UserSig signature does not match the app's secret key"),
    /** Past {@code TLS.time + TLS.expire}. */
    EXPIRED(TrtcErrorCode.USER_SIG_INVALID, 9, "UserSig has expired"),
    /** The PrivateMapKey's privilege buffer ({@code TLS.userbuf}) is malformed or contradicts the signed fields. */
    BAD_USERBUF(TrtcErrorCode.PRIVILEGE_CHECK_FAILED, 15, "PrivateMapKey privilege buffer is invalid");

    private final int code;
    private final int detailCode;
    private final String description;

    UserSigError(int code, int detailCode, String description) {
        this.code = code;
        this.detailCode = detailCode;
        this.description = description;
    }

    /** The TRTC error code a client receives. */
    public int code() {
        return code;
    }

    /** The official library's {@code CHECK_ERRnn} number for this failure. */
    public int detailCode() {
        return detailCode;
    }

    /** A short human-readable statement of the failure. */
    public String description() {
        return description;
    }
}

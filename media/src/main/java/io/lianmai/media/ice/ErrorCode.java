package io.lianmai.media.ice;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * ERROR-CODE (RFC 8489 §14.8): a three-digit code and a UTF-8 reason phrase in an error response.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Reserved, should be 0         |Class|     Number    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Reason Phrase (variable)                                ..
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Class is the hundreds digit (3..6), Number the code modulo 100 (0..99). Immutable.
 */
public final class ErrorCode {

    /** 400: the request was malformed, e.g. without USERNAME or MESSAGE-INTEGRITY (RFC 8489 §9.1.3). */
    public static final ErrorCode BAD_REQUEST = new ErrorCode(400, "Bad Request");
    /** 401: wrong USERNAME or MESSAGE-INTEGRITY (RFC 8489 §9.1.3). */
    public static final ErrorCode UNAUTHORIZED = new ErrorCode(401, "Unauthorized");
    /** 487: both agents claim the same ICE role (RFC 8445 §7.3.1.1). */
    public static final ErrorCode ROLE_CONFLICT = new ErrorCode(487, "Role Conflict");

    private final int code;
    private final String reasonPhrase;
    private final byte[] reasonBytes;

    private ErrorCode(int code, String reasonPhrase) {
        this.code = code;
        this.reasonPhrase = reasonPhrase;
        this.reasonBytes = reasonPhrase.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * An error code to send or compare.
     *
     * @throws IllegalArgumentException if the code is not 300..699 or the phrase exceeds 763 UTF-8 bytes
     */
    public static ErrorCode of(int code, String reasonPhrase) {
        if (code < 300 || code > 699) {
            throw new IllegalArgumentException("STUN error code must be 300..699, got " + code);
        }
        ErrorCode error = new ErrorCode(code, Objects.requireNonNull(reasonPhrase, "reasonPhrase"));
        if (error.reasonBytes.length > StunMessage.MAX_REASON_PHRASE_LENGTH) {
            throw new IllegalArgumentException("STUN reason phrase must fit in 763 bytes, got "
                    + error.reasonBytes.length);
        }
        return error;
    }

    /** Why a value is malformed, or null if it is well-formed. */
    static String problemWith(byte[] buf, int value, int valueLength) {
        if (valueLength < 4) {
            return "ERROR-CODE needs at least 4 bytes, got " + valueLength;
        }
        if (valueLength - 4 > StunMessage.MAX_REASON_PHRASE_LENGTH) {
            return "ERROR-CODE reason phrase of " + (valueLength - 4) + " bytes exceeds 763";
        }
        int errorClass = buf[value + 2] & 0x07;
        int number = buf[value + 3] & 0xFF;
        if (errorClass < 3 || errorClass > 6 || number > 99) {
            return "ERROR-CODE class must be 3..6 and number 0..99, got " + errorClass + " and " + number;
        }
        return null;
    }

    /** Decodes a value already checked by {@link #problemWith}. */
    static ErrorCode decode(byte[] buf, int value, int valueLength) {
        int code = (buf[value + 2] & 0x07) * 100 + (buf[value + 3] & 0xFF);
        return new ErrorCode(code, new String(buf, value + 4, valueLength - 4, StandardCharsets.UTF_8));
    }

    /** The three-digit code, e.g. 401. */
    public int code() {
        return code;
    }

    /** The reason phrase, e.g. "Unauthorized". */
    public String reasonPhrase() {
        return reasonPhrase;
    }

    /** Size of the whole attribute, header and padding included. */
    int attributeLength() {
        return StunAttributeType.HEADER_LENGTH + StunAttributeType.padded(4 + reasonBytes.length);
    }

    /** Writes the attribute at {@code at} with zero padding; returns the bytes written. */
    int write(byte[] out, int at) {
        int valueLength = 4 + reasonBytes.length;
        StunMessageWriter.writeShort(out, at, StunAttributeType.ERROR_CODE);
        StunMessageWriter.writeShort(out, at + 2, valueLength);
        out[at + 4] = 0;
        out[at + 5] = 0;
        out[at + 6] = (byte) (code / 100);
        out[at + 7] = (byte) (code % 100);
        System.arraycopy(reasonBytes, 0, out, at + 8, reasonBytes.length);
        int end = at + attributeLength();
        for (int i = at + 4 + valueLength; i < end; i++) {
            out[i] = 0;
        }
        return end - at;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ErrorCode that && code == that.code && reasonPhrase.equals(that.reasonPhrase);
    }

    @Override
    public int hashCode() {
        return code * 31 + reasonPhrase.hashCode();
    }

    @Override
    public String toString() {
        return code + " " + reasonPhrase;
    }
}

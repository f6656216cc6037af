package io.lianmai.media.ice;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Writes the STUN messages ICE needs into a caller's byte array and returns their length: the server's Binding
 * success and error responses (RFC 8489 §6.3, RFC 8445 §7.3) and, for clients and tests, Binding requests (RFC 8445
 * §7.2.2). Every message ends with MESSAGE-INTEGRITY (where allowed) and FINGERPRINT.
 *
 * <p>Writes nothing outside {@code [offset, offset + returned length)} and allocates nothing for responses. The
 * response's bytes must not overlap the request's: the request is read while the response is written. The
 * {@link MessageIntegrity} passed in is used under the caller's ownership (it is not thread-safe).
 */
public final class StunMessageWriter {

    /** Size of a Binding success response to an IPv4 source: header, XOR-MAPPED-ADDRESS, MI, FP. */
    public static final int IPV4_SUCCESS_RESPONSE_LENGTH = successResponseLength(4);
    /** Size of a Binding success response to an IPv6 source. */
    public static final int IPV6_SUCCESS_RESPONSE_LENGTH = successResponseLength(16);
    /** The most any response written here takes: give {@code out} at least this many bytes from the offset. */
    public static final int MAX_RESPONSE_LENGTH = Math.max(IPV6_SUCCESS_RESPONSE_LENGTH,
            Math.max(errorResponseLength(ErrorCode.ROLE_CONFLICT, true),
                    Math.max(errorResponseLength(ErrorCode.BAD_REQUEST, false),
                            errorResponseLength(ErrorCode.UNAUTHORIZED, false))));

    private StunMessageWriter() {
    }

    static int successResponseLength(int addressLength) {
        return StunMessage.HEADER_LENGTH + XorMappedAddress.attributeLength(addressLength)
                + MessageIntegrity.ATTRIBUTE_LENGTH + Fingerprint.ATTRIBUTE_LENGTH;
    }

    static int errorResponseLength(ErrorCode error, boolean withIntegrity) {
        return StunMessage.HEADER_LENGTH + error.attributeLength()
                + (withIntegrity ? MessageIntegrity.ATTRIBUTE_LENGTH : 0) + Fingerprint.ATTRIBUTE_LENGTH;
    }

    /**
     * A Binding success response to {@code request}: XOR-MAPPED-ADDRESS of {@code mapped} (the request's source),
     * MESSAGE-INTEGRITY with {@code integrity} (the local password), FINGERPRINT. Allocates the address bytes; the
     * agent's request path uses a cached copy instead.
     */
    public static int writeBindingSuccessResponse(byte[] out, int offset, StunMessage request,
            InetSocketAddress mapped, MessageIntegrity integrity) {
        if (mapped.isUnresolved()) {
            throw new IllegalArgumentException("XOR-MAPPED-ADDRESS needs a resolved address, got " + mapped);
        }
        return writeBindingSuccessResponse(out, offset, request, mapped.getAddress().getAddress(), mapped.getPort(),
                integrity);
    }

    static int writeBindingSuccessResponse(byte[] out, int offset, StunMessage request, byte[] address, int port,
            MessageIntegrity integrity) {
        int length = successResponseLength(address.length);
        Objects.checkFromIndexSize(offset, length, out.length);
        int at = writeHeader(out, offset, StunClass.SUCCESS_RESPONSE, request);
        at += XorMappedAddress.write(out, at, address, port, offset);
        at += integrity.write(out, offset, at);
        at += Fingerprint.write(out, offset, at);
        return at - offset;
    }

    /**
     * A Binding error response to {@code request} with {@code error}, then MESSAGE-INTEGRITY if {@code integrity} is
     * not null, then FINGERPRINT. RFC 8489 §9.1.3: pass null for 400 and 401 (the request could not be
     * authenticated); pass the local password's HMAC for every other code, e.g. 487.
     */
    public static int writeBindingErrorResponse(byte[] out, int offset, StunMessage request, ErrorCode error,
            MessageIntegrity integrity) {
        int length = errorResponseLength(error, integrity != null);
        Objects.checkFromIndexSize(offset, length, out.length);
        int at = writeHeader(out, offset, StunClass.ERROR_RESPONSE, request);
        at += error.write(out, at);
        if (integrity != null) {
            at += integrity.write(out, offset, at);
        }
        at += Fingerprint.write(out, offset, at);
        return at - offset;
    }

    /**
     * A Binding request as an ICE client sends it (RFC 8445 §7.2.2): USERNAME, PRIORITY, ICE-CONTROLLING or
     * ICE-CONTROLLED, USE-CANDIDATE if asked, MESSAGE-INTEGRITY keyed with the receiver's password, FINGERPRINT.
     */
    public static int writeBindingRequest(byte[] out, int offset, ConnectivityCheck check,
            MessageIntegrity integrity) {
        byte[] username = check.username().getBytes(StandardCharsets.UTF_8);
        int length = StunMessage.HEADER_LENGTH
                + StunAttributeType.HEADER_LENGTH + StunAttributeType.padded(username.length)
                + StunAttributeType.HEADER_LENGTH + 4
                + StunAttributeType.HEADER_LENGTH + 8
                + (check.useCandidate() ? StunAttributeType.HEADER_LENGTH : 0)
                + MessageIntegrity.ATTRIBUTE_LENGTH + Fingerprint.ATTRIBUTE_LENGTH;
        Objects.checkFromIndexSize(offset, length, out.length);
        writeShort(out, offset, StunClass.REQUEST.typeFor(StunMessage.BINDING));
        writeInt(out, offset + 4, StunMessage.MAGIC_COOKIE);
        System.arraycopy(check.transactionIdBytes(), 0, out, offset + 8, StunMessage.TRANSACTION_ID_LENGTH);
        int at = offset + StunMessage.HEADER_LENGTH;

        writeShort(out, at, StunAttributeType.USERNAME);
        writeShort(out, at + 2, username.length);
        System.arraycopy(username, 0, out, at + 4, username.length);
        int usernameEnd = at + 4 + StunAttributeType.padded(username.length);
        for (int i = at + 4 + username.length; i < usernameEnd; i++) {
            out[i] = 0;
        }
        at = usernameEnd;

        writeShort(out, at, StunAttributeType.PRIORITY);
        writeShort(out, at + 2, 4);
        writeInt(out, at + 4, (int) check.priority());
        at += 8;

        writeShort(out, at, check.role() == IceRole.CONTROLLING
                ? StunAttributeType.ICE_CONTROLLING : StunAttributeType.ICE_CONTROLLED);
        writeShort(out, at + 2, 8);
        writeInt(out, at + 4, (int) (check.tieBreaker() >>> 32));
        writeInt(out, at + 8, (int) check.tieBreaker());
        at += 12;

        if (check.useCandidate()) {
            writeShort(out, at, StunAttributeType.USE_CANDIDATE);
            writeShort(out, at + 2, 0);
            at += 4;
        }
        at += integrity.write(out, offset, at);
        at += Fingerprint.write(out, offset, at);
        return at - offset;
    }

    /** Writes a 20-byte header answering {@code request}; the length field is set later by FINGERPRINT. */
    private static int writeHeader(byte[] out, int offset, StunClass messageClass, StunMessage request) {
        writeShort(out, offset, messageClass.typeFor(request.method()));
        writeShort(out, offset + 2, 0);
        writeInt(out, offset + 4, StunMessage.MAGIC_COOKIE);
        System.arraycopy(request.buffer(), request.offset() + 8, out, offset + 8, StunMessage.TRANSACTION_ID_LENGTH);
        return offset + StunMessage.HEADER_LENGTH;
    }

    static void writeShort(byte[] out, int at, int value) {
        out[at] = (byte) (value >>> 8);
        out[at + 1] = (byte) value;
    }

    static void writeInt(byte[] out, int at, int value) {
        out[at] = (byte) (value >>> 24);
        out[at + 1] = (byte) (value >>> 16);
        out[at + 2] = (byte) (value >>> 8);
        out[at + 3] = (byte) value;
    }
}

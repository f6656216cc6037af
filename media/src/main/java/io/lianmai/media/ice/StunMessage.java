package io.lianmai.media.ice;

import static io.lianmai.media.ice.StunException.Reason.BAD_ATTRIBUTE;
import static io.lianmai.media.ice.StunException.Reason.BAD_LENGTH;
import static io.lianmai.media.ice.StunException.Reason.NOT_STUN;
import static io.lianmai.media.ice.StunException.Reason.TRUNCATED;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed STUN message (RFC 8489 §5): a read-only view over the caller's bytes plus the positions and values of the
 * attributes ICE uses. Created only by {@link #parse}, which validates every length before reading.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0|     STUN Message Type     |         Message Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Magic Cookie                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * |                     Transaction ID (96 bits)                  |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Attributes (TLV, see StunAttributeType)    |
 * </pre>
 *
 * <p>Ownership: the message keeps a reference to {@code buf} and reads it again for USERNAME, XOR-MAPPED-ADDRESS,
 * MESSAGE-INTEGRITY and FINGERPRINT; it is valid only while the caller leaves those bytes unchanged (typically for
 * the duration of one datagram's handling). It never writes to them. Not thread-safe to share while the bytes change;
 * otherwise immutable.
 *
 * <p>Lenient where RFC 8489 lets a receiver be: a repeated attribute counts once (the first, §14); attributes after
 * MESSAGE-INTEGRITY other than FINGERPRINT are ignored (§14.5); unknown attributes are skipped; padding bytes may hold
 * anything (RFC 5769 fills them with spaces). Strict where a lax reading would be ambiguous: FINGERPRINT must be the
 * last attribute (§14.7), and known attributes must have their exact sizes.
 */
public final class StunMessage {

    /** Size of the fixed header. */
    public static final int HEADER_LENGTH = 20;
    /** The magic cookie every RFC 5389/8489 message carries in bytes 4..7. */
    public static final int MAGIC_COOKIE = 0x2112A442;
    /** The Binding method (RFC 8489 §18.2), the only one ICE uses. */
    public static final int BINDING = 0x001;
    /** Size of the transaction ID. */
    public static final int TRANSACTION_ID_LENGTH = 12;
    /**
     * Longest USERNAME accepted. RFC 8489 §14.3 allows fewer than 509 bytes; RFC 5389 allowed 513, and an old peer
     * sending that much is not an attack worth refusing.
     */
    static final int MAX_USERNAME_LENGTH = 513;
    /** Longest ERROR-CODE reason phrase in bytes (RFC 8489 §14.8: fewer than 128 characters, up to 763 bytes). */
    static final int MAX_REASON_PHRASE_LENGTH = 763;

    private static final int ABSENT = -1;

    private final byte[] buf;
    private final int offset;
    private final int length;
    private final int type;

    // Absolute positions in buf of attribute values (or of the attribute header for MI and FP), ABSENT if missing.
    private int usernameAt = ABSENT;
    private int usernameLength;
    private int xorMappedAddressAt = ABSENT;
    private int xorMappedAddressLength;
    private int errorCodeAt = ABSENT;
    private int errorCodeLength;
    private int messageIntegrityAt = ABSENT;
    private int fingerprintAt = ABSENT;

    private long priority = ABSENT;
    private boolean useCandidate;
    private boolean iceControlling;
    private long iceControllingTieBreaker;
    private boolean iceControlled;
    private long iceControlledTieBreaker;

    private StunMessage(byte[] buf, int offset, int length, int type) {
        this.buf = buf;
        this.offset = offset;
        this.length = length;
        this.type = type;
    }

    /**
     * RFC 7983 demultiplexing: whether a datagram looks like STUN (first byte 0..3 and the magic cookie), without
     * parsing it. Cheap enough to run on every datagram; a {@code true} still needs {@link #parse}.
     */
    public static boolean isStun(byte[] buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.length);
        return length >= HEADER_LENGTH
                && (buf[offset] & 0xFC) == 0
                && readInt(buf, offset + 4) == MAGIC_COOKIE;
    }

    /** {@link #isStun(byte[], int, int)} over a buffer's readable bytes; does not move its indices. */
    public static boolean isStun(ByteBuf buf) {
        int at = buf.readerIndex();
        return buf.readableBytes() >= HEADER_LENGTH
                && (buf.getByte(at) & 0xFC) == 0
                && buf.getInt(at + 4) == MAGIC_COOKIE;
    }

    /**
     * Parses {@code length} bytes at {@code offset} as one whole STUN message (one UDP datagram or one RFC 4571
     * frame). The returned view reads {@code buf} again later; see the class comment.
     *
     * @throws StunException if the bytes are not exactly one well-formed STUN message
     * @throws IndexOutOfBoundsException if {@code offset} and {@code length} do not lie within {@code buf}
     */
    public static StunMessage parse(byte[] buf, int offset, int length) throws StunException {
        Objects.checkFromIndexSize(offset, length, buf.length);
        if (length < HEADER_LENGTH) {
            throw new StunException(TRUNCATED, "STUN message needs a 20-byte header, got " + length + " bytes");
        }
        int type = readShort(buf, offset);
        if ((type & 0xC000) != 0) {
            throw new StunException(NOT_STUN, "STUN message type must start with two zero bits, got 0x"
                    + Integer.toHexString(type));
        }
        if (readInt(buf, offset + 4) != MAGIC_COOKIE) {
            throw new StunException(NOT_STUN, "STUN magic cookie 0x2112a442 missing, got 0x"
                    + Integer.toHexString(readInt(buf, offset + 4)));
        }
        int bodyLength = readShort(buf, offset + 2);
        if ((bodyLength & 3) != 0) {
            throw new StunException(BAD_LENGTH, "STUN message length must be a multiple of 4, got " + bodyLength);
        }
        if (bodyLength > length - HEADER_LENGTH) {
            throw new StunException(TRUNCATED, "STUN header announces " + bodyLength + " bytes of attributes, only "
                    + (length - HEADER_LENGTH) + " given");
        }
        if (bodyLength < length - HEADER_LENGTH) {
            throw new StunException(BAD_LENGTH, "STUN header announces " + bodyLength + " bytes of attributes but "
                    + (length - HEADER_LENGTH) + " follow");
        }
        StunMessage message = new StunMessage(buf, offset, length, type);
        message.readAttributes();
        return message;
    }

    private void readAttributes() throws StunException {
        int end = offset + length;
        int at = offset + HEADER_LENGTH;
        boolean afterIntegrity = false;
        // Each pass moves on by at least the 4-byte attribute header, so at most length / 4 passes.
        while (at < end) {
            if (end - at < StunAttributeType.HEADER_LENGTH) {
                throw attributeError(at, 0, "attribute header overruns the message");
            }
            int attributeType = readShort(buf, at);
            int valueLength = readShort(buf, at + 2);
            int value = at + StunAttributeType.HEADER_LENGTH;
            int next = value + StunAttributeType.padded(valueLength);
            if (next > end) {
                throw attributeError(at, attributeType, "value of " + valueLength + " bytes overruns the message by "
                        + (next - end) + " bytes");
            }
            if (fingerprintAt != ABSENT) {
                throw attributeError(at, attributeType, "follows FINGERPRINT, which must be last");
            }
            if (attributeType == StunAttributeType.FINGERPRINT) {
                requireLength(at, attributeType, valueLength, Fingerprint.VALUE_LENGTH);
                fingerprintAt = at;
            } else if (!afterIntegrity) {
                afterIntegrity = readAttribute(at, attributeType, value, valueLength);
            }
            at = next;
        }
    }

    /** Reads one attribute before MESSAGE-INTEGRITY; returns whether it was MESSAGE-INTEGRITY. */
    private boolean readAttribute(int at, int attributeType, int value, int valueLength) throws StunException {
        switch (attributeType) {
            case StunAttributeType.USERNAME -> {
                if (valueLength > MAX_USERNAME_LENGTH) {
                    throw attributeError(at, attributeType, "USERNAME of " + valueLength + " bytes exceeds "
                            + MAX_USERNAME_LENGTH);
                }
                if (usernameAt == ABSENT) {
                    usernameAt = value;
                    usernameLength = valueLength;
                }
            }
            case StunAttributeType.MESSAGE_INTEGRITY -> {
                requireLength(at, attributeType, valueLength, MessageIntegrity.VALUE_LENGTH);
                messageIntegrityAt = at;
                return true;
            }
            case StunAttributeType.PRIORITY -> {
                requireLength(at, attributeType, valueLength, 4);
                if (priority == ABSENT) {
                    priority = readInt(buf, value) & 0xFFFF_FFFFL;
                }
            }
            case StunAttributeType.USE_CANDIDATE -> {
                requireLength(at, attributeType, valueLength, 0);
                useCandidate = true;
            }
            case StunAttributeType.ICE_CONTROLLING -> {
                requireLength(at, attributeType, valueLength, 8);
                if (!iceControlling) {
                    iceControlling = true;
                    iceControllingTieBreaker = readLong(buf, value);
                }
            }
            case StunAttributeType.ICE_CONTROLLED -> {
                requireLength(at, attributeType, valueLength, 8);
                if (!iceControlled) {
                    iceControlled = true;
                    iceControlledTieBreaker = readLong(buf, value);
                }
            }
            case StunAttributeType.XOR_MAPPED_ADDRESS -> {
                String problem = XorMappedAddress.problemWith(buf, value, valueLength);
                if (problem != null) {
                    throw attributeError(at, attributeType, problem);
                }
                if (xorMappedAddressAt == ABSENT) {
                    xorMappedAddressAt = value;
                    xorMappedAddressLength = valueLength;
                }
            }
            case StunAttributeType.ERROR_CODE -> {
                String problem = ErrorCode.problemWith(buf, value, valueLength);
                if (problem != null) {
                    throw attributeError(at, attributeType, problem);
                }
                if (errorCodeAt == ABSENT) {
                    errorCodeAt = value;
                    errorCodeLength = valueLength;
                }
            }
            default -> {
                // SOFTWARE, unknown and comprehension-optional attributes: nothing ICE-lite needs.
            }
        }
        return false;
    }

    private void requireLength(int at, int attributeType, int valueLength, int expected) throws StunException {
        if (valueLength != expected) {
            throw attributeError(at, attributeType, "must have a " + expected + "-byte value, got " + valueLength);
        }
    }

    private StunException attributeError(int at, int attributeType, String what) {
        return new StunException(BAD_ATTRIBUTE, "STUN attribute 0x" + Integer.toHexString(attributeType)
                + " at byte " + (at - offset) + " of the message: " + what);
    }

    // ---- header ----

    /** The 14-bit message type. */
    public int type() {
        return type;
    }

    /** The message class (request, indication, success or error response). */
    public StunClass messageClass() {
        return StunClass.ofType(type);
    }

    /** The 12-bit method; {@link #BINDING} for everything ICE sends. */
    public int method() {
        return StunClass.methodOfType(type);
    }

    /** Whether this is a Binding request, the only message an ICE-lite server answers. */
    public boolean isBindingRequest() {
        return type == StunClass.REQUEST.typeFor(BINDING);
    }

    /** A copy of the 12-byte transaction ID. */
    public byte[] transactionId() {
        return Arrays.copyOfRange(buf, offset + 8, offset + HEADER_LENGTH);
    }

    /** Whether the transaction ID equals {@code id}, for matching a response to its request. */
    public boolean hasTransactionId(byte[] id) {
        return id.length == TRANSACTION_ID_LENGTH
                && Arrays.equals(buf, offset + 8, offset + HEADER_LENGTH, id, 0, TRANSACTION_ID_LENGTH);
    }

    /** The bytes the message was parsed from (not a copy; do not modify). */
    byte[] buffer() {
        return buf;
    }

    /** Where the message starts in {@link #buffer()}. */
    public int offset() {
        return offset;
    }

    /** The message's total length, header included. */
    public int length() {
        return length;
    }

    // ---- USERNAME ----

    /** Whether USERNAME is present. */
    public boolean hasUsername() {
        return usernameAt != ABSENT;
    }

    /** USERNAME decoded as UTF-8 (RFC 8489 §14.3), if present. Allocates. */
    public Optional<String> username() {
        return hasUsername()
                ? Optional.of(new String(buf, usernameAt, usernameLength, StandardCharsets.UTF_8))
                : Optional.empty();
    }

    /**
     * For demultiplexing: the part of USERNAME before the first ':', which in an ICE check is the receiver's
     * (our) ufrag (RFC 8445 §7.2.2). Empty if there is no USERNAME, no ':' or nothing before it. Allocates the string.
     */
    public Optional<String> localUfrag() {
        if (usernameAt == ABSENT) {
            return Optional.empty();
        }
        int colon = indexOfColon();
        if (colon <= 0) {
            return Optional.empty();
        }
        // ISO-8859-1 maps every byte to one char: never fails, and a non-ASCII byte can't match an ice-char ufrag.
        return Optional.of(new String(buf, usernameAt, colon, StandardCharsets.ISO_8859_1));
    }

    private int indexOfColon() {
        for (int i = 0; i < usernameLength; i++) {
            if (buf[usernameAt + i] == ':') {
                return i;
            }
        }
        return ABSENT;
    }

    /** Whether USERNAME is exactly {@code expected}; allocates nothing. */
    boolean usernameEquals(byte[] expected) {
        return usernameAt != ABSENT && usernameLength == expected.length
                && Arrays.equals(buf, usernameAt, usernameAt + usernameLength, expected, 0, expected.length);
    }

    /** Whether USERNAME starts with {@code prefix} and has at least one byte after it; allocates nothing. */
    boolean usernameExtends(byte[] prefix) {
        return usernameAt != ABSENT && usernameLength > prefix.length
                && Arrays.equals(buf, usernameAt, usernameAt + prefix.length, prefix, 0, prefix.length);
    }

    // ---- ICE attributes ----

    /** Whether PRIORITY is present (RFC 8445 §7.1.1). */
    public boolean hasPriority() {
        return priority != ABSENT;
    }

    /** PRIORITY as an unsigned 32-bit value, or -1 if absent. */
    public long priority() {
        return priority;
    }

    /** Whether USE-CANDIDATE is present: the controlling agent nominates this pair (RFC 8445 §7.1.2). */
    public boolean hasUseCandidate() {
        return useCandidate;
    }

    /** Whether ICE-CONTROLLING is present: the sender believes it is controlling (RFC 8445 §7.1.3). */
    public boolean hasIceControlling() {
        return iceControlling;
    }

    /** ICE-CONTROLLING's tie-breaker (meaningful only if {@link #hasIceControlling()}). */
    public long iceControllingTieBreaker() {
        return iceControllingTieBreaker;
    }

    /** Whether ICE-CONTROLLED is present: the sender believes it is controlled (RFC 8445 §7.1.3). */
    public boolean hasIceControlled() {
        return iceControlled;
    }

    /** ICE-CONTROLLED's tie-breaker (meaningful only if {@link #hasIceControlled()}). */
    public long iceControlledTieBreaker() {
        return iceControlledTieBreaker;
    }

    // ---- responses ----

    /** XOR-MAPPED-ADDRESS decoded (RFC 8489 §14.2), IPv4 or IPv6, if present. Allocates. */
    public Optional<InetSocketAddress> xorMappedAddress() {
        return xorMappedAddressAt == ABSENT
                ? Optional.empty()
                : Optional.of(XorMappedAddress.decode(buf, xorMappedAddressAt, xorMappedAddressLength, offset));
    }

    /** ERROR-CODE decoded (RFC 8489 §14.8), if present. Allocates. */
    public Optional<ErrorCode> errorCode() {
        return errorCodeAt == ABSENT ? Optional.empty() : Optional.of(ErrorCode.decode(buf, errorCodeAt,
                errorCodeLength));
    }

    // ---- integrity ----

    /** Whether MESSAGE-INTEGRITY is present. */
    public boolean hasMessageIntegrity() {
        return messageIntegrityAt != ABSENT;
    }

    /**
     * Where MESSAGE-INTEGRITY's attribute header starts, as an index into the parsed buffer (not relative to
     * {@link #offset()}), or -1 if absent.
     */
    public int messageIntegrityIndex() {
        return messageIntegrityAt;
    }

    /** Whether FINGERPRINT is present (and, by parsing, last). */
    public boolean hasFingerprint() {
        return fingerprintAt != ABSENT;
    }

    /** Where FINGERPRINT's attribute header starts, as an index into the parsed buffer, or -1 if absent. */
    public int fingerprintIndex() {
        return fingerprintAt;
    }

    /**
     * Verifies MESSAGE-INTEGRITY with a short-term credential key (RFC 8489 §9.1.1, §14.5: for ICE, the UTF-8 bytes
     * of the receiver's ice-pwd). False if the attribute is absent. Allocates an HMAC; the request path uses a
     * reusable {@link MessageIntegrity} instead.
     */
    public boolean verifyMessageIntegrity(byte[] key) {
        return MessageIntegrity.forKey(key).verify(this);
    }

    /** Verifies FINGERPRINT (RFC 8489 §14.7). False if the attribute is absent. */
    public boolean verifyFingerprint() {
        return Fingerprint.verify(this);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("StunMessage[");
        text.append(messageClass()).append(" method=0x").append(Integer.toHexString(method()))
                .append(", ").append(length).append(" bytes");
        username().ifPresent(name -> text.append(", USERNAME=").append(name));
        if (hasPriority()) {
            text.append(", PRIORITY=").append(priority);
        }
        if (useCandidate) {
            text.append(", USE-CANDIDATE");
        }
        if (iceControlling) {
            text.append(", ICE-CONTROLLING");
        }
        if (iceControlled) {
            text.append(", ICE-CONTROLLED");
        }
        xorMappedAddress().ifPresent(address -> text.append(", XOR-MAPPED-ADDRESS=").append(address));
        errorCode().ifPresent(error -> text.append(", ERROR-CODE=").append(error));
        if (hasMessageIntegrity()) {
            text.append(", MESSAGE-INTEGRITY");
        }
        if (hasFingerprint()) {
            text.append(", FINGERPRINT");
        }
        return text.append(']').toString();
    }

    // ---- big-endian reads, bounds checked by the callers ----

    static int readShort(byte[] buf, int at) {
        return ((buf[at] & 0xFF) << 8) | (buf[at + 1] & 0xFF);
    }

    static int readInt(byte[] buf, int at) {
        return ((buf[at] & 0xFF) << 24) | ((buf[at + 1] & 0xFF) << 16) | ((buf[at + 2] & 0xFF) << 8)
                | (buf[at + 3] & 0xFF);
    }

    static long readLong(byte[] buf, int at) {
        return ((long) readInt(buf, at) << 32) | (readInt(buf, at + 4) & 0xFFFF_FFFFL);
    }
}

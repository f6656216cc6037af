package io.lianmai.media.ice;

/**
 * The class of a STUN message, the two C bits of its type (RFC 8489 §5, §6).
 *
 * <pre>
 *  0                 1
 *  2  3  4 5 6 7 8 9 0 1 2 3 4 5
 * +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
 * |M |M |M|M|M|C|M|M|M|C|M|M|M|M|
 * |11|10|9|8|7|1|6|5|4|0|3|2|1|0|
 * +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public enum StunClass {
    /** C1C0 = 0b00. */
    REQUEST,
    /** C1C0 = 0b01. */
    INDICATION,
    /** C1C0 = 0b10. */
    SUCCESS_RESPONSE,
    /** C1C0 = 0b11. */
    ERROR_RESPONSE;

    private static final StunClass[] BY_BITS = values();

    /** The class encoded in a 14-bit message type. */
    static StunClass ofType(int type) {
        return BY_BITS[((type >>> 7) & 0b10) | ((type >>> 4) & 0b01)];
    }

    /** The method encoded in a 14-bit message type (RFC 8489 §5). */
    static int methodOfType(int type) {
        return (type & 0x000F) | ((type & 0x00E0) >>> 1) | ((type & 0x3E00) >>> 2);
    }

    /** The 14-bit message type for {@code method} in this class. */
    int typeFor(int method) {
        int bits = ordinal();
        return (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2)
                | ((bits & 0b10) << 7) | ((bits & 0b01) << 4);
    }
}

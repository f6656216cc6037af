package io.lianmai.media.ice;

/**
 * The STUN attribute types this package reads or writes (RFC 8489 §18.3, RFC 8445 §16.1), and the TLV layout they
 * share (RFC 8489 §14):
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Type                  |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Value (variable)                ....
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Length counts the value without its padding to a multiple of four bytes.
 */
public final class StunAttributeType {

    /** USERNAME, RFC 8489 §14.3. */
    public static final int USERNAME = 0x0006;
    /** MESSAGE-INTEGRITY, RFC 8489 §14.5. */
    public static final int MESSAGE_INTEGRITY = 0x0008;
    /** ERROR-CODE, RFC 8489 §14.8. */
    public static final int ERROR_CODE = 0x0009;
    /** XOR-MAPPED-ADDRESS, RFC 8489 §14.2. */
    public static final int XOR_MAPPED_ADDRESS = 0x0020;
    /** PRIORITY, RFC 8445 §16.1. */
    public static final int PRIORITY = 0x0024;
    /** USE-CANDIDATE, RFC 8445 §16.1. */
    public static final int USE_CANDIDATE = 0x0025;
    /** SOFTWARE, RFC 8489 §14.14 (read only to skip it). */
    public static final int SOFTWARE = 0x8022;
    /** FINGERPRINT, RFC 8489 §14.7. */
    public static final int FINGERPRINT = 0x8028;
    /** ICE-CONTROLLED, RFC 8445 §16.1. */
    public static final int ICE_CONTROLLED = 0x8029;
    /** ICE-CONTROLLING, RFC 8445 §16.1. */
    public static final int ICE_CONTROLLING = 0x802A;

    /** Size of an attribute's type and length fields. */
    static final int HEADER_LENGTH = 4;

    private StunAttributeType() {
    }

    /** {@code valueLength} rounded up to the 4-byte boundary the next attribute starts on. */
    static int padded(int valueLength) {
        return (valueLength + 3) & ~3;
    }

    /**
     * Whether an agent that does not understand the type must reject the message (0x0000-0x7FFF) rather than ignore
     * the attribute (0x8000-0xFFFF), RFC 8489 §14.
     */
    public static boolean isComprehensionRequired(int type) {
        return type < 0x8000;
    }
}

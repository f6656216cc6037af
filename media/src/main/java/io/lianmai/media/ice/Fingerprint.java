package io.lianmai.media.ice;

import java.util.zip.CRC32;

/**
 * FINGERPRINT (RFC 8489 §14.7): CRC-32 (ISO 3309, as in {@link CRC32}) of the message up to the attribute, XORed
 * with 0x5354554e ("STUN"). Lets a receiver tell STUN from other protocols on the same port; ICE requires it on every
 * check (RFC 8445 §7.2.2). It must be the last attribute, so the header's length field already counts it.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         0x8028                |          4                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  CRC-32 XOR 0x5354554e                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Fingerprint {

    /** Size of the CRC value. */
    public static final int VALUE_LENGTH = 4;
    /** Size of the whole attribute. */
    public static final int ATTRIBUTE_LENGTH = StunAttributeType.HEADER_LENGTH + VALUE_LENGTH;
    /** What the CRC is XORed with. */
    static final int XOR = 0x5354554e;

    /** One CRC engine per thread, so that neither verifying nor writing allocates. */
    private static final ThreadLocal<CRC32> CRC = ThreadLocal.withInitial(CRC32::new);

    private Fingerprint() {
    }

    /** The FINGERPRINT value for {@code length} bytes at {@code offset}. */
    static int compute(byte[] buf, int offset, int length) {
        CRC32 crc = CRC.get();
        crc.reset();
        crc.update(buf, offset, length);
        return (int) crc.getValue() ^ XOR;
    }

    /** Whether {@code message} carries FINGERPRINT and it matches. */
    static boolean verify(StunMessage message) {
        int at = message.fingerprintIndex();
        if (at < 0) {
            return false;
        }
        byte[] buf = message.buffer();
        return compute(buf, message.offset(), at - message.offset())
                == StunMessage.readInt(buf, at + StunAttributeType.HEADER_LENGTH);
    }

    /**
     * Writes the FINGERPRINT attribute at {@code at}, after setting the header length of the message at
     * {@code messageOffset} to include it. Returns the bytes written.
     */
    static int write(byte[] out, int messageOffset, int at) {
        StunMessageWriter.writeShort(out, messageOffset + 2, at + ATTRIBUTE_LENGTH - messageOffset
                - StunMessage.HEADER_LENGTH);
        StunMessageWriter.writeShort(out, at, StunAttributeType.FINGERPRINT);
        StunMessageWriter.writeShort(out, at + 2, VALUE_LENGTH);
        StunMessageWriter.writeInt(out, at + 4, compute(out, messageOffset, at - messageOffset));
        return ATTRIBUTE_LENGTH;
    }
}

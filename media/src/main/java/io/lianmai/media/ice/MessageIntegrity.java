package io.lianmai.media.ice;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1 keyed with one credential, reusable for any number of messages.
 *
 * <p>The HMAC covers the message from its first byte up to (not including) the MESSAGE-INTEGRITY attribute, with the
 * header's length field set as if MESSAGE-INTEGRITY were the last attribute (so a FINGERPRINT after it is left out).
 * The 20-byte value is the HMAC itself. For ICE's short-term credentials the key is the UTF-8 ice-pwd of the agent
 * that receives the request (RFC 8445 §7.2.2, RFC 8489 §9.1.1).
 *
 * <p>HMAC (RFC 2104) is computed over {@link MessageDigest} rather than {@code javax.crypto.Mac} because
 * {@code Mac.doFinal} returns a fresh array per message; this way nothing is allocated per message. Comparison is in
 * constant time.
 *
 * <p>Not thread-safe: one instance per owner (an {@link IceLiteAgent} holds one under its lock).
 */
public final class MessageIntegrity {

    /** Size of the HMAC-SHA1 value. */
    public static final int VALUE_LENGTH = 20;
    /** Size of the whole attribute. */
    public static final int ATTRIBUTE_LENGTH = StunAttributeType.HEADER_LENGTH + VALUE_LENGTH;

    private static final int SHA1_BLOCK = 64;

    private final MessageDigest sha1;
    private final byte[] innerPad = new byte[SHA1_BLOCK];
    private final byte[] outerPad = new byte[SHA1_BLOCK];
    private final byte[] header = new byte[StunMessage.HEADER_LENGTH];
    private final byte[] scratch = new byte[VALUE_LENGTH];

    private MessageIntegrity(byte[] key) {
        sha1 = newSha1();
        byte[] block = key.length > SHA1_BLOCK ? sha1.digest(key) : key;
        for (int i = 0; i < SHA1_BLOCK; i++) {
            byte k = i < block.length ? block[i] : 0;
            innerPad[i] = (byte) (k ^ 0x36);
            outerPad[i] = (byte) (k ^ 0x5c);
        }
    }

    /** An HMAC keyed with {@code key} (copied). */
    public static MessageIntegrity forKey(byte[] key) {
        return new MessageIntegrity(key.clone());
    }

    /** The short-term credential HMAC for an ICE password: keyed with its UTF-8 bytes (RFC 8489 §9.1.1). */
    public static MessageIntegrity forPassword(String password) {
        return new MessageIntegrity(password.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether {@code message} carries MESSAGE-INTEGRITY and it matches this key. */
    public boolean verify(StunMessage message) {
        int at = message.messageIntegrityIndex();
        if (at < 0) {
            return false;
        }
        byte[] buf = message.buffer();
        compute(buf, message.offset(), at, scratch, 0);
        int difference = 0;
        for (int i = 0; i < VALUE_LENGTH; i++) {
            difference |= scratch[i] ^ buf[at + StunAttributeType.HEADER_LENGTH + i];
        }
        return difference == 0;
    }

    /**
     * Writes the whole MESSAGE-INTEGRITY attribute at {@code at} for the message starting at {@code messageOffset}
     * whose attributes end at {@code at}. Returns the bytes written.
     */
    int write(byte[] out, int messageOffset, int at) {
        StunMessageWriter.writeShort(out, at, StunAttributeType.MESSAGE_INTEGRITY);
        StunMessageWriter.writeShort(out, at + 2, VALUE_LENGTH);
        compute(out, messageOffset, at, out, at + StunAttributeType.HEADER_LENGTH);
        return ATTRIBUTE_LENGTH;
    }

    /** HMAC of the message at {@code messageOffset} up to {@code integrityAt}, into {@code dst}. */
    private void compute(byte[] buf, int messageOffset, int integrityAt, byte[] dst, int dstOffset) {
        System.arraycopy(buf, messageOffset, header, 0, StunMessage.HEADER_LENGTH);
        int coveredLength = integrityAt - messageOffset - StunMessage.HEADER_LENGTH + ATTRIBUTE_LENGTH;
        header[2] = (byte) (coveredLength >>> 8);
        header[3] = (byte) coveredLength;
        try {
            sha1.reset();
            sha1.update(innerPad);
            sha1.update(header);
            sha1.update(buf, messageOffset + StunMessage.HEADER_LENGTH,
                    integrityAt - messageOffset - StunMessage.HEADER_LENGTH);
            sha1.digest(scratch, 0, VALUE_LENGTH);
            sha1.update(outerPad);
            sha1.update(scratch);
            sha1.digest(dst, dstOffset, VALUE_LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-1 refused a 20-byte output buffer", e);
        }
    }

    private static MessageDigest newSha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-1", e);
        }
    }

    @Override
    public String toString() {
        return "MessageIntegrity[HMAC-SHA1, key hidden]";
    }
}

package io.lianmai.media.ice;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/** Builds STUN messages attribute by attribute, including malformed ones the writer would never produce. */
final class StunTestMessages {
    static final byte[] TRANSACTION_ID = HexFormat.of().parseHex("b7e7a701bc34d686fa87dfae");

    private final ByteArrayOutputStream attributes = new ByteArrayOutputStream();
    private int type = 0x0001;
    private byte[] transactionId = TRANSACTION_ID;

    static StunTestMessages bindingRequest() {
        return new StunTestMessages();
    }

    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replaceAll("\\s+", ""));
    }

    StunTestMessages type(int messageType) {
        this.type = messageType;
        return this;
    }

    StunTestMessages transactionId(byte[] id) {
        this.transactionId = id;
        return this;
    }

    /** Adds an attribute, zero-padded. */
    StunTestMessages attribute(int attributeType, byte[] value) {
        attributes.write(attributeType >>> 8);
        attributes.write(attributeType);
        attributes.write(value.length >>> 8);
        attributes.write(value.length);
        attributes.writeBytes(value);
        for (int i = value.length; i % 4 != 0; i++) {
            attributes.write(0);
        }
        return this;
    }

    StunTestMessages username(String username) {
        return attribute(StunAttributeType.USERNAME, username.getBytes(StandardCharsets.UTF_8));
    }

    StunTestMessages priority(long priority) {
        return attribute(StunAttributeType.PRIORITY, new byte[] {
            (byte) (priority >>> 24), (byte) (priority >>> 16), (byte) (priority >>> 8), (byte) priority});
    }

    StunTestMessages iceControlling(long tieBreaker) {
        return attribute(StunAttributeType.ICE_CONTROLLING, longBytes(tieBreaker));
    }

    StunTestMessages iceControlled(long tieBreaker) {
        return attribute(StunAttributeType.ICE_CONTROLLED, longBytes(tieBreaker));
    }

    StunTestMessages useCandidate() {
        return attribute(StunAttributeType.USE_CANDIDATE, new byte[0]);
    }

    /** The message as it stands, header length set. */
    byte[] build() {
        byte[] body = attributes.toByteArray();
        byte[] message = new byte[StunMessage.HEADER_LENGTH + body.length];
        StunMessageWriter.writeShort(message, 0, type);
        StunMessageWriter.writeShort(message, 2, body.length);
        StunMessageWriter.writeInt(message, 4, StunMessage.MAGIC_COOKIE);
        System.arraycopy(transactionId, 0, message, 8, StunMessage.TRANSACTION_ID_LENGTH);
        System.arraycopy(body, 0, message, StunMessage.HEADER_LENGTH, body.length);
        return message;
    }

    /** Appends MESSAGE-INTEGRITY keyed with {@code password}. */
    StunTestMessages messageIntegrity(String password) {
        byte[] message = withRoomFor(MessageIntegrity.ATTRIBUTE_LENGTH);
        MessageIntegrity.forPassword(password).write(message, 0, message.length - MessageIntegrity.ATTRIBUTE_LENGTH);
        attributes.writeBytes(Arrays.copyOfRange(message,
                message.length - MessageIntegrity.ATTRIBUTE_LENGTH, message.length));
        return this;
    }

    /** Appends FINGERPRINT. */
    StunTestMessages fingerprint() {
        byte[] message = withRoomFor(Fingerprint.ATTRIBUTE_LENGTH);
        Fingerprint.write(message, 0, message.length - Fingerprint.ATTRIBUTE_LENGTH);
        attributes.writeBytes(Arrays.copyOfRange(message,
                message.length - Fingerprint.ATTRIBUTE_LENGTH, message.length));
        return this;
    }

    private byte[] withRoomFor(int extra) {
        byte[] current = build();
        byte[] message = Arrays.copyOf(current, current.length + extra);
        StunMessageWriter.writeShort(message, 2, message.length - StunMessage.HEADER_LENGTH);
        return message;
    }

    private static byte[] longBytes(long value) {
        byte[] bytes = new byte[8];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (value >>> (56 - 8 * i));
        }
        return bytes;
    }
}

package io.lianmai.media.ice;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * XOR-MAPPED-ADDRESS (RFC 8489 §14.2): the transport address a request came from, as the server saw it, obfuscated
 * so that NATs rewriting addresses in payloads leave it alone.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0 0 0 0 0 0 0|    Family     |         X-Port                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                X-Address (Variable: 32 or 128 bits)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * X-Port is the port XOR the cookie's top 16 bits; X-Address is the address XOR the magic cookie (IPv4) or the magic
 * cookie followed by the transaction ID (IPv6). Static helpers only: the parsed value is read through
 * {@link StunMessage#xorMappedAddress()}.
 */
public final class XorMappedAddress {

    static final int FAMILY_IPV4 = 0x01;
    static final int FAMILY_IPV6 = 0x02;
    static final int IPV4_VALUE_LENGTH = 8;
    static final int IPV6_VALUE_LENGTH = 20;

    private XorMappedAddress() {
    }

    /** Why a value is malformed, or null if it is well-formed. */
    static String problemWith(byte[] buf, int value, int valueLength) {
        if (valueLength < 4) {
            return "XOR-MAPPED-ADDRESS needs at least 4 bytes, got " + valueLength;
        }
        int family = buf[value + 1] & 0xFF;
        if (family == FAMILY_IPV4) {
            return valueLength == IPV4_VALUE_LENGTH ? null
                    : "IPv4 XOR-MAPPED-ADDRESS must have 8 bytes, got " + valueLength;
        }
        if (family == FAMILY_IPV6) {
            return valueLength == IPV6_VALUE_LENGTH ? null
                    : "IPv6 XOR-MAPPED-ADDRESS must have 20 bytes, got " + valueLength;
        }
        return "unknown address family 0x" + Integer.toHexString(family);
    }

    /** Decodes a value already checked by {@link #problemWith}; the cookie and ID are read from the message. */
    static InetSocketAddress decode(byte[] buf, int value, int valueLength, int messageOffset) {
        int port = StunMessage.readShort(buf, value + 2) ^ (StunMessage.MAGIC_COOKIE >>> 16);
        byte[] address = new byte[valueLength - 4];
        for (int i = 0; i < address.length; i++) {
            // Bytes 4..19 of the header are the magic cookie and then the transaction ID.
            address[i] = (byte) (buf[value + 4 + i] ^ buf[messageOffset + 4 + i]);
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of " + address.length + " bytes passed validation", e);
        }
    }

    /** Size of the whole attribute (header included) for an address of {@code addressLength} bytes (4 or 16). */
    static int attributeLength(int addressLength) {
        return StunAttributeType.HEADER_LENGTH + 4 + addressLength;
    }

    /**
     * Writes the attribute at {@code at} for {@code address} (4 or 16 bytes) and {@code port}, XORed with the cookie
     * and transaction ID already written in the header at {@code messageOffset}. Returns the bytes written.
     */
    static int write(byte[] out, int at, byte[] address, int port, int messageOffset) {
        int valueLength = 4 + address.length;
        StunMessageWriter.writeShort(out, at, StunAttributeType.XOR_MAPPED_ADDRESS);
        StunMessageWriter.writeShort(out, at + 2, valueLength);
        out[at + 4] = 0;
        out[at + 5] = (byte) (address.length == 4 ? FAMILY_IPV4 : FAMILY_IPV6);
        StunMessageWriter.writeShort(out, at + 6, port ^ (StunMessage.MAGIC_COOKIE >>> 16));
        for (int i = 0; i < address.length; i++) {
            out[at + 8 + i] = (byte) (address[i] ^ out[messageOffset + 4 + i]);
        }
        return StunAttributeType.HEADER_LENGTH + valueLength;
    }
}

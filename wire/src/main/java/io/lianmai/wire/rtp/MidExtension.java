package io.lianmai.wire.rtp;

import java.nio.charset.StandardCharsets;

/**
 * The media identification header extension ({@code urn:ietf:params:rtp-hdrext:sdes:mid}, RFC 9143 §15): the SDP
 * {@code a=mid} of the m-line a packet belongs to, which the SFU uses to route a new SSRC under BUNDLE. The value is
 * the MID's bytes with no terminator.
 *
 * <p>On the packet path compare with {@link #matches} against identifiers encoded once at signalling time with
 * {@link #encode}; {@link #decode} creates a string and is for logs and tests only.
 */
public final class MidExtension {
    private MidExtension() {
    }

    /** Encodes an identifier once, at signalling time, for later {@link #matches} calls. */
    public static byte[] encode(String mid) {
        return mid.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether element {@code id} is present and carries exactly {@code encodedMid}. Does not allocate. */
    public static boolean matches(RtpPacket packet, int id, byte[] encodedMid) {
        return packet.extensionValueEquals(id, encodedMid);
    }

    /** The MID as a string, or {@code null} if absent. Allocates: not for the packet path. */
    public static String decode(RtpPacket packet, int id) {
        long element = packet.findExtension(id);
        if (element == RtpPacket.NOT_FOUND) {
            return null;
        }
        return new String(packet.buffer(), RtpPacket.extensionValueOffset(element),
                RtpPacket.extensionValueLength(element), StandardCharsets.UTF_8);
    }
}

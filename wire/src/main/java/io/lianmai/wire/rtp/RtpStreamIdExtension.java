package io.lianmai.wire.rtp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The RtpStreamId and RepairedRtpStreamId header extensions (RFC 8852 §3.1 and §3.2, {@code
 * urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id} and {@code ...:repaired-rtp-stream-id}): the simulcast {@code rid}
 * of a packet, or of the stream an RTX packet repairs. Both carry the identifier's bytes with no terminator and are
 * read the same way; pass the local id negotiated for the one wanted.
 *
 * <p>On the packet path compare with {@link #matches} against identifiers encoded once with {@link #encode}; {@link
 * #decode} creates a string and is for logs and tests only.
 */
public final class RtpStreamIdExtension {
    private RtpStreamIdExtension() {
    }

    /** Encodes a rid once, at signalling time, for later {@link #matches} calls. */
    public static byte[] encode(String rid) {
        return rid.getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether element {@code id} is present and carries exactly {@code encodedRid}. Does not allocate. */
    public static boolean matches(RtpPacket packet, int id, byte[] encodedRid) {
        return packet.extensionValueEquals(id, encodedRid);
    }

    /**
     * Index of the first of {@code encodedRids} that element {@code id} carries, or -1 if absent or none matches; lets
     * the SFU map a rid to a simulcast layer without strings.
     */
    public static int indexOf(RtpPacket packet, int id, byte[][] encodedRids) {
        long element = packet.findExtension(id);
        if (element == RtpPacket.NOT_FOUND) {
            return -1;
        }
        int from = RtpPacket.extensionValueOffset(element);
        int to = from + RtpPacket.extensionValueLength(element);
        for (int i = 0; i < encodedRids.length; i++) {
            byte[] rid = encodedRids[i];
            if (Arrays.equals(packet.buffer(), from, to, rid, 0, rid.length)) {
                return i;
            }
        }
        return -1;
    }

    /** The rid as a string, or {@code null} if absent. Allocates: not for the packet path. */
    public static String decode(RtpPacket packet, int id) {
        long element = packet.findExtension(id);
        if (element == RtpPacket.NOT_FOUND) {
            return null;
        }
        return new String(packet.buffer(), RtpPacket.extensionValueOffset(element),
                RtpPacket.extensionValueLength(element), StandardCharsets.US_ASCII);
    }
}

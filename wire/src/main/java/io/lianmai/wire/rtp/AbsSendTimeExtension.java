package io.lianmai.wire.rtp;

import io.lianmai.common.BigEndian;
/**
 * The absolute send time header extension ({@code http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time}): the
 * sender's clock when the packet left, as a 24-bit 6.18 fixed-point number of seconds that wraps every 64 s. The SFU
 * rewrites it with its own send time so that REMB-based estimators on the subscriber see the SFU-to-subscriber path.
 *
 * <pre>
 *  0                   1                   2
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | seconds (6) |       fraction of a second (18)     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class AbsSendTimeExtension {
    /** Value length in bytes. */
    public static final int LENGTH = 3;

    private AbsSendTimeExtension() {
    }

    /** The 24-bit value of element {@code id}, or -1 if absent or not 3 bytes long. */
    public static int read(RtpPacket packet, int id) {
        long element = packet.findExtension(id);
        if (element == RtpPacket.NOT_FOUND || RtpPacket.extensionValueLength(element) != LENGTH) {
            return -1;
        }
        return BigEndian.u24(packet.buffer(), RtpPacket.extensionValueOffset(element));
    }

    /** Rewrites element {@code id} with the low 24 bits of {@code value}; {@code false} if absent or not 3 bytes. */
    public static boolean write(RtpPacket packet, int id, int value) {
        long element = packet.findExtension(id);
        if (element == RtpPacket.NOT_FOUND || RtpPacket.extensionValueLength(element) != LENGTH) {
            return false;
        }
        BigEndian.put24(packet.buffer(), RtpPacket.extensionValueOffset(element), value);
        return true;
    }

    /** Converts a monotonic time in nanoseconds to the 24-bit 6.18 representation (seconds modulo 64). */
    public static int fromNanos(long nanos) {
        long seconds = Math.floorDiv(nanos, 1_000_000_000L);
        long fraction = Math.floorMod(nanos, 1_000_000_000L);
        return (int) ((seconds & 0x3F) << 18 | (fraction << 18) / 1_000_000_000L);
    }
}

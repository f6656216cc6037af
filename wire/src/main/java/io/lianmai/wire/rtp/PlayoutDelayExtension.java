package io.lianmai.wire.rtp;

import io.lianmai.common.BigEndian;

/**
 * The playout delay header extension ({@code http://www.webrtc.org/experiments/rtp-hdrext/playout-delay}): the
 * sender's bounds on how long the receiver holds frames before rendering them, each 12 bits in units of 10 ms
 * (0–40.95 s). libwebrtc receivers take the bounds of every frame that carries it as their minimum and maximum
 * playout delay until a frame says otherwise; {@code min = max = 0} asks for rendering at once (no smoothing), which
 * the SFU never writes.
 *
 * <pre>
 *  0                   1                   2
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |       MIN delay       |       MAX delay       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class PlayoutDelayExtension {
    /** Value length in bytes. */
    public static final int LENGTH = 3;
    /** The unit of both bounds. */
    public static final int GRANULARITY_MILLIS = 10;
    /** The largest bound 12 bits hold. */
    public static final int MAX_MILLIS = 0xFFF * GRANULARITY_MILLIS;

    private PlayoutDelayExtension() {
    }

    /** The minimum delay of element {@code id} in ms, or -1 if absent or not 3 bytes long. */
    public static int minMillis(RtpPacket packet, int id) {
        int value = read(packet, id);
        return value < 0 ? -1 : (value >>> 12) * GRANULARITY_MILLIS;
    }

    /** The maximum delay of element {@code id} in ms, or -1 if absent or not 3 bytes long. */
    public static int maxMillis(RtpPacket packet, int id) {
        int value = read(packet, id);
        return value < 0 ? -1 : (value & 0xFFF) * GRANULARITY_MILLIS;
    }

    /**
     * Rewrites element {@code id} with the bounds, each rounded up to 10 ms and held within 0..{@link #MAX_MILLIS};
     * {@code false} if the element is absent or not 3 bytes long.
     */
    public static boolean write(RtpPacket packet, int id, int minMillis, int maxMillis) {
        long element = packet.findExtension(id);
        if (element == RtpPacket.NOT_FOUND || RtpPacket.extensionValueLength(element) != LENGTH) {
            return false;
        }
        writeValue(packet.buffer(), RtpPacket.extensionValueOffset(element), minMillis, maxMillis);
        return true;
    }

    /**
     * Writes the bounds, each rounded up to 10 ms and held within 0..{@link #MAX_MILLIS}, as the 3-byte value at
     * {@code valueOffset} of {@code buf} (an element found or added by the caller).
     */
    public static void writeValue(byte[] buf, int valueOffset, int minMillis, int maxMillis) {
        BigEndian.put24(buf, valueOffset, units(minMillis) << 12 | units(maxMillis));
    }

    private static int read(RtpPacket packet, int id) {
        long element = packet.findExtension(id);
        if (element == RtpPacket.NOT_FOUND || RtpPacket.extensionValueLength(element) != LENGTH) {
            return -1;
        }
        return BigEndian.u24(packet.buffer(), RtpPacket.extensionValueOffset(element));
    }

    private static int units(int millis) {
        int clamped = Math.max(0, Math.min(MAX_MILLIS, millis));
        return (clamped + GRANULARITY_MILLIS - 1) / GRANULARITY_MILLIS;
    }
}

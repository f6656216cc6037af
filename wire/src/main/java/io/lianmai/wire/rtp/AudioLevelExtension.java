package io.lianmai.wire.rtp;

/**
 * The client-to-mixer audio level header extension ({@code urn:ietf:params:rtp-hdrext:ssrc-audio-level}, RFC 6464
 * §3), which lets the SFU pick active speakers without decoding audio.
 *
 * <pre>
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * |V|    level    |   V: voice activity; level: 0..127, in -dBov (0 loudest, 127 silence)
 * +-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class AudioLevelExtension {
    /** The quietest level, -127 dBov: digital silence. */
    public static final int SILENCE = 127;

    private AudioLevelExtension() {
    }

    /**
     * The raw extension byte (0..255) of element {@code id}, or -1 if absent; decode it with {@link #voiceActivity}
     * and {@link #level}.
     */
    public static int read(RtpPacket packet, int id) {
        long element = packet.findExtension(id);
        if (element == RtpPacket.NOT_FOUND || RtpPacket.extensionValueLength(element) < 1) {
            return -1;
        }
        return packet.buffer()[RtpPacket.extensionValueOffset(element)] & 0xFF;
    }

    /** The V flag of a value returned by {@link #read}. */
    public static boolean voiceActivity(int value) {
        return (value & 0x80) != 0;
    }

    /** The level, 0..127 meaning 0..-127 dBov, of a value returned by {@link #read}. */
    public static int level(int value) {
        return value & 0x7F;
    }

    /** Rewrites element {@code id} in place; {@code false} if it is absent. {@code level} is clamped to 0..127. */
    public static boolean write(RtpPacket packet, int id, boolean voiceActivity, int level) {
        long element = packet.findExtension(id);
        if (element == RtpPacket.NOT_FOUND || RtpPacket.extensionValueLength(element) < 1) {
            return false;
        }
        int clamped = Math.max(0, Math.min(SILENCE, level));
        packet.buffer()[RtpPacket.extensionValueOffset(element)] = (byte) ((voiceActivity ? 0x80 : 0) | clamped);
        return true;
    }
}

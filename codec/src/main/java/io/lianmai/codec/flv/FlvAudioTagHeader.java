package io.lianmai.codec.flv;

import io.lianmai.codec.CodecException;
import io.lianmai.codec.aac.AudioSpecificConfig;

/**
 * The prefix of an FLV audio tag body, which is also an RTMP audio message body (Adobe FLV v10.1 §E.4.2.1,
 * AUDIODATA and AACAUDIODATA): one byte of sound format, rate, size and type, then for AAC the AACPacketType. For
 * AAC the first byte is always {@code 0xAF} (format 10, "44 kHz", 16-bit, stereo: the real values are in the
 * AudioSpecificConfig).
 *
 * <pre>
 * +----+--+-+-+---------+----------------------------------------------------------+
 * |Fmt |Rt|S|T|AACPktT  | AACPktT 0: AudioSpecificConfig; 1: one raw AAC frame     |
 * | 4b |2b|1|1|   8b    |                                                          |
 * +----+--+-+-+---------+----------------------------------------------------------+
 * </pre>
 */
public final class FlvAudioTagHeader {
    /** Length of the AAC prefix. */
    public static final int AAC_LENGTH = 2;
    /** SoundFormat 10: AAC. */
    public static final int FORMAT_AAC = 10;
    /** AACPacketType 0: sequence header (AudioSpecificConfig). */
    public static final int AAC_SEQUENCE_HEADER = 0;
    /** AACPacketType 1: raw AAC frame. */
    public static final int AAC_RAW = 1;

    private static final byte AAC_FIRST_BYTE = (byte) 0xAF;

    private final int soundFormat;
    private final int soundRate;
    private final int soundSize;
    private final int soundType;
    private final int aacPacketType;

    private FlvAudioTagHeader(int soundFormat, int soundRate, int soundSize, int soundType, int aacPacketType) {
        this.soundFormat = soundFormat;
        this.soundRate = soundRate;
        this.soundSize = soundSize;
        this.soundType = soundType;
        this.aacPacketType = aacPacketType;
    }

    /**
     * Parses the prefix of the audio tag body at {@code buf[off, off + len)}; {@link CodecException} if it is empty or
     * AAC and shorter than 2 bytes. For other formats {@link #aacPacketType()} is -1.
     */
    public static FlvAudioTagHeader parse(byte[] buf, int off, int len) {
        if (len < 1) {
            throw new CodecException("empty FLV audio tag body");
        }
        int first = buf[off] & 0xFF;
        int format = first >> 4;
        int packetType = -1;
        if (format == FORMAT_AAC) {
            if (len < AAC_LENGTH) {
                throw new CodecException("FLV AAC audio tag body shorter than 2 bytes");
            }
            packetType = buf[off + 1] & 0xFF;
        }
        return new FlvAudioTagHeader(format, (first >> 2) & 3, (first >> 1) & 1, first & 1, packetType);
    }

    /** Writes the 2-byte AAC prefix ({@code 0xAF}, {@code aacPacketType}) at {@code dst[off]}; returns 2. */
    public static int writeAac(byte[] dst, int off, int aacPacketType) {
        dst[off] = AAC_FIRST_BYTE;
        dst[off + 1] = (byte) aacPacketType;
        return AAC_LENGTH;
    }

    /** A whole AAC sequence header tag body: the prefix and the AudioSpecificConfig. */
    public static byte[] sequenceHeaderBody(AudioSpecificConfig config) {
        byte[] asc = config.toBytes();
        byte[] body = new byte[AAC_LENGTH + asc.length];
        writeAac(body, 0, AAC_SEQUENCE_HEADER);
        System.arraycopy(asc, 0, body, AAC_LENGTH, asc.length);
        return body;
    }

    /** A whole raw AAC tag body: the prefix and the frame at {@code frame[off, off + len)}. */
    public static byte[] rawBody(byte[] frame, int off, int len) {
        byte[] body = new byte[AAC_LENGTH + len];
        writeAac(body, 0, AAC_RAW);
        System.arraycopy(frame, off, body, AAC_LENGTH, len);
        return body;
    }

    /** SoundFormat: 10 AAC, 2 MP3, 7/8 G.711, 11 Speex, … */
    public int soundFormat() {
        return soundFormat;
    }

    /** SoundRate code: 0 5.5 kHz, 1 11 kHz, 2 22 kHz, 3 44 kHz. */
    public int soundRate() {
        return soundRate;
    }

    /** SoundSize: 0 8-bit, 1 16-bit. */
    public int soundSize() {
        return soundSize;
    }

    /** SoundType: 0 mono, 1 stereo. */
    public int soundType() {
        return soundType;
    }

    /** AACPacketType (0 or 1), or -1 for another format. */
    public int aacPacketType() {
        return aacPacketType;
    }

    /** Whether this is an AAC sequence header. */
    public boolean isAacSequenceHeader() {
        return soundFormat == FORMAT_AAC && aacPacketType == AAC_SEQUENCE_HEADER;
    }
}

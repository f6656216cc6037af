package io.lianmai.live.hls;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * The AAC configuration an FLV AAC sequence header carries (ISO/IEC 14496-3 §1.6.2.1 AudioSpecificConfig), checked
 * against what ADTS can signal (ISO/IEC 13818-7 §6.2), since MPEG-TS carries AAC in ADTS frames: an object type the
 * ADTS profile field can name (Main, LC, SSR, LTP, optionally with SBR/PS signalled explicitly), a tabled sampling
 * rate, a channel configuration (no program config element), 1024-sample frames, no core coder or extension.
 *
 * <pre>
 *  audioObjectType(5)  samplingFrequencyIndex(4)  channelConfiguration(4)
 *  [SBR/PS: extensionSamplingFrequencyIndex(4)  audioObjectType(5)]
 *  GASpecificConfig: frameLengthFlag(1) dependsOnCoreCoder(1) extensionFlag(1)
 * </pre>
 */
public final class AudioSpecificConfig {
    private static final int[] SAMPLE_RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000,
        11025, 8000, 7350};
    private static final int AOT_SBR = 5;
    private static final int AOT_PS = 29;

    private final byte[] bytes;
    private final int objectType;
    private final int sampleRate;
    private final int channels;

    private AudioSpecificConfig(byte[] bytes, int objectType, int sampleRate, int channels) {
        this.bytes = bytes;
        this.objectType = objectType;
        this.sampleRate = sampleRate;
        this.channels = channels;
    }

    /** Parses the readable bytes of {@code config}; only reads it. */
    public static AudioSpecificConfig parse(ByteBuf config) throws HlsException {
        int length = config.readableBytes();
        if (length < 2) {
            throw new HlsException("AAC AudioSpecificConfig of " + length + " bytes is truncated");
        }
        if (length > 64) {
            throw new HlsException("AAC AudioSpecificConfig of " + length + " bytes is too long for ADTS");
        }
        byte[] bytes = new byte[length];
        config.getBytes(config.readerIndex(), bytes);
        Bits bits = new Bits(bytes);
        int objectType = bits.read(5);
        int samplingIndex = bits.read(4);
        int channelConfig = bits.read(4);
        if (objectType == AOT_SBR || objectType == AOT_PS) {
            int extensionIndex = bits.read(4);
            if (extensionIndex >= SAMPLE_RATES.length) {
                throw new HlsException("AAC extension sampling frequency index " + extensionIndex + " is not tabled");
            }
            objectType = bits.read(5);
        }
        if (objectType < 1 || objectType > 4) {
            throw new HlsException("AAC object type " + objectType + " cannot be carried in ADTS");
        }
        if (samplingIndex >= SAMPLE_RATES.length) {
            throw new HlsException("AAC sampling frequency index " + samplingIndex + " is not tabled");
        }
        if (channelConfig < 1 || channelConfig > 7) {
            throw new HlsException("AAC channel configuration " + channelConfig + " is not supported");
        }
        if (bits.read(1) != 0) {
            throw new HlsException("AAC 960-sample frames cannot be carried in ADTS");
        }
        if (bits.read(1) != 0 || bits.read(1) != 0) {
            throw new HlsException("AAC with a core coder or extension flag cannot be carried in ADTS");
        }
        if (bits.overrun()) {
            throw new HlsException("AAC AudioSpecificConfig of " + length + " bytes is truncated");
        }
        return new AudioSpecificConfig(bytes, objectType, SAMPLE_RATES[samplingIndex],
                channelConfig == 7 ? 8 : channelConfig);
    }

    /** The raw AudioSpecificConfig; a copy. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The core object type: 1 Main, 2 LC, 3 SSR, 4 LTP. */
    public int objectType() {
        return objectType;
    }

    /** Sampling rate of the core coder in Hz. */
    public int sampleRate() {
        return sampleRate;
    }

    public int channels() {
        return channels;
    }

    /** Duration of one 1024-sample frame in ms, rounded, at least 1. */
    int frameMillis() {
        return Math.max(1, Math.round(1024_000f / sampleRate));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AudioSpecificConfig that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "AAC object type " + objectType + ", " + sampleRate + " Hz, " + channels + " channels";
    }

    /** MSB-first bit reader that reads zeros past the end and remembers that it did. */
    private static final class Bits {
        private final byte[] bytes;
        private int position;

        Bits(byte[] bytes) {
            this.bytes = bytes;
        }

        int read(int count) {
            int value = 0;
            for (int i = 0; i < count; i++, position++) {
                int index = position >> 3;
                int bit = index < bytes.length ? (bytes[index] >> (7 - (position & 7))) & 1 : 0;
                value = (value << 1) | bit;
            }
            return value;
        }

        boolean overrun() {
            return position > bytes.length * 8;
        }
    }
}

package io.lianmai.codec.aac;

import io.lianmai.codec.CodecException;
import java.util.Arrays;

/**
 * The MPEG-4 AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1) that opens an AAC stream: it is the body of an FLV/RTMP
 * AAC sequence header after the 2-byte audio tag prefix, and the decoder's extradata.
 *
 * <pre>
 * audioObjectType (5 bits; 31 = escape, then 6 more: 32 + n) | samplingFrequencyIndex (4; 15 = explicit 24-bit rate)
 * | channelConfiguration (4) | [object type 5/29 (SBR/PS): extension rate index (4 [+24]) | audioObjectType again]
 * | GASpecificConfig (object types 1-4, 6, 7, 17, 19-23): frameLengthFlag (1) | dependsOnCoreCoder (1)
 *   [coreCoderDelay (14)] | extensionFlag (1) | … (written as 0; parsed up to extensionFlag)
 * </pre>
 *
 * <p>Only the fields a transcoder and a muxer need are exposed; a parsed config keeps its original bytes, which
 * {@link #toBytes()} returns unchanged.
 */
public final class AudioSpecificConfig {
    /** Audio object type 2: AAC LC. */
    public static final int AAC_LC = 2;
    /** Audio object type 5: SBR (HE-AAC). */
    public static final int SBR = 5;
    /** Audio object type 29: PS (HE-AAC v2). */
    public static final int PS = 29;

    private static final int[] SAMPLE_RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000,
            11025, 8000, 7350};

    private final int objectType;
    private final int sampleRate;
    private final int channelConfiguration;
    private final int extensionSampleRate;
    private final boolean frameLengthFlag;
    private final boolean dependsOnCoreCoder;
    private final boolean extensionFlag;
    private final byte[] bytes;

    private AudioSpecificConfig(int objectType, int sampleRate, int channelConfiguration, int extensionSampleRate,
            boolean frameLengthFlag, boolean dependsOnCoreCoder, boolean extensionFlag, byte[] bytes) {
        this.objectType = objectType;
        this.sampleRate = sampleRate;
        this.channelConfiguration = channelConfiguration;
        this.extensionSampleRate = extensionSampleRate;
        this.frameLengthFlag = frameLengthFlag;
        this.dependsOnCoreCoder = dependsOnCoreCoder;
        this.extensionFlag = extensionFlag;
        this.bytes = bytes;
    }

    /**
     * A config for a plain (non-SBR) stream. The rate is written as its frequency index when it has one, else
     * explicitly.
     *
     * @param objectType audio object type, 1..30 (2 for AAC LC)
     * @param sampleRate sampling rate in Hz, 1..16777215
     * @param channelConfiguration 1..7 (1 mono, 2 stereo, …)
     */
    public static AudioSpecificConfig of(int objectType, int sampleRate, int channelConfiguration) {
        if (objectType < 1 || objectType > 30 || objectType == SBR || objectType == PS) {
            throw new CodecException("unsupported audio object type for a plain config: " + objectType);
        }
        if (sampleRate < 1 || sampleRate > 0xFF_FFFF) {
            throw new CodecException("sample rate out of range: " + sampleRate);
        }
        if (channelConfiguration < 1 || channelConfiguration > 7) {
            throw new CodecException("channel configuration out of range: " + channelConfiguration);
        }
        int index = frequencyIndex(sampleRate);
        BitWriter w = new BitWriter(index >= 0 ? 2 : 5);
        w.put(objectType, 5);
        if (index >= 0) {
            w.put(index, 4);
        } else {
            w.put(15, 4);
            w.put(sampleRate, 24);
        }
        w.put(channelConfiguration, 4);
        w.put(0, 3); // GASpecificConfig: frameLengthFlag (1024), dependsOnCoreCoder, extensionFlag
        return new AudioSpecificConfig(objectType, sampleRate, channelConfiguration, 0, false, false, false,
                w.bytes());
    }

    /**
     * Parses the config at {@code buf[off, off + len)}; {@link CodecException} if it is truncated (for object types
     * with a GASpecificConfig: before its extensionFlag) or uses a reserved frequency index. SBR/PS signalled
     * explicitly (object type 5 or 29) is resolved to the core object type, with the SBR output rate in
     * {@link #extensionSampleRate()}.
     */
    public static AudioSpecificConfig parse(byte[] buf, int off, int len) {
        if (len < 2) {
            throw new CodecException("AudioSpecificConfig shorter than 2 bytes: " + len);
        }
        BitReader r = new BitReader(buf, off, len);
        int objectType = objectType(r);
        int sampleRate = sampleRate(r);
        int channels = r.get(4);
        int extensionRate = 0;
        if (objectType == SBR || objectType == PS) {
            extensionRate = sampleRate(r);
            objectType = objectType(r);
        }
        if (objectType == 0) {
            throw new CodecException("AudioSpecificConfig with audio object type 0 (null)");
        }
        boolean frameLengthFlag = false;
        boolean dependsOnCoreCoder = false;
        boolean extensionFlag = false;
        if (hasGaSpecificConfig(objectType)) {
            frameLengthFlag = r.get(1) != 0;
            dependsOnCoreCoder = r.get(1) != 0;
            if (dependsOnCoreCoder) {
                r.get(14); // coreCoderDelay
            }
            extensionFlag = r.get(1) != 0;
        }
        return new AudioSpecificConfig(objectType, sampleRate, channels, extensionRate, frameLengthFlag,
                dependsOnCoreCoder, extensionFlag, Arrays.copyOfRange(buf, off, off + len));
    }

    /** Parses a whole array; see {@link #parse(byte[], int, int)}. */
    public static AudioSpecificConfig parse(byte[] config) {
        return parse(config, 0, config.length);
    }

    /** Whether an object type's config continues with a GASpecificConfig (ISO/IEC 14496-3 §1.6.2.1, Table 1.15). */
    private static boolean hasGaSpecificConfig(int objectType) {
        return (objectType >= 1 && objectType <= 4) || objectType == 6 || objectType == 7 || objectType == 17
                || (objectType >= 19 && objectType <= 23);
    }

    private static int objectType(BitReader r) {
        int type = r.get(5);
        return type == 31 ? 32 + r.get(6) : type;
    }

    private static int sampleRate(BitReader r) {
        int index = r.get(4);
        if (index == 15) {
            int rate = r.get(24);
            if (rate == 0) {
                throw new CodecException("AudioSpecificConfig with an explicit sample rate of 0");
            }
            return rate;
        }
        if (index >= SAMPLE_RATES.length) {
            throw new CodecException("AudioSpecificConfig with reserved sampling frequency index " + index);
        }
        return SAMPLE_RATES[index];
    }

    /** The samplingFrequencyIndex of a rate, or -1 if it has none. */
    public static int frequencyIndex(int sampleRate) {
        for (int i = 0; i < SAMPLE_RATES.length; i++) {
            if (SAMPLE_RATES[i] == sampleRate) {
                return i;
            }
        }
        return -1;
    }

    /** The config's bytes (a copy). */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Audio object type of the core codec (2 for AAC LC, also for HE-AAC whose SBR is signalled explicitly). */
    public int objectType() {
        return objectType;
    }

    /** Core sampling rate in Hz (for HE-AAC, half the output rate). */
    public int sampleRate() {
        return sampleRate;
    }

    /** samplingFrequencyIndex of the core rate (0 = 96 kHz … 12 = 7350 Hz), or 15 when the rate has no index. */
    public int samplingFrequencyIndex() {
        int index = frequencyIndex(sampleRate);
        return index >= 0 ? index : 15;
    }

    /** channelConfiguration: 1 mono, 2 stereo, … 7; 0 means a program config element defines the channels. */
    public int channelConfiguration() {
        return channelConfiguration;
    }

    /** SBR output sampling rate for explicitly signalled HE-AAC, else 0. */
    public int extensionSampleRate() {
        return extensionSampleRate;
    }

    /** GASpecificConfig frameLengthFlag: frames of 960 (or 480) samples instead of 1024 (or 512); else false. */
    public boolean frameLengthFlag() {
        return frameLengthFlag;
    }

    /** GASpecificConfig dependsOnCoreCoder: a scalable stream over a core coder; else false. */
    public boolean dependsOnCoreCoder() {
        return dependsOnCoreCoder;
    }

    /** GASpecificConfig extensionFlag: error-resilience or other extension fields follow; else false. */
    public boolean extensionFlag() {
        return extensionFlag;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AudioSpecificConfig && Arrays.equals(bytes, ((AudioSpecificConfig) o).bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "AudioSpecificConfig[type " + objectType + ", " + sampleRate + " Hz, channels " + channelConfiguration
                + (extensionSampleRate > 0 ? ", SBR " + extensionSampleRate + " Hz" : "") + "]";
    }

    private static final class BitReader {
        private final byte[] buf;
        private final int off;
        private final int bits;
        private int pos;

        BitReader(byte[] buf, int off, int len) {
            this.buf = buf;
            this.off = off;
            this.bits = len * 8;
        }

        int get(int n) {
            if (n > bits - pos) {
                throw new CodecException("AudioSpecificConfig truncated at bit " + pos);
            }
            int v = 0;
            for (int i = 0; i < n; i++) {
                v = (v << 1) | ((buf[off + (pos >>> 3)] >>> (7 - (pos & 7))) & 1);
                pos++;
            }
            return v;
        }
    }

    private static final class BitWriter {
        private final byte[] out;
        private int pos;

        BitWriter(int bytes) {
            out = new byte[bytes];
        }

        void put(int value, int n) {
            for (int i = n - 1; i >= 0; i--) {
                if (((value >>> i) & 1) != 0) {
                    out[pos >>> 3] |= (byte) (0x80 >>> (pos & 7));
                }
                pos++;
            }
        }

        byte[] bytes() {
            return out;
        }
    }
}

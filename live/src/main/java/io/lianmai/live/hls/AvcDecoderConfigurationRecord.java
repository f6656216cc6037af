package io.lianmai.live.hls;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The H.264 decoder configuration an FLV AVC sequence header carries (ISO/IEC 14496-15 §5.3.3.1): NAL unit length
 * size and the SPS and PPS NAL units, kept in Annex-B form (each behind a start code) to put before IDR frames.
 *
 * <pre>
 *  0 configurationVersion = 1
 *  1 AVCProfileIndication   2 profile_compatibility   3 AVCLevelIndication
 *  4 reserved(6) lengthSizeMinusOne(2)
 *  5 reserved(3) numOfSequenceParameterSets(5)
 *    { u16 length, SPS NAL unit } × n
 *    u8 numOfPictureParameterSets
 *    { u16 length, PPS NAL unit } × m
 *    (profile 100+ extension fields, ignored)
 * </pre>
 */
public final class AvcDecoderConfigurationRecord {
    private static final int NAL_SPS = 7;
    private static final int NAL_PPS = 8;
    private static final byte[] START_CODE = {0, 0, 0, 1};

    private final int lengthSize;
    private final int profile;
    private final int level;
    private final byte[] parameterSets;

    private AvcDecoderConfigurationRecord(int lengthSize, int profile, int level, byte[] parameterSets) {
        this.lengthSize = lengthSize;
        this.profile = profile;
        this.level = level;
        this.parameterSets = parameterSets;
    }

    /** Parses the readable bytes of {@code record}; only reads it. */
    public static AvcDecoderConfigurationRecord parse(ByteBuf record) throws HlsException {
        int at = record.readerIndex();
        int end = record.writerIndex();
        if (end - at < 7) {
            throw new HlsException("AVC decoder configuration of " + (end - at) + " bytes is truncated");
        }
        if (record.getUnsignedByte(at) != 1) {
            throw new HlsException("AVC decoder configuration version " + record.getUnsignedByte(at) + " is not 1");
        }
        int profile = record.getUnsignedByte(at + 1);
        int level = record.getUnsignedByte(at + 3);
        int lengthSize = (record.getUnsignedByte(at + 4) & 0x03) + 1;
        if (lengthSize == 3) {
            throw new HlsException("AVC NAL unit length size 3 is not allowed");
        }
        ByteArrayOutputStream annexB = new ByteArrayOutputStream(64);
        int spsCount = record.getUnsignedByte(at + 5) & 0x1F;
        at = copyParameterSets(record, at + 6, end, spsCount, NAL_SPS, annexB);
        if (at >= end) {
            throw new HlsException("AVC decoder configuration ends before its PPS count");
        }
        int ppsCount = record.getUnsignedByte(at);
        copyParameterSets(record, at + 1, end, ppsCount, NAL_PPS, annexB);
        if (spsCount == 0 || ppsCount == 0) {
            throw new HlsException("AVC decoder configuration has " + spsCount + " SPS and " + ppsCount + " PPS");
        }
        return new AvcDecoderConfigurationRecord(lengthSize, profile, level, annexB.toByteArray());
    }

    private static int copyParameterSets(ByteBuf record, int at, int end, int count, int nalType,
            ByteArrayOutputStream out) throws HlsException {
        for (int i = 0; i < count; i++) {
            if (end - at < 2) {
                throw new HlsException("AVC decoder configuration ends inside parameter set " + i);
            }
            int length = record.getUnsignedShort(at);
            at += 2;
            if (length < 2 || length > end - at) {
                throw new HlsException("AVC parameter set of " + length + " bytes does not fit ("
                        + (end - at) + " left)");
            }
            int header = record.getUnsignedByte(at);
            if ((header & 0x80) != 0 || (header & 0x1F) != nalType) {
                throw new HlsException("AVC parameter set has NAL header 0x" + Integer.toHexString(header)
                        + ", expected type " + nalType);
            }
            out.writeBytes(START_CODE);
            byte[] nal = new byte[length];
            record.getBytes(at, nal);
            out.writeBytes(nal);
            at += length;
        }
        return at;
    }

    /** Bytes of each NAL unit's length prefix in the stream's frames: 1, 2 or 4. */
    public int lengthSize() {
        return lengthSize;
    }

    /** {@code profile_idc} (66 baseline, 77 main, 100 high, …). */
    public int profile() {
        return profile;
    }

    /** {@code level_idc} times ten (31 = level 3.1). */
    public int level() {
        return level;
    }

    /** The SPS and PPS NAL units, each behind a 4-byte start code; a copy. */
    public byte[] parameterSetsAnnexB() {
        return parameterSets.clone();
    }

    /** Size of {@link #parameterSetsAnnexB()}. */
    int parameterSetsSize() {
        return parameterSets.length;
    }

    /** Writes {@link #parameterSetsAnnexB()} at {@code out}'s position. */
    void putParameterSets(ByteBuffer out) {
        out.put(parameterSets);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AvcDecoderConfigurationRecord that && lengthSize == that.lengthSize
                && Arrays.equals(parameterSets, that.parameterSets);
    }

    @Override
    public int hashCode() {
        return 31 * lengthSize + Arrays.hashCode(parameterSets);
    }

    @Override
    public String toString() {
        return "AVC profile " + profile + " level " + level + ", " + lengthSize + "-byte NAL lengths";
    }
}

package io.lianmai.codec.h264;

import io.lianmai.wire.h264.NalUnit;

import io.lianmai.codec.CodecException;
import io.lianmai.common.BigEndian;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The AVCDecoderConfigurationRecord of ISO/IEC 14496-15 §5.3.3.1: an H.264 stream's parameter sets and NAL length
 * size. It is the body of an FLV/RTMP AVC sequence header after the 5-byte video tag prefix ({@code
 * io.lianmai.codec.flv.FlvVideoTagHeader}) and of an MP4 {@code avcC} box.
 *
 * <pre>
 * configurationVersion=1 | AVCProfileIndication | profile_compatibility | AVCLevelIndication       (4 bytes)
 * 111111 lengthSizeMinusOne(2) | 111 numOfSequenceParameterSets(5)                                   (2 bytes)
 * { u16 length, SPS NAL unit } × numOfSPS | u8 numOfPictureParameterSets | { u16 length, PPS } × numOfPPS
 * [profile 100/110/122/144: 111111 chroma_format(2) | 11111 bit_depth_luma-8(3) | 11111 bit_depth_chroma-8(3)
 *  | u8 numOfSequenceParameterSetExt | { u16 length, SPS extension } × n]
 * </pre>
 *
 * <p>Immutable; the parameter sets are copied in and out.
 */
public final class AvcDecoderConfigurationRecord {
    private final int profileIndication;
    private final int profileCompatibility;
    private final int levelIndication;
    private final int nalLengthSize;
    private final List<byte[]> sequenceParameterSets;
    private final List<byte[]> pictureParameterSets;

    private AvcDecoderConfigurationRecord(int profileIndication, int profileCompatibility, int levelIndication,
            int nalLengthSize, List<byte[]> sequenceParameterSets, List<byte[]> pictureParameterSets) {
        this.profileIndication = profileIndication;
        this.profileCompatibility = profileCompatibility;
        this.levelIndication = levelIndication;
        this.nalLengthSize = nalLengthSize;
        this.sequenceParameterSets = sequenceParameterSets;
        this.pictureParameterSets = pictureParameterSets;
    }

    /** The record for one SPS and one PPS (NAL units with header byte, no start code) and 4-byte NAL lengths. */
    public static AvcDecoderConfigurationRecord of(byte[] sps, byte[] pps) {
        return of(List.of(sps), List.of(pps), 4);
    }

    /**
     * The record for these parameter sets; profile, compatibility and level are taken from the first SPS. {@link
     * CodecException} if a list is empty or too long, an entry is not of its type or longer than 65535 bytes, or the
     * length size is not 1, 2 or 4.
     */
    public static AvcDecoderConfigurationRecord of(List<byte[]> sps, List<byte[]> pps, int nalLengthSize) {
        if (sps.isEmpty() || sps.size() > 31 || pps.isEmpty() || pps.size() > 255) {
            throw new CodecException("an AVC configuration record needs 1..31 SPS and 1..255 PPS, got " + sps.size()
                    + " and " + pps.size());
        }
        if (nalLengthSize != 1 && nalLengthSize != 2 && nalLengthSize != 4) {
            throw new CodecException("NAL length size must be 1, 2 or 4: " + nalLengthSize);
        }
        List<byte[]> spsCopy = copyChecked(sps, NalUnit.SPS);
        List<byte[]> ppsCopy = copyChecked(pps, NalUnit.PPS);
        byte[] first = spsCopy.get(0);
        if (first.length < 4) {
            throw new CodecException("SPS too short: " + first.length + " bytes");
        }
        return new AvcDecoderConfigurationRecord(first[1] & 0xFF, first[2] & 0xFF, first[3] & 0xFF, nalLengthSize,
                spsCopy, ppsCopy);
    }

    /**
     * Parses a record at {@code buf[off, off + len)}; {@link CodecException} if it is truncated, not version 1, or
     * lists no SPS or PPS. The optional High-profile extension is not kept (it is rebuilt from the SPS on output).
     */
    public static AvcDecoderConfigurationRecord parse(byte[] buf, int off, int len) {
        if (len < 7) {
            throw new CodecException("AVC configuration record too short: " + len + " bytes");
        }
        if (buf[off] != 1) {
            throw new CodecException("AVC configuration record version " + (buf[off] & 0xFF) + ", expected 1");
        }
        int nalLengthSize = (buf[off + 4] & 0x03) + 1;
        if (nalLengthSize == 3) {
            throw new CodecException("AVC configuration record with 3-byte NAL lengths");
        }
        int end = off + len;
        int pos = off + 5;
        int spsCount = buf[pos++] & 0x1F;
        List<byte[]> sps = new ArrayList<>(spsCount);
        pos = readSets(buf, pos, end, spsCount, sps, NalUnit.SPS);
        if (pos >= end) {
            throw new CodecException("AVC configuration record truncated before the PPS count");
        }
        int ppsCount = buf[pos++] & 0xFF;
        List<byte[]> pps = new ArrayList<>(ppsCount);
        readSets(buf, pos, end, ppsCount, pps, NalUnit.PPS);
        if (sps.isEmpty() || pps.isEmpty()) {
            throw new CodecException("AVC configuration record without SPS or PPS");
        }
        return new AvcDecoderConfigurationRecord(buf[off + 1] & 0xFF, buf[off + 2] & 0xFF, buf[off + 3] & 0xFF,
                nalLengthSize, List.copyOf(sps), List.copyOf(pps));
    }

    /** Parses a whole array; see {@link #parse(byte[], int, int)}. */
    public static AvcDecoderConfigurationRecord parse(byte[] record) {
        return parse(record, 0, record.length);
    }

    private static int readSets(byte[] buf, int pos, int end, int count, List<byte[]> out, int type) {
        for (int i = 0; i < count; i++) {
            if (end - pos < 2) {
                throw new CodecException("AVC configuration record truncated in parameter set " + i);
            }
            int length = BigEndian.u16(buf, pos);
            pos += 2;
            if (length == 0 || length > end - pos) {
                throw new CodecException("AVC configuration record: parameter set length " + length + " runs past "
                        + "the end");
            }
            if ((buf[pos] & 0x1F) != type) {
                throw new CodecException("AVC configuration record: NAL type " + (buf[pos] & 0x1F) + " in the "
                        + (type == NalUnit.SPS ? "SPS" : "PPS") + " list");
            }
            out.add(Arrays.copyOfRange(buf, pos, pos + length));
            pos += length;
        }
        return pos;
    }

    private static List<byte[]> copyChecked(List<byte[]> sets, int type) {
        List<byte[]> out = new ArrayList<>(sets.size());
        for (byte[] set : sets) {
            if (set.length == 0 || set.length > 0xFFFF || (set[0] & 0x1F) != type) {
                throw new CodecException("not a " + (type == NalUnit.SPS ? "SPS" : "PPS") + " NAL unit of 1..65535 "
                        + "bytes");
            }
            out.add(set.clone());
        }
        return List.copyOf(out);
    }

    /** The record's bytes, with the High-profile extension when the profile needs it and the first SPS parses. */
    public byte[] toBytes() {
        int size = 7;
        for (byte[] s : sequenceParameterSets) {
            size += 2 + s.length;
        }
        for (byte[] p : pictureParameterSets) {
            size += 2 + p.length;
        }
        SequenceParameterSet sps = null;
        if (needsExtension(profileIndication)) {
            try {
                byte[] first = sequenceParameterSets.get(0);
                sps = SequenceParameterSet.parse(first, 0, first.length);
                size += 4;
            } catch (CodecException e) {
                sps = null; // an unparseable SPS: the extension is left out, as many muxers do
            }
        }
        byte[] out = new byte[size];
        out[0] = 1;
        out[1] = (byte) profileIndication;
        out[2] = (byte) profileCompatibility;
        out[3] = (byte) levelIndication;
        out[4] = (byte) (0xFC | (nalLengthSize - 1));
        out[5] = (byte) (0xE0 | sequenceParameterSets.size());
        int pos = 6;
        for (byte[] s : sequenceParameterSets) {
            BigEndian.put16(out, pos, s.length);
            System.arraycopy(s, 0, out, pos + 2, s.length);
            pos += 2 + s.length;
        }
        out[pos++] = (byte) pictureParameterSets.size();
        for (byte[] p : pictureParameterSets) {
            BigEndian.put16(out, pos, p.length);
            System.arraycopy(p, 0, out, pos + 2, p.length);
            pos += 2 + p.length;
        }
        if (sps != null) {
            out[pos++] = (byte) (0xFC | sps.chromaFormatIdc());
            out[pos++] = (byte) (0xF8 | (sps.bitDepthLuma() - 8));
            out[pos++] = (byte) (0xF8 | (sps.bitDepthChroma() - 8));
            out[pos] = 0;
        }
        return out;
    }

    private static boolean needsExtension(int profile) {
        return profile == 100 || profile == 110 || profile == 122 || profile == 144;
    }

    /** The parameter sets as an Annex-B stream (4-byte start codes, SPS first): what MPEG-TS wants before an IDR. */
    public byte[] toAnnexB() {
        int size = 0;
        for (byte[] s : sequenceParameterSets) {
            size += 4 + s.length;
        }
        for (byte[] p : pictureParameterSets) {
            size += 4 + p.length;
        }
        byte[] out = new byte[size];
        int pos = 0;
        for (List<byte[]> sets : List.of(sequenceParameterSets, pictureParameterSets)) {
            for (byte[] set : sets) {
                out[pos + 3] = 1;
                System.arraycopy(set, 0, out, pos + 4, set.length);
                pos += 4 + set.length;
            }
        }
        return out;
    }

    /** AVCProfileIndication (profile_idc of the SPS). */
    public int profileIndication() {
        return profileIndication;
    }

    /** profile_compatibility (the SPS constraint flags byte). */
    public int profileCompatibility() {
        return profileCompatibility;
    }

    /** AVCLevelIndication (level_idc). */
    public int levelIndication() {
        return levelIndication;
    }

    /** Bytes of each NAL unit length in the stream's AVCC access units: 1, 2 or 4. */
    public int nalLengthSize() {
        return nalLengthSize;
    }

    /** The SPS NAL units (copies). */
    public List<byte[]> sequenceParameterSets() {
        return copies(sequenceParameterSets);
    }

    /** The PPS NAL units (copies). */
    public List<byte[]> pictureParameterSets() {
        return copies(pictureParameterSets);
    }

    /** The first SPS (a copy). */
    public byte[] sps() {
        return sequenceParameterSets.get(0).clone();
    }

    /** The first PPS (a copy). */
    public byte[] pps() {
        return pictureParameterSets.get(0).clone();
    }

    /** The SDP {@code profile-level-id} (RFC 6184 §8.1), six hex digits such as {@code 42e01f}. */
    public String profileLevelId() {
        return String.format("%02x%02x%02x", profileIndication, profileCompatibility, levelIndication);
    }

    /** The RFC 6381 codecs parameter, such as {@code avc1.42e01f} (HLS {@code CODECS}, MSE). */
    public String codecsString() {
        return "avc1." + profileLevelId();
    }

    private static List<byte[]> copies(List<byte[]> sets) {
        List<byte[]> out = new ArrayList<>(sets.size());
        for (byte[] set : sets) {
            out.add(set.clone());
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AvcDecoderConfigurationRecord)) {
            return false;
        }
        AvcDecoderConfigurationRecord other = (AvcDecoderConfigurationRecord) o;
        return nalLengthSize == other.nalLengthSize && profileIndication == other.profileIndication
                && profileCompatibility == other.profileCompatibility && levelIndication == other.levelIndication
                && sameSets(sequenceParameterSets, other.sequenceParameterSets)
                && sameSets(pictureParameterSets, other.pictureParameterSets);
    }

    private static boolean sameSets(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = nalLengthSize * 31 + profileIndication;
        for (byte[] s : sequenceParameterSets) {
            h = h * 31 + Arrays.hashCode(s);
        }
        for (byte[] p : pictureParameterSets) {
            h = h * 31 + Arrays.hashCode(p);
        }
        return h;
    }

    @Override
    public String toString() {
        return "AvcDecoderConfigurationRecord[" + codecsString() + ", " + sequenceParameterSets.size() + " SPS, "
                + pictureParameterSets.size() + " PPS, NAL length " + nalLengthSize + "]";
    }
}

package io.lianmai.codec.h264;

import io.lianmai.wire.h264.NalUnit;

import io.lianmai.codec.CodecException;

/**
 * The fields of an H.264 sequence parameter set (ITU-T H.264 §7.3.2.1.1) that containers and signalling need: profile,
 * constraint flags and level (for {@code profile-level-id} and the AVC configuration record), chroma format and bit
 * depths (the record's High-profile extension), and the cropped picture size (FLV onMetaData, HLS).
 */
public final class SequenceParameterSet {
    private final int profileIdc;
    private final int constraintFlags;
    private final int levelIdc;
    private final int id;
    private final int chromaFormatIdc;
    private final int bitDepthLuma;
    private final int bitDepthChroma;
    private final int width;
    private final int height;

    private SequenceParameterSet(int profileIdc, int constraintFlags, int levelIdc, int id, int chromaFormatIdc,
            int bitDepthLuma, int bitDepthChroma, int width, int height) {
        this.profileIdc = profileIdc;
        this.constraintFlags = constraintFlags;
        this.levelIdc = levelIdc;
        this.id = id;
        this.chromaFormatIdc = chromaFormatIdc;
        this.bitDepthLuma = bitDepthLuma;
        this.bitDepthChroma = bitDepthChroma;
        this.width = width;
        this.height = height;
    }

    /**
     * Parses the SPS NAL unit at {@code buf[off, off + len)} (header byte included); {@link CodecException} if it is not
     * an SPS, is truncated or holds values out of range.
     */
    public static SequenceParameterSet parse(byte[] buf, int off, int len) {
        if (len < 4 || (buf[off] & 0x1F) != NalUnit.SPS) {
            throw new CodecException("not an SPS NAL unit (" + len + " bytes)");
        }
        RbspReader r = new RbspReader(buf, off + 1, len - 1);
        int profileIdc = r.u(8);
        int constraintFlags = r.u(8);
        int levelIdc = r.u(8);
        int id = r.ue();
        if (id > 31) {
            throw new CodecException("SPS id out of range: " + id);
        }
        int chromaFormatIdc = 1;
        int bitDepthLuma = 8;
        int bitDepthChroma = 8;
        boolean separateColourPlanes = false;
        if (hasChromaInfo(profileIdc)) {
            chromaFormatIdc = r.ue();
            if (chromaFormatIdc > 3) {
                throw new CodecException("SPS chroma_format_idc out of range: " + chromaFormatIdc);
            }
            if (chromaFormatIdc == 3) {
                separateColourPlanes = r.flag();
            }
            bitDepthLuma = 8 + r.ue();
            bitDepthChroma = 8 + r.ue();
            if (bitDepthLuma > 14 || bitDepthChroma > 14) {
                throw new CodecException("SPS bit depth out of range");
            }
            r.flag(); // qpprime_y_zero_transform_bypass_flag
            if (r.flag()) { // seq_scaling_matrix_present_flag
                int lists = chromaFormatIdc != 3 ? 8 : 12;
                for (int i = 0; i < lists; i++) {
                    if (r.flag()) {
                        skipScalingList(r, i < 6 ? 16 : 64);
                    }
                }
            }
        }
        r.ue(); // log2_max_frame_num_minus4
        int pocType = r.ue();
        if (pocType == 0) {
            r.ue(); // log2_max_pic_order_cnt_lsb_minus4
        } else if (pocType == 1) {
            r.flag(); // delta_pic_order_always_zero_flag
            r.se(); // offset_for_non_ref_pic
            r.se(); // offset_for_top_to_bottom_field
            int cycle = r.ue();
            if (cycle > 255) {
                throw new CodecException("SPS num_ref_frames_in_pic_order_cnt_cycle out of range: " + cycle);
            }
            for (int i = 0; i < cycle; i++) {
                r.se();
            }
        } else if (pocType != 2) {
            throw new CodecException("SPS pic_order_cnt_type out of range: " + pocType);
        }
        r.ue(); // max_num_ref_frames
        r.flag(); // gaps_in_frame_num_value_allowed_flag
        int widthMbs = r.ue() + 1;
        int heightMapUnits = r.ue() + 1;
        boolean frameMbsOnly = r.flag();
        if (!frameMbsOnly) {
            r.flag(); // mb_adaptive_frame_field_flag
        }
        r.flag(); // direct_8x8_inference_flag
        int cropLeft = 0;
        int cropRight = 0;
        int cropTop = 0;
        int cropBottom = 0;
        if (r.flag()) {
            cropLeft = r.ue();
            cropRight = r.ue();
            cropTop = r.ue();
            cropBottom = r.ue();
        }
        if (widthMbs > 1024 || heightMapUnits > 1024) {
            throw new CodecException("SPS picture size out of range: " + widthMbs + "x" + heightMapUnits + " MBs");
        }
        int frameHeightFactor = frameMbsOnly ? 1 : 2;
        int cropUnitX;
        int cropUnitY;
        if (chromaFormatIdc == 0 || separateColourPlanes) {
            cropUnitX = 1;
            cropUnitY = frameHeightFactor;
        } else {
            cropUnitX = chromaFormatIdc == 3 ? 1 : 2;
            cropUnitY = (chromaFormatIdc == 1 ? 2 : 1) * frameHeightFactor;
        }
        long width = widthMbs * 16L - (long) cropUnitX * ((long) cropLeft + cropRight);
        long height = heightMapUnits * 16L * frameHeightFactor - (long) cropUnitY * ((long) cropTop + cropBottom);
        if (width <= 0 || height <= 0) {
            throw new CodecException("SPS cropping leaves no picture");
        }
        return new SequenceParameterSet(profileIdc, constraintFlags, levelIdc, id, chromaFormatIdc, bitDepthLuma,
                bitDepthChroma, (int) width, (int) height);
    }

    /** Profiles whose SPS carries chroma format, bit depths and scaling matrices (§7.3.2.1.1). */
    static boolean hasChromaInfo(int profileIdc) {
        switch (profileIdc) {
            case 100: case 110: case 122: case 244: case 44: case 83: case 86: case 118: case 128: case 138: case 139:
            case 134: case 135:
                return true;
            default:
                return false;
        }
    }

    private static void skipScalingList(RbspReader r, int size) {
        int last = 8;
        int next = 8;
        for (int j = 0; j < size; j++) {
            if (next != 0) {
                next = (last + r.se() + 256) % 256;
            }
            last = next == 0 ? last : next;
        }
    }

    /** profile_idc: 66 Baseline, 77 Main, 100 High, … */
    public int profileIdc() {
        return profileIdc;
    }

    /** The byte of constraint_set0..5 flags; with profile 66, {@code 0x40} set means Constrained Baseline. */
    public int constraintFlags() {
        return constraintFlags;
    }

    /** level_idc, ten times the level number (31 = level 3.1). */
    public int levelIdc() {
        return levelIdc;
    }

    /** seq_parameter_set_id. */
    public int id() {
        return id;
    }

    /** chroma_format_idc: 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4. */
    public int chromaFormatIdc() {
        return chromaFormatIdc;
    }

    /** Luma bit depth (8 unless a High profile says otherwise). */
    public int bitDepthLuma() {
        return bitDepthLuma;
    }

    /** Chroma bit depth. */
    public int bitDepthChroma() {
        return bitDepthChroma;
    }

    /** Picture width in pixels after cropping. */
    public int width() {
        return width;
    }

    /** Picture height in pixels after cropping. */
    public int height() {
        return height;
    }
}

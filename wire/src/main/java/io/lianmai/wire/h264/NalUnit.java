package io.lianmai.wire.h264;

/**
 * H.264 NAL unit types (ITU-T H.264 Table 7-1) and RFC 6184 packet types, read from the one-byte NAL unit header.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+
 * |F|NRI|  Type   |   F: forbidden_zero_bit, NRI: nal_ref_idc
 * +-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class NalUnit {
    /** Coded slice of a non-IDR picture. */
    public static final int SLICE = 1;
    /** Coded slice data partition A. */
    public static final int SLICE_DPA = 2;
    /** Coded slice of an IDR picture: a keyframe. */
    public static final int IDR = 5;
    /** Supplemental enhancement information. */
    public static final int SEI = 6;
    /** Sequence parameter set. */
    public static final int SPS = 7;
    /** Picture parameter set. */
    public static final int PPS = 8;
    /** Access unit delimiter. */
    public static final int AUD = 9;
    /** End of sequence. */
    public static final int END_OF_SEQUENCE = 10;
    /** End of stream. */
    public static final int END_OF_STREAM = 11;
    /** Filler data. */
    public static final int FILLER = 12;
    /** Single-time aggregation packet (RFC 6184 §5.7.1). */
    public static final int STAP_A = 24;
    /** Fragmentation unit without decoding order number (RFC 6184 §5.8). */
    public static final int FU_A = 28;

    private NalUnit() {
    }

    /** The type (low five bits) of a NAL unit header byte. */
    public static int type(byte header) {
        return header & 0x1F;
    }

    /** Whether the type is a coded slice (1..5), i.e. carries picture data. */
    public static boolean isSlice(int type) {
        return type >= SLICE && type <= IDR;
    }

    /** Whether the type is an SPS or PPS. */
    public static boolean isParameterSet(int type) {
        return type == SPS || type == PPS;
    }

    /** Whether a NAL unit with this header byte is of a type H.264 defines for single NAL unit packets (1..23). */
    public static boolean isSingleNalType(int type) {
        return type >= 1 && type <= 23;
    }
}

package io.lianmai.bench.live;

/**
 * A send time in milliseconds burnt into a picture's luma: 64 black/white blocks of 16×16 pixels in two rows of 32 at
 * the top left (512×32 pixels), carrying the 48-bit time and a 16-bit CRC over it.
 *
 * <pre>
 *  x:  0    16   32          496  512
 *     +----+----+--   ...  --+----+
 *     | 63 | 62 |            | 32 |   row 0: bits 63..32   (bit 63 = the time's most significant bit)
 *     +----+----+--   ...  --+----+
 *     | 31 | 30 |            |  0 |   row 1: bits 31..0    (bits 15..0 = CRC-16/CCITT of the 6 time bytes)
 *     +----+----+--   ...  --+----+
 *     white (235) = 1, black (16) = 0
 * </pre>
 *
 * <p>Why it survives compression: each block is exactly one H.264 macroblock, flat, at the extremes of the luma
 * range, so even a coarse quantiser keeps its DC; the reader averages the 8×8 centre of each block (away from edge
 * ringing) and thresholds at mid-grey. The CRC turns a misread into a rejected frame instead of a wrong figure.
 */
public final class TimestampBarcode {
    /** Block edge in pixels: one macroblock. */
    public static final int BLOCK = 16;
    /** Blocks per row. */
    public static final int COLUMNS = 32;
    /** Rows of blocks. */
    public static final int ROWS = 2;
    /** Width of the code in pixels. */
    public static final int WIDTH = BLOCK * COLUMNS;
    /** Height of the code in pixels: the rows of a picture {@link #read} needs. */
    public static final int HEIGHT = BLOCK * ROWS;
    /** Largest time the code carries. */
    public static final long MAX_VALUE = (1L << 48) - 1;
    /** Returned by {@link #read} when the CRC does not match (a damaged or missing code). */
    public static final long INVALID = -1;

    private static final int WHITE = 235;
    private static final int BLACK = 16;
    private static final int THRESHOLD = (WHITE + BLACK) / 2;
    private static final int SAMPLE_FROM = 4;
    private static final int SAMPLE_TO = 12;

    private TimestampBarcode() {
    }

    /**
     * Paints {@code value} into the luma plane {@code y} (row {@code r} starts at {@code offset + r * stride}), which
     * must be at least {@link #WIDTH} × {@link #HEIGHT}.
     */
    public static void paint(long value, byte[] y, int offset, int stride) {
        if (value < 0 || value > MAX_VALUE) {
            throw new IllegalArgumentException("a barcode carries 0..2^48-1, not " + value);
        }
        long word = value << 16 | crc16(value);
        for (int bit = 0; bit < ROWS * COLUMNS; bit++) {
            byte luma = (byte) (((word >>> (63 - bit)) & 1) != 0 ? WHITE : BLACK);
            int top = offset + (bit / COLUMNS) * BLOCK * stride + (bit % COLUMNS) * BLOCK;
            for (int row = 0; row < BLOCK; row++) {
                int start = top + row * stride;
                for (int col = 0; col < BLOCK; col++) {
                    y[start + col] = luma;
                }
            }
        }
    }

    /**
     * Reads the value back from luma rows laid out as for {@link #paint}; {@link #INVALID} when the CRC does not
     * match.
     */
    public static long read(byte[] y, int offset, int stride) {
        long word = 0;
        for (int bit = 0; bit < ROWS * COLUMNS; bit++) {
            int top = offset + (bit / COLUMNS) * BLOCK * stride + (bit % COLUMNS) * BLOCK;
            int sum = 0;
            for (int row = SAMPLE_FROM; row < SAMPLE_TO; row++) {
                int start = top + row * stride;
                for (int col = SAMPLE_FROM; col < SAMPLE_TO; col++) {
                    sum += y[start + col] & 0xFF;
                }
            }
            int mean = sum / ((SAMPLE_TO - SAMPLE_FROM) * (SAMPLE_TO - SAMPLE_FROM));
            word = word << 1 | (mean > THRESHOLD ? 1 : 0);
        }
        long value = word >>> 16;
        return (word & 0xFFFF) == crc16(value) ? value : INVALID;
    }

    /** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) over the value's 6 bytes, most significant first. */
    static int crc16(long value) {
        int crc = 0xFFFF;
        for (int i = 5; i >= 0; i--) {
            crc ^= (int) ((value >>> (8 * i)) & 0xFF) << 8;
            for (int b = 0; b < 8; b++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            crc &= 0xFFFF;
        }
        return crc;
    }
}

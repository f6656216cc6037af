package io.lianmai.bench.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class TimestampBarcodeTest {
    private static final int STRIDE = 640;

    @Property
    void readsBackWhatItPainted(@ForAll @LongRange(min = 0, max = TimestampBarcode.MAX_VALUE) long value) {
        byte[] y = new byte[STRIDE * 40];
        Arrays.fill(y, (byte) 100);
        TimestampBarcode.paint(value, y, STRIDE, STRIDE); // from the second row: offsets are honoured
        assertThat(TimestampBarcode.read(y, STRIDE, STRIDE)).isEqualTo(value);
    }

    @Test
    void survivesNoiseAndBlurAtBlockEdges() {
        long now = 1_764_000_000_123L;
        byte[] y = new byte[STRIDE * 32];
        TimestampBarcode.paint(now, y, 0, STRIDE);
        for (int i = 0; i < y.length; i++) {
            int col = i % STRIDE;
            int noise = (i * 7919) % 41 - 20; // ±20 everywhere
            int edge = col % 16 < 2 || col % 16 > 13 ? 60 : 0; // ringing near block edges
            int value = (y[i] & 0xFF) + noise + ((y[i] & 0xFF) > 128 ? -edge : edge);
            y[i] = (byte) Math.max(0, Math.min(255, value));
        }
        assertThat(TimestampBarcode.read(y, 0, STRIDE)).isEqualTo(now);
    }

    @Test
    void aFlippedBlockIsRejectedNotMisread() {
        long now = 1_764_000_000_123L;
        byte[] y = new byte[STRIDE * 32];
        TimestampBarcode.paint(now, y, 0, STRIDE);
        for (int row = 0; row < 16; row++) {
            for (int col = 5 * 16; col < 6 * 16; col++) {
                y[row * STRIDE + col] = (byte) (255 - (y[row * STRIDE + col] & 0xFF));
            }
        }
        assertThat(TimestampBarcode.read(y, 0, STRIDE)).isEqualTo(TimestampBarcode.INVALID);
    }

    @Test
    void aPictureWithoutACodeIsRejected() {
        byte[] grey = new byte[STRIDE * 32];
        Arrays.fill(grey, (byte) 128);
        assertThat(TimestampBarcode.read(grey, 0, STRIDE)).isEqualTo(TimestampBarcode.INVALID);
        assertThat(TimestampBarcode.read(new byte[STRIDE * 32], 0, STRIDE)).isEqualTo(TimestampBarcode.INVALID);
    }

    @Test
    void refusesValuesBeyond48Bits() {
        assertThatThrownBy(() -> TimestampBarcode.paint(1L << 48, new byte[STRIDE * 32], 0, STRIDE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void crcIsCcittFalse() {
        // CRC-16/CCITT-FALSE of the ASCII bytes "123456" (the algorithm's check value for "123456789" is 0x29B1)
        assertThat(TimestampBarcode.crc16(0x313233343536L)).isEqualTo(0x2EF4);
    }
}

package io.lianmai.bench.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.Test;

/**
 * The barcode survives the pusher's encoder and the FLV viewer's decoder at a starved bit rate, and the decoder hands
 * out each picture from the call that fed it (no frame of delay).
 */
class CodecRoundTripTest {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 360;

    @Test
    void stampsSurviveLibopenh264AtLowBitrateAndDecodeWithoutDelay() {
        byte[] y = new byte[WIDTH * HEIGHT];
        byte[] u = new byte[WIDTH * HEIGHT / 4];
        byte[] v = new byte[WIDTH * HEIGHT / 4];
        Arrays.fill(u, (byte) 128);
        Arrays.fill(v, (byte) 128);
        List<Long> read = new ArrayList<>();
        int[] sameCall = {0};
        try (OpenH264Encoder encoder = new OpenH264Encoder(WIDTH, HEIGHT, 30, 150_000)) {
            FfmpegH264Decoder decoder = null;
            try {
                for (int frame = 0; frame < 60; frame++) {
                    for (int i = 0; i < y.length; i++) {
                        y[i] = (byte) (40 + ((i % WIDTH + i / WIDTH + frame * 5) & 0x7F));
                    }
                    long stamp = 1_764_000_000_000L + frame * 33L;
                    TimestampBarcode.paint(stamp, y, 0, WIDTH);
                    int length = encoder.encode(y, u, v, frame * 33L, frame % 30 == 0);
                    assertThat(length).as("frame %d encoded", frame).isPositive();
                    if (decoder == null) {
                        decoder = new FfmpegH264Decoder(encoder.sequenceHeader());
                    }
                    int before = read.size();
                    decoder.decode(encoder.accessUnit(), 0, length, frame * 33L, picture -> read.add(read(picture)));
                    sameCall[0] += read.size() - before;
                }
                assertThat(decoder.corrupt()).isZero();
            } finally {
                if (decoder != null) {
                    decoder.close();
                }
            }
        }
        assertThat(sameCall[0]).isEqualTo(60);
        for (int frame = 0; frame < 60; frame++) {
            assertThat(read.get(frame)).as("stamp of frame %d", frame).isEqualTo(1_764_000_000_000L + frame * 33L);
        }
    }

    private static long read(AVFrame picture) {
        byte[] code = new byte[TimestampBarcode.WIDTH * TimestampBarcode.HEIGHT];
        BytePointer plane = picture.data(0);
        for (int row = 0; row < TimestampBarcode.HEIGHT; row++) {
            plane.position((long) row * picture.linesize(0)).get(code, row * TimestampBarcode.WIDTH,
                    TimestampBarcode.WIDTH);
        }
        return TimestampBarcode.read(code, 0, TimestampBarcode.WIDTH);
    }
}

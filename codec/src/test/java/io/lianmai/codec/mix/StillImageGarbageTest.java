package io.lianmai.codec.mix;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.codec.CodecException;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Image bytes from a remote URL (a mix's background and placeholder images) reach FFmpeg's PNG and JPEG decoders:
 * random bytes behind each magic, and real images bit-flipped and cut, either decode into a picture within the pixel
 * limit or are refused with {@link CodecException} — nothing else is thrown, nothing larger is decoded.
 */
class StillImageGarbageTest {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
    private static final byte[] JPEG_MAGIC = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0};
    private static final long MAX_PIXELS = 64 * 64;

    @Property(tries = 300)
    void randomBytesBehindAMagicAreRefusedOrDecodeSmall(@ForAll @Size(max = 600) List<Byte> tail,
            @ForAll boolean png) {
        byte[] magic = png ? PNG_MAGIC : JPEG_MAGIC;
        byte[] file = new byte[magic.length + tail.size()];
        System.arraycopy(magic, 0, file, 0, magic.length);
        for (int i = 0; i < tail.size(); i++) {
            file[magic.length + i] = tail.get(i);
        }
        decodeOrRefuse(file);
    }

    @Property(tries = 200)
    void damagedRealImagesAreRefusedOrDecodeSmall(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int flips,
            @ForAll boolean png) {
        byte[] file = (png ? PNG : JPEG).clone();
        Random random = new Random(seed);
        for (int i = 0; i < flips; i++) {
            file[8 + random.nextInt(file.length - 8)] ^= (byte) (1 << random.nextInt(8));
        }
        int cut = random.nextBoolean() ? file.length : 8 + random.nextInt(file.length - 8);
        decodeOrRefuse(java.util.Arrays.copyOf(file, cut));
    }

    private static void decodeOrRefuse(byte[] file) {
        try (StillImage image = StillImage.decode(file, MAX_PIXELS)) {
            assertThat((long) image.width() * image.height()).isLessThanOrEqualTo(MAX_PIXELS);
        } catch (CodecException refused) {
            // refused: fine
        }
    }

    /** A 48×48 picture (2304 pixels, within the limit) and a 96×96 one (over it) as real files. */
    private static final byte[] PNG = encode("png", 48);
    private static final byte[] JPEG = encode("mjpeg", 96);

    /** A still made by the ffmpeg tool (Debian package ffmpeg; CI has it). */
    private static byte[] encode(String encoder, int side) {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("still", encoder.equals("png") ? ".png"
                    : ".jpg");
            MixerTest.run("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=" + side + "x" + side,
                    "-frames:v", "1", "-c:v", encoder, file.toString());
            byte[] bytes = java.nio.file.Files.readAllBytes(file);
            java.nio.file.Files.delete(file);
            return bytes;
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a " + encoder + " still with the ffmpeg tool", e);
        }
    }

    @Property(tries = 1)
    void theRealImagesDecodeAndTheLargeOneIsRefused() {
        try (StillImage image = StillImage.decode(PNG, MAX_PIXELS)) {
            assertThat(image.width()).isEqualTo(48);
        }
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> StillImage.decode(JPEG, MAX_PIXELS)))
                .isInstanceOf(CodecException.class).hasMessageContaining("larger than 4096 pixels");
        try (StillImage image = StillImage.decode(JPEG, 96 * 96)) {
            assertThat(image.height()).isEqualTo(96);
        }
    }
}

package io.lianmai.codec.mix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.codec.TestMedia;
import io.lianmai.codec.TestMedia.Picture;
import io.lianmai.codec.aac.AudioSpecificConfig;
import io.lianmai.codec.mix.SyntheticMember.Arrival;
import io.lianmai.codec.mix.SyntheticMember.Frame;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random, cut, bit-flipped and oversized input never stops the mix: it is counted and good members keep showing. */
class MixerGarbageTest {
    @Test
    void garbageIsCountedAndTheMixGoesOn() {
        MixOutputs outputs = new MixOutputs();
        Mixer.Config config = Mixer.Config.DEFAULTS.withSize(320, 180).withFps(15).withGopFrames(15);
        Random random = new Random(42);
        List<Arrival> arrivals = new ArrayList<>();
        MixInput good;
        List<MixInput> bad = new ArrayList<>();
        try (Mixer mixer = new Mixer(config, null, outputs)) {
            mixer.setLayout(MixLayout.grid());
            good = mixer.addH264Input("good", 0);
            arrivals.addAll(SyntheticMember.arrivals(good, SyntheticMember.video(true, 160, 120, 3, 0, 0,
                    i -> SyntheticMember.solid(160, 120, 0xE02020)), 0, 1));
            // a member that changes resolution mid-stream (simulcast switch): both sizes are shown
            MixInput resizing = mixer.addVp8Input("resizing", 0);
            List<Frame> small = SyntheticMember.video(false, 160, 120, 1.5, 0, 0,
                    i -> SyntheticMember.solid(160, 120, 0x20C040));
            List<Frame> large = SyntheticMember.video(false, 480, 360, 1.5, 1500, 45 * 3000,
                    i -> SyntheticMember.solid(480, 360, 0x20C040));
            arrivals.addAll(SyntheticMember.arrivals(resizing, small, 0, 2));
            arrivals.addAll(SyntheticMember.arrivals(resizing, large, 0, 3));
            // every input kind fed random bytes, bit-flipped and cut real frames, empty and oversized frames
            List<Frame> h264 = SyntheticMember.video(true, 160, 120, 3, 0, 0, i -> TestMedia.movingPicture(160, 120,
                    i));
            List<Frame> vp8 = SyntheticMember.video(false, 160, 120, 3, 0, 0, i -> TestMedia.movingPicture(160, 120,
                    i));
            List<Frame> opus = SyntheticMember.opus(TestMedia.tone(440, 48_000, 3, 0.3), 0, 0);
            AudioSpecificConfig[] asc = new AudioSpecificConfig[1];
            List<Frame> aac = SyntheticMember.aac(TestMedia.tone(440, 44_100, 3, 0.3), 44_100, 0, asc);
            bad.add(mixer.addH264Input("h264", 0));
            bad.add(mixer.addVp8Input("vp8", 0));
            bad.add(mixer.addOpusInput("opus"));
            bad.add(mixer.addAacInput("aac", asc[0]));
            List<List<Frame>> sources = List.of(h264, vp8, opus, aac);
            for (int k = 0; k < 4; k++) {
                List<Frame> damaged = new ArrayList<>();
                for (Frame f : sources.get(k)) {
                    damaged.add(new Frame(f.captureMillis(), f.timestamp(), damage(f.data(), random)));
                }
                arrivals.addAll(SyntheticMember.arrivals(bad.get(k), damaged, 0, 10 + k));
            }
            // timestamps that jump around: far future, far past
            arrivals.add(new Arrival(500, bad.get(2), new Frame(500, 1L << 40, opus.get(3).data())));
            arrivals.add(new Arrival(600, bad.get(2), new Frame(600, -5_000_000, opus.get(4).data())));
            SyntheticMember.run(mixer, arrivals, 3500);
            byte[] empty = new byte[0];
            byte[] huge = new byte[VideoInput.MAX_FRAME_BYTES + 1];
            for (MixInput in : bad) {
                in.feed(empty, 0, 0, 0, 3500);
                in.feed(huge, 0, huge.length, 0, 3500);
                assertThatThrownBy(() -> in.feed(empty, 1, 1, 0, 3500))
                        .isInstanceOf(IndexOutOfBoundsException.class);
            }
            // a VP8 keyframe claiming 16383 × 16383 is refused before the decoder would allocate for it
            long rejectedBefore = bad.get(1).rejectedFrames();
            byte[] huge16k = vp8.get(0).data().clone();
            huge16k[6] = (byte) 0xFF;
            huge16k[7] = 0x3F;
            huge16k[8] = (byte) 0xFF;
            huge16k[9] = 0x3F;
            bad.get(1).feed(huge16k, 0, huge16k.length, 0, 3500);
            assertThat(bad.get(1).rejectedFrames()).isEqualTo(rejectedBefore + 1);
            mixer.tick(3600);
            for (MixInput in : bad) {
                assertThat(in.corruptFrames() + in.rejectedFrames()).as("bad frames counted for %s", in.userId())
                        .isGreaterThan(2);
            }
            assertThat(good.corruptFrames() + good.rejectedFrames()).isZero();
            assertThat(resizing.corruptFrames()).isZero();
            assertThat(mixer.framesOut()).isGreaterThanOrEqualTo(15 * 3);
        }
        // the output still decodes, and the good member is red in its cell (top left of a 3×2 grid) at the end
        List<Picture> pictures = TestMedia.decodeVideo("h264", outputs.annexB());
        Picture last = pictures.get(pictures.size() - 1);
        int[] red = SyntheticMember.yuvOf(0xE02020);
        assertThat(last.yuv()[45 * 320 + 50] & 0xFF).isCloseTo(red[0], org.assertj.core.data.Offset.offset(12));
        int[] green = SyntheticMember.yuvOf(0x20C040);
        assertThat(last.yuv()[45 * 320 + 150] & 0xFF).as("the resized member").isCloseTo(green[0],
                org.assertj.core.data.Offset.offset(12));
    }

    @Test
    void aStalledOwnerThreadSkipsAudioAndVideoTogether() {
        MixOutputs outputs = new MixOutputs();
        Mixer.Config config = Mixer.Config.DEFAULTS.withSize(160, 90).withFps(10).withGopFrames(10);
        try (Mixer mixer = new Mixer(config, null, outputs)) {
            MixInput audio = mixer.addOpusInput("a");
            mixer.addAacOutput(48_000, 2, 96_000, null, outputs::onAac);
            List<Frame> opus = SyntheticMember.opus(TestMedia.tone(440, 48_000, 8, 0.3), 0, 0);
            for (long now = 0; now <= 8000; now += 20) {
                if (now > 1000 && now < 6000) {
                    continue; // the owner thread stalls for 5 s
                }
                for (Frame f : opus) {
                    if (f.captureMillis() >= now - 20 && f.captureMillis() < now) {
                        audio.feed(f.data(), 0, f.data().length, f.timestamp(), now);
                    }
                }
                mixer.tick(now);
            }
            assertThat(mixer.framesSkipped()).isGreaterThan(30);
            assertThat(mixer.skippedSamples()).isGreaterThan(4 * 48_000);
        }
        // both timelines jumped the same way: they end within about one audio frame of each other, 8 s after the first tick
        long lastVideo = outputs.video.get(outputs.video.size() - 1).timestamp() / 90;
        long lastAudio = outputs.aac.get(outputs.aac.size() - 1).timestamp();
        assertThat(lastVideo).isBetween(7950L, 8000L); // output time 0 = the first tick
        assertThat(Math.abs(lastVideo - lastAudio)).isLessThanOrEqualTo(110);
        assertThat(outputs.video.size()).as("pictures for 3 s of 8").isLessThan(40);
        assertThat(outputs.aac.size()).as("AAC frames for 3 s of 8").isLessThan(4 * 48_000 / 1024);
    }

    private static byte[] damage(byte[] data, Random random) {
        switch (random.nextInt(4)) {
            case 0 -> {
                byte[] junk = new byte[1 + random.nextInt(300)];
                random.nextBytes(junk);
                return junk;
            }
            case 1 -> {
                byte[] flipped = data.clone();
                for (int i = 0; i < 1 + flipped.length / 50; i++) {
                    int at = random.nextInt(flipped.length);
                    flipped[at] ^= (byte) (1 << random.nextInt(8));
                }
                return flipped;
            }
            case 2 -> {
                return java.util.Arrays.copyOf(data, Math.max(1, data.length / 2));
            }
            default -> {
                return data;
            }
        }
    }
}

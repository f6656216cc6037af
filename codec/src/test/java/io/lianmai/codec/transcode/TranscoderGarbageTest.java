package io.lianmai.codec.transcode;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.codec.TestMedia;
import io.lianmai.codec.TestMedia.Packet;
import io.lianmai.codec.aac.AudioSpecificConfig;
import io.lianmai.codec.h264.H264AccessUnitListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * Garbage and bit-flipped real frames into each transcoder: nothing is thrown, the JVM survives, and valid input
 * afterwards still transcodes.
 */
class TranscoderGarbageTest {
    private static final byte[][] AAC_CONFIG = new byte[1][];
    private static final List<Packet> AAC = TestMedia.encodeAudio("aac", TestMedia.tone(440, 44_100, 1, 0.5), 44_100,
            128_000, Map.of(), AAC_CONFIG);
    private static final List<Packet> OPUS = TestMedia.encodeAudio("libopus", TestMedia.tone(440, 48_000, 1, 0.5),
            48_000, 64_000, Map.of(), null);
    private static final List<Packet> VP8 = TestMedia.encodeVideo("libvpx", pictures(), 160, 120, 30, 300_000, 10,
            Map.of("deadline", "realtime", "cpu-used", "8"));

    private static List<byte[]> pictures() {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            out.add(TestMedia.movingPicture(160, 120, i));
        }
        return out;
    }

    /** Real frames, some bit-flipped or cut, interleaved with random bytes. */
    private static List<byte[]> mangle(List<Packet> real, long seed, List<byte[]> garbage) {
        Random random = new Random(seed);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < real.size(); i++) {
            byte[] frame = real.get(i).data().clone();
            int mode = random.nextInt(4);
            if (mode == 1) {
                for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
                    frame[random.nextInt(frame.length)] ^= (byte) (1 << random.nextInt(8));
                }
            } else if (mode == 2) {
                frame = java.util.Arrays.copyOf(frame, random.nextInt(frame.length + 1));
            } else if (mode == 3 && !garbage.isEmpty()) {
                frame = garbage.get(random.nextInt(garbage.size()));
            }
            out.add(frame);
        }
        return out;
    }

    @Property(tries = 60)
    void aacToOpusSurvivesGarbage(@ForAll long seed, @ForAll @Size(max = 8) List<@Size(max = 3000) byte[]> garbage) {
        int[] packets = new int[1];
        try (AacToOpus transcoder = new AacToOpus(AudioSpecificConfig.parse(AAC_CONFIG[0]), AacToOpus.Config.DEFAULTS,
                (buf, off, len, ts) -> packets[0]++)) {
            List<byte[]> frames = mangle(AAC, seed, garbage);
            for (int i = 0; i < frames.size(); i++) {
                transcoder.feed(frames.get(i), 0, frames.get(i).length, i * 23L);
            }
            int before = packets[0];
            for (int i = 0; i < AAC.size(); i++) {
                byte[] frame = AAC.get(i).data();
                transcoder.feed(frame, 0, frame.length, 10_000 + i * 23L);
            }
            assertThat(packets[0]).isGreaterThan(before + 40);
        }
    }

    @Property(tries = 60)
    void opusToAacSurvivesGarbage(@ForAll long seed, @ForAll @Size(max = 8) List<@Size(max = 3000) byte[]> garbage) {
        int[] frames = new int[1];
        try (OpusToAac transcoder = new OpusToAac(OpusToAac.Config.DEFAULTS, (buf, off, len, ts) -> frames[0]++)) {
            List<byte[]> packets = mangle(OPUS, seed, garbage);
            for (int i = 0; i < packets.size(); i++) {
                transcoder.feed(packets.get(i), 0, packets.get(i).length, i * 960L);
            }
            int before = frames[0];
            for (int i = 0; i < OPUS.size(); i++) {
                byte[] packet = OPUS.get(i).data();
                transcoder.feed(packet, 0, packet.length, (OPUS.size() + i) * 960L);
            }
            assertThat(frames[0]).isGreaterThan(before + 40);
        }
    }

    @Property(tries = 60)
    void vp8ToH264SurvivesGarbage(@ForAll long seed, @ForAll @Size(max = 8) List<@Size(max = 3000) byte[]> garbage) {
        int[] units = new int[1];
        H264AccessUnitListener count = (buf, off, len, ts, key) -> units[0]++;
        try (Vp8ToH264 transcoder = new Vp8ToH264(Vp8ToH264.Config.DEFAULTS, count)) {
            List<byte[]> frames = mangle(VP8, seed, garbage);
            for (int i = 0; i < frames.size(); i++) {
                transcoder.feed(frames.get(i), 0, frames.get(i).length, i * 3000L);
            }
            int before = units[0];
            for (int i = 0; i < VP8.size(); i++) {
                byte[] frame = VP8.get(i).data();
                transcoder.feed(frame, 0, frame.length, (VP8.size() + i) * 3000L);
            }
            assertThat(units[0]).isEqualTo(before + VP8.size());
        }
    }
}

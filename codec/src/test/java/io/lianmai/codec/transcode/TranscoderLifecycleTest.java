package io.lianmai.codec.transcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.codec.CodecException;
import io.lianmai.codec.TestMedia;
import io.lianmai.codec.TestMedia.Packet;
import io.lianmai.codec.aac.AudioSpecificConfig;
import io.lianmai.codec.h264.H264AccessUnitListener;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/** Opening, closing and misuse of the transcoders: native memory comes back, closed ones refuse work. */
class TranscoderLifecycleTest {
    private static final H264AccessUnitListener IGNORE = (buf, off, len, ts, key) -> {
    };

    @Test
    void closedTranscodersRefuseWorkAndCloseTwice() {
        AacToOpus aacToOpus = new AacToOpus(AudioSpecificConfig.of(2, 44_100, 2), AacToOpus.Config.DEFAULTS,
                (buf, off, len, ts) -> {
                });
        aacToOpus.close();
        aacToOpus.close();
        assertThatThrownBy(() -> aacToOpus.feed(new byte[10], 0, 10, 0)).isInstanceOf(IllegalStateException.class);
        OpusToAac opusToAac = new OpusToAac(OpusToAac.Config.DEFAULTS, (buf, off, len, ts) -> {
        });
        opusToAac.close();
        assertThatThrownBy(() -> opusToAac.feed(new byte[10], 0, 10, 0)).isInstanceOf(IllegalStateException.class);
        Vp8ToH264 vp8ToH264 = new Vp8ToH264(Vp8ToH264.Config.DEFAULTS, IGNORE);
        vp8ToH264.close();
        vp8ToH264.close();
        assertThatThrownBy(() -> vp8ToH264.feed(new byte[10], 0, 10, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anUndecodableConfigIsACodecException() {
        // AAC Main with 7 channels at 7350 Hz is valid syntax; object type 31 escape to 63 is not a decoder FFmpeg has
        assertThatThrownBy(() -> new AacToOpus(AudioSpecificConfig.parse(new byte[] {(byte) 0xff, (byte) 0xe0, 0, 0}),
                AacToOpus.Config.DEFAULTS, (buf, off, len, ts) -> {
                })).isInstanceOf(CodecException.class);
    }

    /** Resident memory less what the JVM has committed (heap, metaspace, code cache), which also shows in RSS. */
    private static long nativeResidentBytes() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        return Pointer.physicalBytes() - memory.getHeapMemoryUsage().getCommitted()
                - memory.getNonHeapMemoryUsage().getCommitted();
    }

    @Test
    void nativeMemoryComesBackAfterClose() {
        byte[][] asc = new byte[1][];
        List<Packet> aac = TestMedia.encodeAudio("aac", TestMedia.tone(440, 44_100, 0.2, 0.5), 44_100, 128_000,
                Map.of(), asc);
        List<Packet> opus = TestMedia.encodeAudio("libopus", TestMedia.tone(440, 48_000, 0.2, 0.5), 48_000, 64_000,
                Map.of(), null);
        List<byte[]> pictures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pictures.add(TestMedia.movingPicture(320, 240, i));
        }
        List<Packet> vp8 = TestMedia.encodeVideo("libvpx", pictures, 320, 240, 30, 500_000, 10,
                Map.of("deadline", "realtime", "cpu-used", "8"));
        Runnable cycle = () -> {
            try (AacToOpus a = new AacToOpus(AudioSpecificConfig.parse(asc[0]), AacToOpus.Config.DEFAULTS,
                    (buf, off, len, ts) -> {
                    });
                    OpusToAac o = new OpusToAac(OpusToAac.Config.DEFAULTS, (buf, off, len, ts) -> {
                    });
                    Vp8ToH264 v = new Vp8ToH264(Vp8ToH264.Config.DEFAULTS, IGNORE)) {
                for (int i = 0; i < aac.size(); i++) {
                    a.feed(aac.get(i).data(), 0, aac.get(i).data().length, i * 23L);
                }
                for (int i = 0; i < opus.size(); i++) {
                    o.feed(opus.get(i).data(), 0, opus.get(i).data().length, i * 960L);
                }
                for (int i = 0; i < vp8.size(); i++) {
                    v.feed(vp8.get(i).data(), 0, vp8.get(i).data().length, i * 3000L);
                }
            }
        };
        for (int i = 0; i < 30; i++) {
            cycle.run();
        }
        // resident memory moves by tens of MB as malloc arenas and the heap breathe: compare the lowest readings of
        // the first and last 100 cycles, far apart enough for a real leak to stand out
        long first = Long.MAX_VALUE;
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 300; i++) {
            cycle.run();
            if (i % 20 == 19) {
                System.gc();
                if (i < 100) {
                    first = Math.min(first, nativeResidentBytes());
                } else if (i >= 200) {
                    last = Math.min(last, nativeResidentBytes());
                }
            }
        }
        long growth = last - first;
        // a leaked libopenh264 encoder alone is over 1 MB per cycle at 320x240 (+150 MB or more here)
        assertThat(growth).as("native resident memory growth over ~150 cycles").isLessThan(48L * 1024 * 1024);
    }
}

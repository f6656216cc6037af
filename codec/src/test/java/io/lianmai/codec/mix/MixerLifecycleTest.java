package io.lianmai.codec.mix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.codec.TestMedia;
import io.lianmai.codec.aac.AudioSpecificConfig;
import io.lianmai.codec.mix.SyntheticMember.Frame;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/** Opening, closing and misuse of mixers: native memory comes back, closed ones refuse work. */
class MixerLifecycleTest {
    private static final Mixer.Config SMALL = Mixer.Config.DEFAULTS.withSize(320, 240).withFps(15);

    @Test
    void closedMixerAndInputsRefuseWorkAndCloseTwice() {
        Mixer mixer = new Mixer(SMALL, null, new MixOutputs());
        MixInput input = mixer.addH264Input("a", 0);
        mixer.close();
        mixer.close();
        assertThatThrownBy(() -> mixer.tick(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> input.feed(new byte[10], 0, 10, 0, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> mixer.addOpusInput("b")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void invalidConfigsAreRefused() {
        assertThatThrownBy(() -> SMALL.withSize(321, 240)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SMALL.withFps(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SMALL.withLatencyMillis(5000)).isInstanceOf(IllegalArgumentException.class);
        try (Mixer mixer = new Mixer(SMALL, null, new MixOutputs())) {
            assertThatThrownBy(() -> mixer.addAacOutput(96_000, 2, 128_000, null, (b, o, l, t) -> {
            })).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** Resident memory less what the JVM has committed (heap, metaspace, code cache), which also shows in RSS. */
    private static long nativeResidentBytes() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        return Pointer.physicalBytes() - memory.getHeapMemoryUsage().getCommitted()
                - memory.getNonHeapMemoryUsage().getCommitted();
    }

    @Test
    void nativeMemoryComesBackAfterClose() {
        List<Frame> h264 = SyntheticMember.video(true, 320, 240, 0.2, 0, 0, i -> TestMedia.movingPicture(320, 240, i));
        List<Frame> vp8 = SyntheticMember.video(false, 320, 240, 0.2, 0, 0, i -> TestMedia.movingPicture(320, 240, i));
        List<Frame> opus = SyntheticMember.opus(TestMedia.tone(440, 48_000, 0.2, 0.3), 0, 0);
        AudioSpecificConfig[] asc = new AudioSpecificConfig[1];
        List<Frame> aac = SyntheticMember.aac(TestMedia.tone(440, 44_100, 0.2, 0.3), 44_100, 0, asc);
        Runnable cycle = () -> {
            try (Mixer mixer = new Mixer(SMALL, null, (buf, off, len, timestamp, keyframe) -> {
            })) {
                mixer.setLayout(MixLayout.floating(null, 0).withPlaceholder(0x808080));
                MixInput[] inputs = {mixer.addH264Input("a", 0), mixer.addVp8Input("b", 0), mixer.addOpusInput("a"),
                    mixer.addAacInput("b", asc[0])};
                mixer.addAacOutput(48_000, 2, 96_000, null, (b, o, l, t) -> {
                });
                mixer.addOpusOutput(2, 48_000, "a", (b, o, l, t) -> {
                });
                List<List<Frame>> media = List.of(h264, vp8, opus, aac);
                mixer.tick(0);
                for (long now = 0; now <= 400; now += 20) {
                    for (int k = 0; k < 4; k++) {
                        for (Frame f : media.get(k)) {
                            if (f.captureMillis() >= now - 20 && f.captureMillis() < now) {
                                inputs[k].feed(f.data(), 0, f.data().length, f.timestamp(), now);
                            }
                        }
                    }
                    mixer.tick(now);
                }
                mixer.removeInput(inputs[1]);
                mixer.tick(420);
            }
        };
        for (int i = 0; i < 20; i++) {
            cycle.run();
        }
        // compare the lowest readings of the first and last 60 cycles, far apart enough for a real leak to show
        long first = Long.MAX_VALUE;
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 180; i++) {
            cycle.run();
            if (i % 15 == 14) {
                System.gc();
                if (i < 60) {
                    first = Math.min(first, nativeResidentBytes());
                } else if (i >= 120) {
                    last = Math.min(last, nativeResidentBytes());
                }
            }
        }
        // a leaked canvas, encoder and decoders are over 1 MB per cycle at 320x240 (+90 MB over 90 cycles)
        assertThat(last - first).as("native resident memory growth over ~90 cycles").isLessThan(48L * 1024 * 1024);
    }
}

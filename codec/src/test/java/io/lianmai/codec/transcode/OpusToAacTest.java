package io.lianmai.codec.transcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lianmai.codec.TestMedia;
import io.lianmai.codec.TestMedia.Packet;
import io.lianmai.codec.TestMedia.Pcm;
import io.lianmai.codec.aac.AudioSpecificConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpusToAacTest {
    /** An RTP timestamp base close to the 32-bit wrap, so it wraps within the test. */
    private static final long RTP_BASE = 0xFFFF_0000L;

    private final List<byte[]> frames = new ArrayList<>();
    private final List<Long> millis = new ArrayList<>();

    private final AacFrameListener collect = (buf, off, len, ts) -> {
        byte[] copy = new byte[len];
        System.arraycopy(buf, off, copy, 0, len);
        frames.add(copy);
        millis.add(ts);
    };

    private static List<Packet> opusTone(double seconds) {
        float[] pcm = TestMedia.tone(1000, 48_000, seconds, 0.5);
        return TestMedia.encodeAudio("libopus", pcm, 48_000, 64_000, Map.of("frame_duration", "20"), null);
    }

    private static long rtp(Packet p) {
        return (RTP_BASE + p.pts() + 312) & 0xFFFF_FFFFL; // pts starts at -pre-skip
    }

    @Test
    void aToneSurvivesAndTheConfigDescribesTheOutput() {
        List<Packet> opus = opusTone(3);
        AudioSpecificConfig asc;
        try (OpusToAac transcoder = new OpusToAac(OpusToAac.Config.DEFAULTS, collect)) {
            asc = transcoder.audioSpecificConfig();
            for (Packet p : opus) {
                transcoder.feed(p.data(), 0, p.data().length, rtp(p));
            }
            assertThat(transcoder.inputsCorrupt()).isZero();
            assertThat(transcoder.filledSamples()).isZero();
            assertThat(transcoder.outputMillis(RTP_BASE + 48_000)).isEqualTo(1000);
        }
        assertThat(asc.objectType()).isEqualTo(AudioSpecificConfig.AAC_LC);
        assertThat(asc.sampleRate()).isEqualTo(48_000);
        assertThat(asc.channelConfiguration()).isEqualTo(2);
        int samples = opus.size() * 960;
        assertThat(frames.size()).isBetween(samples / 1024 - 1, samples / 1024 + 1);
        for (int i = 0; i < millis.size(); i++) {
            assertThat(millis.get(i)).isEqualTo(i * 1024L / 48);
        }
        Pcm decoded = TestMedia.decodeAudio("aac", asc.toBytes(), frames);
        assertThat(decoded.rate()).isEqualTo(48_000);
        assertThat(decoded.channels()).isEqualTo(2);
        float[] right = decoded.channel(1);
        int from = 48_000 / 2;
        int to = 48_000 * 5 / 2;
        assertThat(TestMedia.zeroCrossingFrequency(right, from, to, 48_000)).isCloseTo(1000, within(2.0));
        assertThat(TestMedia.toneShare(right, from, to, 1000, 48_000)).isGreaterThan(0.9);
    }

    @Test
    void lostPacketsBecomeSilenceSoTheTimelineHolds() {
        List<Packet> opus = opusTone(3);
        try (OpusToAac transcoder = new OpusToAac(OpusToAac.Config.DEFAULTS, collect)) {
            for (int i = 0; i < opus.size(); i++) {
                if (i >= 50 && i < 53 || i == 90) {
                    continue;
                }
                Packet p = opus.get(i);
                transcoder.feed(p.data(), 0, p.data().length, rtp(p));
                if (i == 70) {
                    transcoder.feed(p.data(), 0, p.data().length, rtp(p)); // duplicate
                }
            }
            assertThat(transcoder.filledSamples()).isEqualTo(4 * 960);
            assertThat(transcoder.inputsDropped()).isEqualTo(1);
            assertThat(transcoder.jumps()).isZero();
        }
        int samples = opus.size() * 960;
        assertThat(frames.size()).isBetween(samples / 1024 - 1, samples / 1024 + 1);
        Pcm decoded = TestMedia.decodeAudio("aac", AudioSpecificConfig.of(2, 48_000, 2).toBytes(), frames);
        float[] left = decoded.channel(0);
        // 50 * 20 ms = 1.0 s: 60 ms of near silence there, the tone before and after, at the original places
        int gap = 48_000 + 1024 + 960;
        assertThat(TestMedia.rms(left, gap + 300, gap + 2 * 960)).isLessThan(0.05);
        assertThat(TestMedia.rms(left, 24_000, 40_000)).isGreaterThan(0.3);
        assertThat(TestMedia.rms(left, 60_000, 80_000)).isGreaterThan(0.3);
        assertThat(TestMedia.zeroCrossingFrequency(left, 100_000, 130_000, 48_000)).isCloseTo(1000, within(2.0));
    }

    @Test
    void aLongOutageJumpsTheTimestamps() {
        List<Packet> opus = opusTone(2);
        try (OpusToAac transcoder = new OpusToAac(OpusToAac.Config.DEFAULTS.withTiming(10, 200), collect)) {
            for (int i = 0; i < opus.size(); i++) {
                Packet p = opus.get(i);
                long ts = i < 50 ? rtp(p) : rtp(p) + 48_000 * 10; // 10 s without packets
                transcoder.feed(p.data(), 0, p.data().length, ts);
            }
            assertThat(transcoder.jumps()).isEqualTo(1);
            assertThat(transcoder.filledSamples()).isZero();
        }
        long jump = 0;
        for (int i = 1; i < millis.size(); i++) {
            long step = millis.get(i) - millis.get(i - 1);
            if (step > 22) {
                jump = step;
            }
        }
        assertThat(jump).isBetween(10_000L, 10_050L);
    }
}

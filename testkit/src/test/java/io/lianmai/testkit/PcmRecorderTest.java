package io.lianmai.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class PcmRecorderTest {
    /** 10 ms of stereo 16-bit PCM as libwebrtc delivers it: {@code left} in channel 0, silence in channel 1. */
    private static byte[] chunk(short[] left, int from, int frames) {
        ByteBuffer out = ByteBuffer.allocate(frames * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < frames; i++) {
            out.putShort(left[from + i]).putShort((short) 0);
        }
        return out.array();
    }

    @Test
    void keepsTheFirstChannelOfTheLastSecondsAndHearsTheTone() {
        PcmRecorder recorder = new PcmRecorder(2);
        short[] tone = ToneDetectorTest.sine(440, 0.2, 48_000, 3 * 48_000);
        for (int at = 0; at < tone.length; at += 480) {
            recorder.append(chunk(tone, at, 480), 16, 48_000, 2, 480);
        }
        assertThat(recorder.sampleRate()).isEqualTo(48_000);
        assertThat(recorder.last(5)).hasSize(2 * 48_000);
        short[] last = recorder.last(0.01);
        assertThat(last).containsExactly(java.util.Arrays.copyOfRange(tone, tone.length - 480, tone.length));
        assertThat(recorder.dominantFrequency(50, 4000)).isCloseTo(440, within(0.5));
    }

    @Test
    void aNewRateStartsOverAndTooLittleAudioIsAFailure() {
        PcmRecorder recorder = new PcmRecorder(1);
        recorder.append(new byte[1920], 16, 48_000, 2, 480);
        recorder.append(new byte[1764], 16, 44_100, 2, 441);
        recorder.append(new byte[100], 8, 44_100, 1, 100);
        assertThat(recorder.sampleRate()).isEqualTo(44_100);
        assertThat(recorder.last(1)).hasSize(441);
        assertThatThrownBy(() -> recorder.dominantFrequency(50, 4000)).isInstanceOf(AssertionError.class);
    }
}

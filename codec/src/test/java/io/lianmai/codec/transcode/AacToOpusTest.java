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

class AacToOpusTest {
    private static final int SOURCE_RATE = 44_100;

    private final List<byte[]> packets = new ArrayList<>();
    private final List<Long> timestamps = new ArrayList<>();

    private final OpusPacketListener collect = (buf, off, len, ts) -> {
        byte[] copy = new byte[len];
        System.arraycopy(buf, off, copy, 0, len);
        packets.add(copy);
        timestamps.add(ts);
    };

    /** AAC frames of a 440 Hz tone at 44.1 kHz, as an RTMP encoder would send them; element 0 of asc gets the config. */
    private static List<Packet> aacTone(double seconds, byte[][] asc) {
        float[] pcm = TestMedia.tone(440, SOURCE_RATE, seconds, 0.5);
        return TestMedia.encodeAudio("aac", pcm, SOURCE_RATE, 128_000, Map.of(), asc);
    }

    private static long flvMillis(int frameIndex) {
        return Math.round(frameIndex * 1024 * 1000.0 / SOURCE_RATE);
    }

    @Test
    void aToneSurvivesWithContinuousTimestamps() {
        byte[][] asc = new byte[1][];
        List<Packet> aac = aacTone(3, asc);
        try (AacToOpus transcoder = new AacToOpus(AudioSpecificConfig.parse(asc[0]), AacToOpus.Config.DEFAULTS,
                collect)) {
            for (int i = 0; i < aac.size(); i++) {
                byte[] frame = aac.get(i).data();
                transcoder.feed(frame, 0, frame.length, flvMillis(i));
            }
            assertThat(transcoder.inputsCorrupt()).isZero();
            assertThat(transcoder.filledSamples()).isZero();
            assertThat(transcoder.inputsDropped()).isZero();
            assertThat(transcoder.outputsProduced()).isEqualTo(packets.size());
            assertThat(transcoder.outputTimestamp(1000)).isEqualTo(48_000);
        }
        // the AAC stream holds 3 s plus encoder priming and padding: about 150 packets of 20 ms
        assertThat(packets.size()).isBetween(148, 156);
        for (int i = 0; i < timestamps.size(); i++) {
            assertThat(timestamps.get(i)).isEqualTo(960L * i);
        }
        Pcm decoded = TestMedia.decodeAudio("opus", null, packets);
        assertThat(decoded.rate()).isEqualTo(48_000);
        assertThat(decoded.frames()).isEqualTo(960 * packets.size());
        float[] left = decoded.channel(0);
        int from = 48_000 / 2;
        int to = 48_000 * 5 / 2;
        assertThat(TestMedia.zeroCrossingFrequency(left, from, to, 48_000)).isCloseTo(440, within(1.0));
        assertThat(TestMedia.toneShare(left, from, to, 440, 48_000)).isGreaterThan(0.9);
        assertThat(TestMedia.rms(left, from, to)).isCloseTo(0.5 / Math.sqrt(2), within(0.05));
    }

    @Test
    void shortGapsAreFilledAndLongOnesJumpTheTimestamps() {
        byte[][] asc = new byte[1][];
        List<Packet> aac = aacTone(4, asc);
        try (AacToOpus transcoder = new AacToOpus(AudioSpecificConfig.parse(asc[0]), AacToOpus.Config.DEFAULTS,
                collect)) {
            for (int i = 0; i < aac.size(); i++) {
                if (i >= 40 && i < 43 || i >= 100 && i < 120) {
                    continue; // 3 frames (70 ms) lost: filled; 20 frames (464 ms) missing: jump
                }
                byte[] frame = aac.get(i).data();
                transcoder.feed(frame, 0, frame.length, flvMillis(i));
            }
            assertThat(transcoder.jumps()).isEqualTo(1);
            assertThat(transcoder.filledSamples()).isBetween(3 * 1024 * 48_000L / SOURCE_RATE - 48 * 2,
                    3 * 1024 * 48_000L / SOURCE_RATE + 48 * 2);
            long last = aac.size() - 1;
            // the mapping is the plain one (anchor at 0): output follows FLV time within the tolerance
            assertThat(transcoder.outputTimestamp(flvMillis((int) last))).isEqualTo(flvMillis((int) last) * 48);
        }
        int jumpAt = -1;
        for (int i = 1; i < timestamps.size(); i++) {
            long step = timestamps.get(i) - timestamps.get(i - 1);
            if (step != 960) {
                assertThat(jumpAt).as("one jump only").isEqualTo(-1);
                jumpAt = i;
                assertThat(step).isBetween(960L + 400 * 48, 960L + 500 * 48);
            }
        }
        assertThat(jumpAt).isPositive();
        // after the jump the packets sit where the input says, within the tolerance
        long lastTs = timestamps.get(timestamps.size() - 1);
        assertThat(Math.abs(lastTs - flvMillis(aac.size() - 1) * 48)).isLessThan(40 * 48 + 2 * 960);
    }

    @Test
    void overlappingFramesAreDroppedAndBackwardJumpsResync() {
        byte[][] asc = new byte[1][];
        List<Packet> aac = aacTone(2, asc);
        try (AacToOpus transcoder = new AacToOpus(AudioSpecificConfig.parse(asc[0]), AacToOpus.Config.DEFAULTS,
                collect)) {
            for (int i = 0; i < 40; i++) {
                byte[] frame = aac.get(i).data();
                transcoder.feed(frame, 0, frame.length, flvMillis(i));
            }
            byte[] again = aac.get(35).data();
            transcoder.feed(again, 0, again.length, flvMillis(35)); // 116 ms behind: dropped
            assertThat(transcoder.inputsDropped()).isEqualTo(1);
            for (int i = 40; i < aac.size(); i++) {
                byte[] frame = aac.get(i).data();
                transcoder.feed(frame, 0, frame.length, flvMillis(i) - 60_000); // the publisher's clock went back
            }
            assertThat(transcoder.resyncs()).isEqualTo(1);
        }
        for (int i = 1; i < timestamps.size(); i++) {
            assertThat(timestamps.get(i) - timestamps.get(i - 1)).isEqualTo(960);
        }
    }
}

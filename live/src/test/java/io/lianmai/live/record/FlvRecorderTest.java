package io.lianmai.live.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lianmai.live.flv.FlvTags;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FlvRecorder} and {@link FileMuxer} on synthetic FLV tags (real x264 parameter sets, dummy slices): files
 * start at a keyframe, roll at the maximum duration, keep their packets without a trailer (a crash), take only the
 * wanted tracks, and the write path allocates nothing per tag. ffprobe counts packets (it does not decode them).
 */
class FlvRecorderTest {
    private static final byte[] SPS = HexFormat.of().parseHex("6742c00adc47b011000003000100000300140f122780");
    private static final byte[] PPS = HexFormat.of().parseHex("68ce0f2c80");
    private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

    @TempDir
    Path dir;

    /** What a recorder's files did. */
    private final class Collected implements FlvRecorder.Files {
        final List<List<Path>> closed = new ArrayList<>();
        final List<Optional<String>> ended = new ArrayList<>();
        final boolean mp4AndHls;
        int opened;

        Collected(boolean mp4AndHls) {
            this.mp4AndHls = mp4AndHls;
        }

        @Override
        public List<FlvRecorder.Output> open(Instant start, boolean audio, boolean video) {
            opened++;
            List<FlvRecorder.Output> outputs = new ArrayList<>();
            outputs.add(new FlvRecorder.Output(FileMuxer.Format.MP4, dir.resolve("f" + opened + ".mp4")));
            if (mp4AndHls) {
                outputs.add(new FlvRecorder.Output(FileMuxer.Format.HLS, dir.resolve("f" + opened + ".m3u8")));
            }
            return outputs;
        }

        @Override
        public void onClosed(List<Path> files, Instant start, Instant end, boolean audio, boolean video) {
            closed.add(files);
        }

        @Override
        public void onEnded(Optional<String> error) {
            ended.add(error);
        }
    }

    @Test
    void filesRollAtTheMaximumDurationAndStartAtKeyframes() throws Exception {
        Collected files = new Collected(true);
        FlvRecorder recorder = new FlvRecorder(new FlvRecorder.Settings(true, true, Duration.ofSeconds(4), 100_000),
                files, Runnable::run, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        recorder.offer(FlvTags.header(ALLOC, true, true));
        // Audio and a P-frame before the first keyframe: not in any file.
        recorder.offer(tag(FlvTags.AUDIO, 0, aacFrame(100)));
        offerStream(recorder, 0, 10_000, 15);
        recorder.end();
        assertThat(files.ended).containsExactly(Optional.empty());
        assertThat(files.closed).hasSize(3);
        List<Integer> videoPackets = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            videoPackets.add(packets(dir.resolve("f" + i + ".mp4"), "v"));
            assertThat(packets(dir.resolve("f" + i + ".mp4"), "a")).isGreaterThan(0);
            assertThat(Files.readString(dir.resolve("f" + i + ".m3u8"))).contains("#EXT-X-ENDLIST");
        }
        // 30 fps, a keyframe each second from 0.5 s: files of 4 s from a keyframe, the first frames before it out.
        assertThat(videoPackets).containsExactly(120, 120, 45);
    }

    @Test
    void aMuxerClosedWithoutItsTrailerKeepsItsFragments() throws Exception {
        Path file = dir.resolve("crash.mp4");
        FileMuxer muxer = FileMuxer.create(FileMuxer.Format.MP4, file,
                io.lianmai.codec.h264.AvcDecoderConfigurationRecord.parse(avcConfigRecord()),
                io.lianmai.codec.aac.AudioSpecificConfig.parse(new byte[] {0x12, 0x08}));
        byte[] slice = new byte[1000];
        for (int i = 0; i < 150; i++) {
            boolean key = i % 30 == 0;
            slice[4] = (byte) (key ? 0x65 : 0x41);
            slice[3] = (byte) 0xE4; // 996-byte NAL unit, 4-byte length
            slice[2] = 0x03;
            muxer.frameBuffer(slice.length).put(slice);
            muxer.writeFrame(true, slice.length, i * 33L, i * 33L, key);
        }
        muxer.close(); // no trailer, as after kill -9
        assertThat(packets(file, "v")).as("every fragment cut before the crash").isGreaterThanOrEqualTo(120);
    }

    /**
     * FFmpeg's fragmented MP4 starts every track at 0: audio whose first frame comes 300 ms after the first picture
     * (a WebRTC publisher's audio held up on the way) would play 300 ms early. The muxer fills the gap with silent
     * frames, so the first real audio frame plays 300 ms in; the silent frames decode (to silence).
     */
    @Test
    void audioThatStartsAfterTheFirstPictureStaysThatLateInTheMp4() throws Exception {
        Path file = dir.resolve("late-audio.mp4");
        FileMuxer muxer = FileMuxer.create(FileMuxer.Format.MP4, file,
                io.lianmai.codec.h264.AvcDecoderConfigurationRecord.parse(avcConfigRecord()),
                io.lianmai.codec.aac.AudioSpecificConfig.parse(new byte[] {0x11, (byte) 0x88})); // LC 48 kHz mono
        byte[] slice = new byte[1000];
        long nextAudio = 300;
        for (int i = 0; i < 90; i++) {
            long t = i * 33L;
            while (nextAudio <= t) {
                byte[] audio = java.util.Arrays.copyOf(FileMuxer.SILENT_AAC_MONO, 200); // 200 B: told apart below
                muxer.frameBuffer(audio.length).put(audio);
                muxer.writeFrame(false, audio.length, nextAudio, nextAudio, true);
                nextAudio += 21; // 1024 samples at 48 kHz: 21.3 ms
            }
            boolean key = i % 30 == 0;
            slice[4] = (byte) (key ? 0x65 : 0x41);
            slice[3] = (byte) 0xE4;
            slice[2] = 0x03;
            muxer.frameBuffer(slice.length).put(slice);
            muxer.writeFrame(true, slice.length, t, t, key);
        }
        muxer.finish();

        Path ffprobe = Path.of("/usr/bin/ffprobe");
        assumeTrue(Files.isExecutable(ffprobe), "ffprobe (Debian package ffmpeg) is needed");
        Process process = new ProcessBuilder(ffprobe.toString(), "-v", "quiet", "-select_streams", "a:0",
                "-show_entries", "packet=pts_time,size", "-of", "csv=p=0", file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String[]> packets = out.lines().map(line -> line.split(",")).toList();
        assertThat(packets.get(0)[0]).as("the audio track starts with the picture").isEqualTo("0.000000");
        String[] firstReal = packets.stream().filter(p -> p[1].equals("200")).findFirst().orElseThrow();
        assertThat(Double.parseDouble(firstReal[0])).as("the first real audio frame plays 300 ms in, seconds: " + out)
                .isCloseTo(0.300, org.assertj.core.data.Offset.offset(0.011));
        assertThat(packets.stream().filter(p -> p[1].equals(String.valueOf(FileMuxer.SILENT_AAC_MONO.length))))
                .as("silent frames before it").hasSize(14);
    }

    @Test
    void onlyTheWantedTrackIsRecordedAndAnAudioOnlyFileNeedsNoKeyframe() throws Exception {
        Collected files = new Collected(false);
        FlvRecorder recorder = new FlvRecorder(new FlvRecorder.Settings(true, false, Duration.ofMinutes(10), 100_000),
                files, Runnable::run, Clock.systemUTC());
        offerStream(recorder, 0, 3_000, 15);
        recorder.stop();
        assertThat(files.closed).hasSize(1);
        Path file = dir.resolve("f1.mp4");
        assertThat(packets(file, "v")).isZero();
        assertThat(packets(file, "a")).isBetween(120, 135);
    }

    @Test
    void writingATagAllocatesNothingOnTheHeap() throws Exception {
        // Netty's sampled leak tracking records where a buffer was released: the test's, not the recorder's.
        io.netty.util.ResourceLeakDetector.Level level = io.netty.util.ResourceLeakDetector.getLevel();
        io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        try {
            measureAllocation();
        } finally {
            io.netty.util.ResourceLeakDetector.setLevel(level);
        }
    }

    private void measureAllocation() throws Exception {
        Collected files = new Collected(false);
        FlvRecorder recorder = new FlvRecorder(new FlvRecorder.Settings(true, true, Duration.ofMinutes(10), 100_000),
                files, Runnable::run, Clock.systemUTC());
        recorder.offer(tag(FlvTags.VIDEO, 0, avcConfig()));
        recorder.offer(tag(FlvTags.AUDIO, 0, aacConfig()));
        List<ByteBuf> warm = new ArrayList<>();
        List<ByteBuf> measured = new ArrayList<>();
        for (int i = 0; i < 6_000; i++) {
            (i < 5_000 ? warm : measured).add(tag(FlvTags.VIDEO, i * 33L, avcFrame(i % 30 == 0, 0, 200)));
        }
        warm.forEach(recorder::offer);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
                .getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (ByteBuf tag : measured) {
            recorder.offer(tag);
        }
        long perTag = (threads.getCurrentThreadAllocatedBytes() - before) / measured.size();
        recorder.stop();
        assertThat(perTag).as("heap bytes per tag written").isLessThan(16);
    }

    /** {@code fromMs..toMs} of 30 fps video (a keyframe each second from 0.5 s) and AAC every 23 ms, in order. */
    private static void offerStream(FlvRecorder recorder, long fromMs, long toMs, int unused) {
        recorder.offer(tag(FlvTags.VIDEO, fromMs, avcConfig()));
        recorder.offer(tag(FlvTags.AUDIO, fromMs, aacConfig()));
        long nextAudio = fromMs;
        for (long frame = 0; fromMs + frame * 1000 / 30 < toMs; frame++) {
            long t = fromMs + frame * 1000 / 30;
            while (nextAudio <= t) {
                recorder.offer(tag(FlvTags.AUDIO, nextAudio, aacFrame(200)));
                nextAudio += 23;
            }
            boolean key = frame % 30 == 15;
            recorder.offer(tag(FlvTags.VIDEO, t, avcFrame(key, 0, 1500)));
        }
    }

    private int packets(Path file, String stream) throws Exception {
        Path ffprobe = Path.of("/usr/bin/ffprobe");
        assumeTrue(Files.isExecutable(ffprobe), "ffprobe (Debian package ffmpeg) is needed");
        Path out = dir.resolve("probe.txt");
        Process process = new ProcessBuilder(ffprobe.toString(), "-v", "quiet", "-count_packets", "-select_streams",
                stream + ":0", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(out.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = Files.readString(out).strip();
        return text.isEmpty() ? 0 : Integer.parseInt(text.split("\\s+")[0].replace(",", ""));
    }

    private static ByteBuf tag(int type, long timestamp, ByteBuf body) {
        try {
            return FlvTags.tag(ALLOC, type, timestamp, body);
        } finally {
            body.release();
        }
    }

    private static byte[] avcConfigRecord() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        out.writeBytes(new byte[] {SPS[1], SPS[2], SPS[3]});
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE1});
        out.write(SPS.length >> 8);
        out.write(SPS.length);
        out.writeBytes(SPS);
        out.write(1);
        out.write(PPS.length >> 8);
        out.write(PPS.length);
        out.writeBytes(PPS);
        return out.toByteArray();
    }

    private static ByteBuf avcConfig() {
        return Unpooled.wrappedBuffer(new byte[] {0x17, 0, 0, 0, 0}, avcConfigRecord());
    }

    private static ByteBuf avcFrame(boolean keyframe, int cts, int size) {
        ByteBuf body = Unpooled.buffer(9 + size);
        body.writeByte(keyframe ? 0x17 : 0x27).writeByte(1).writeMedium(cts);
        body.writeInt(size).writeByte(keyframe ? 0x65 : 0x41).writeZero(size - 1);
        return body;
    }

    private static ByteBuf aacConfig() {
        return Unpooled.wrappedBuffer(new byte[] {(byte) 0xAF, 0, 0x12, 0x08});
    }

    private static ByteBuf aacFrame(int size) {
        ByteBuf body = Unpooled.buffer(2 + size);
        body.writeByte(0xAF).writeByte(1).writeZero(size);
        return body;
    }
}

package io.lianmai.live.hls;

import static io.lianmai.live.hls.HlsSegmentationPropertyTest.mutate;
import static io.lianmai.live.hls.HlsSegmentationPropertyTest.play;
import static io.lianmai.live.hls.HlsSegmentationPropertyTest.validStream;
import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.live.flv.FlvTags;
import io.lianmai.live.hls.HlsSegmentationPropertyTest.Message;
import io.lianmai.testkit.FakeClock;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Garbage through the real FFmpeg muxer: whatever passes the checks is something FFmpeg muxes or refuses with an
 * error, never a crash of the JVM; native muxers are freed when the stream ends; output is whole TS packets.
 */
class FfmpegGarbagePropertyTest {
    @Property(tries = 300)
    void garbageNeverCrashesFfmpegOrLeaksMuxers(
            @ForAll @IntRange(min = 0, max = 40) int mutations,
            @ForAll @IntRange(min = 0, max = 10) int randomMessages,
            @ForAll @IntRange(min = 0, max = 4) int mangledParameterSets,
            @ForAll long seed) {
        Random random = new Random(seed);
        List<Message> messages = mutate(validStream(random, 60), mutations, randomMessages, random);
        for (int i = 0; i < mangledParameterSets; i++) {
            messages.add(random.nextInt(messages.size()), new Message(FlvTags.VIDEO, random.nextInt(4000),
                    HlsSegmentationPropertyTest.bytes(FlvBodies.avcConfig(FlvBodies.avcConfigRecord(
                            mangle(FlvBodies.SPS, random), mangle(FlvBodies.PPS, random))))));
        }
        FfmpegTsMuxers muxers = new FfmpegTsMuxers();
        HlsPackager packager = new HlsPackager(HlsConfig.DEFAULT, new FakeClock(Instant.EPOCH), muxers);

        play(packager, "s", messages);

        assertThat(muxers.openCount()).isZero();
        HlsPlaylist playlist = packager.playlist("s").orElseThrow();
        assertThat(playlist.failure()).matches(reason -> reason.isEmpty() || !reason.get().startsWith("internal error"), "not an internal error");
        for (HlsSegment segment : playlist.segments()) {
            new TsReader(segment.bytes());
        }
        Statistics.collect(playlist.failure().isPresent() ? "HLS stopped" : "survived",
                playlist.segments().isEmpty() ? "no segment" : "segments");
        packager.close();
    }

    /** A parameter set with the NAL header kept (so it passes the checks) and random bytes after it. */
    private static byte[] mangle(byte[] nal, Random random) {
        byte[] out = new byte[1 + random.nextInt(40)];
        random.nextBytes(out);
        out[0] = nal[0];
        return out;
    }
}

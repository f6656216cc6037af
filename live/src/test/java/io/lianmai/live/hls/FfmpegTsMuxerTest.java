package io.lianmai.live.hls;

import static io.lianmai.live.hls.FlvBodies.aacConfig;
import static io.lianmai.live.hls.FlvBodies.aacFrame;
import static io.lianmai.live.hls.FlvBodies.avcConfig;
import static io.lianmai.live.hls.FlvBodies.avcFrame;
import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.live.flv.FlvTags;
import io.lianmai.live.hls.TsReader.Pes;
import io.lianmai.testkit.FakeClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real FFmpeg muxer behind {@link HlsStream}: self-contained segments, timestamps as FLV gave them. */
class FfmpegTsMuxerTest {
    private static final int[] CTS = {80, 200, 40, 40, 120}; // an IPBB-like pattern of composition offsets

    private final FfmpegTsMuxers muxers = new FfmpegTsMuxers();
    private final HlsStream stream = new HlsStream("s", HlsConfig.DEFAULT,
            new FakeClock(Instant.parse("2025-01-01T00:00:00Z")), muxers);

    @Test
    void everySegmentStartsWithPatPmtAndAKeyframeWithItsParameterSets() {
        publishThreeSeconds();
        assertThat(muxers.openCount()).isEqualTo(1);
        stream.onUnpublish();
        assertThat(muxers.openCount()).isZero();

        List<HlsSegment> segments = stream.playlist().segments();
        assertThat(segments).hasSize(3);
        for (HlsSegment segment : segments) {
            TsReader ts = new TsReader(segment.bytes());
            assertThat(ts.pids.subList(0, 3)).as("SDT, PAT, PMT first").containsExactly(0x11, 0, 0x1000);
            assertThat(ts.streams).containsValues(TsReader.STREAM_TYPE_H264, TsReader.STREAM_TYPE_AAC_ADTS);
            Pes first = ts.pes(ts.pid(TsReader.STREAM_TYPE_H264)).get(0);
            assertThat(nalTypes(first.payload())).as("AUD, SPS, PPS, IDR").containsSubsequence(9, 7, 8, 5);
            for (Pes audio : ts.pes(ts.pid(TsReader.STREAM_TYPE_AAC_ADTS))) {
                assertThat(audio.payload()[0] & 0xFF).as("ADTS sync").isEqualTo(0xFF);
                assertThat(audio.payload()[1] & 0xF0).isEqualTo(0xF0);
            }
        }
    }

    @Test
    void ptsIsDtsPlusCompositionTime() {
        publishThreeSeconds();
        stream.onUnpublish();

        List<Pes> video = new ArrayList<>();
        for (HlsSegment segment : stream.playlist().segments()) {
            TsReader ts = new TsReader(segment.bytes());
            video.addAll(ts.pes(ts.pid(TsReader.STREAM_TYPE_H264)));
        }
        assertThat(video).hasSize(75);
        long offset = video.get(0).dts();
        for (int frame = 0; frame < video.size(); frame++) {
            Pes pes = video.get(frame);
            assertThat(pes.dts() - offset).as("DTS of frame %d", frame).isEqualTo(frame * 40L * 90);
            assertThat(pes.pts() - pes.dts()).as("CTS of frame %d", frame).isEqualTo(CTS[frame % CTS.length] * 90L);
        }
    }

    private void publishThreeSeconds() {
        stream.onPublish();
        stream.onMessage(FlvTags.VIDEO, 0, avcConfig());
        stream.onMessage(FlvTags.AUDIO, 0, aacConfig());
        for (int frame = 0; frame < 75; frame++) {
            stream.onMessage(FlvTags.VIDEO, frame * 40L, avcFrame(frame % 25 == 0, CTS[frame % CTS.length], 3000));
            stream.onMessage(FlvTags.AUDIO, frame * 40L + 7, aacFrame(200));
        }
    }

    private static List<Integer> nalTypes(byte[] annexB) {
        List<Integer> types = new ArrayList<>();
        for (int i = 0; i + 3 < annexB.length; i++) {
            if (annexB[i] == 0 && annexB[i + 1] == 0 && annexB[i + 2] == 1) {
                types.add(annexB[i + 3] & 0x1F);
                i += 3;
            }
        }
        return types;
    }
}

package io.lianmai.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lianmai.server.config.MixConfig;
import io.lianmai.server.recording.RecordingParams;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Mixed mode's TRTC fields (MixTranscodeParams, MixLayoutParams) checked and mapped; IT: CloudRecordingMixIT. */
class CloudRecordingParamsTest {
    private static final MixConfig LIMITS = new MixConfig(2, 2, 1280, 720, 2_000, MixConfig.DEFAULT.imageMaxBytes(),
            MixConfig.DEFAULT.imageMaxPixels(), MixConfig.DEFAULT.imageTimeoutMillis(), false, List.of());

    @Test
    void trtcsDefaultsFillAnEmptyRequest() {
        RecordingParams.Mix mix = CloudRecordingParams.mix(null, null, MixConfig.DEFAULT);
        assertThat(List.of(mix.width(), mix.height(), mix.fps(), mix.videoBitrate(), mix.gopSeconds()))
                .containsExactly(360, 640, 15, 500_000, 10);
        assertThat(List.of(mix.sampleRate(), mix.channels(), mix.audioBitrate())).containsExactly(48_000, 1, 64_000);
        assertThat(mix.layoutMode()).as("grid").isEqualTo(RecordingParams.Mix.GRID);
        assertThat(mix.backgroundRgb()).isZero();
        assertThat(mix.placeholder()).isFalse();
        assertThat(mix.regions()).isEmpty();
    }

    @Test
    void fieldsMapOntoTheMix() {
        var transcode = new CloudRecordingParams.MixTranscodeParams(
                new CloudRecordingParams.VideoParams(640, 360, 30, 1_000_000, 2),
                new CloudRecordingParams.AudioParams(2, 2, 128));
        var layout = new CloudRecordingParams.MixLayoutParams(4, List.of(
                new CloudRecordingParams.MixLayout(10, 20, 300, 200, "alice", 0, 2, 0, 3, null)), "#FFA500",
                null, 0, null, 1, null, null, null, 1, 0);
        RecordingParams.Mix mix = CloudRecordingParams.mix(transcode, layout, LIMITS);
        assertThat(List.of(mix.width(), mix.height(), mix.fps(), mix.videoBitrate(), mix.gopSeconds()))
                .containsExactly(640, 360, 30, 1_000_000, 2);
        assertThat(List.of(mix.sampleRate(), mix.channels(), mix.audioBitrate())).containsExactly(44_100, 2, 128_000);
        assertThat(mix.backgroundRgb()).isEqualTo(0xFFA500);
        assertThat(mix.placeholder()).isTrue();
        assertThat(mix.renderMode()).isEqualTo(1);
        assertThat(mix.regions()).containsExactly(new RecordingParams.MixRegion("alice", 20, 10, 300, 200, 3, 2));
    }

    @Test
    void theOperatorsLimitsHold() {
        var big = new CloudRecordingParams.MixTranscodeParams(
                new CloudRecordingParams.VideoParams(1920, 1080, 15, 500_000, 2), null);
        assertCode(() -> CloudRecordingParams.mix(big, null, LIMITS), "InvalidParameter.MixTranscodeParams");
        var fast = new CloudRecordingParams.MixTranscodeParams(
                new CloudRecordingParams.VideoParams(640, 360, 15, 3_000_000, 2), null);
        assertCode(() -> CloudRecordingParams.mix(fast, null, LIMITS), "InvalidParameter.MixTranscodeParams");
    }

    private static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(RestApiException.class,
                e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
    }
}

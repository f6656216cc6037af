package io.lianmai.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import io.lianmai.codec.mix.MixLayout;
import io.lianmai.codec.mix.Region;
import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.server.live.MixSpec;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MixedRecordingTest {
    private static final SdkAppId APP = new SdkAppId(1_400_000_000L);
    private static final RoomRef ROOM = RoomRef.parse("7", null);

    @Test
    void layoutModesMapOntoTheTemplates() {
        assertThat(spec(mix(1, "alice", List.of()), 0, Optional.empty()).layout().template())
                .isEqualTo(MixLayout.Template.FLOAT);
        assertThat(spec(mix(2, "alice", List.of()), 0, Optional.empty()).layout().template())
                .isEqualTo(MixLayout.Template.SCREEN_SHARE);
        assertThat(spec(mix(3, null, List.of()), 0, Optional.empty()).layout().template())
                .isEqualTo(MixLayout.Template.GRID);
        MixSpec custom = spec(mix(4, null, List.of(new RecordingParams.MixRegion("bob", 10, 20, 100, 50, 2, 0))), 0,
                Optional.empty());
        assertThat(custom.layout().template()).isEqualTo(MixLayout.Template.CUSTOM);
        List<Region> regions = custom.layout().arrange(List.of("bob"), 640, 360);
        assertThat(regions).singleElement().satisfies(region -> {
            assertThat(region.userId()).isEqualTo("bob");
            assertThat(List.of(region.x(), region.y(), region.width(), region.height(), region.layer()))
                    .containsExactly(10, 20, 100, 50, 2);
        });
        assertThat(custom.members()).as("a custom layout mixes the users it names").contains(Set.of("bob"));
    }

    @Test
    void encodingMembersAndAudioOnlyComeFromTheParams() {
        MixSpec spec = spec(mix(3, null, List.of()), RecordingParams.STREAM_AUDIO, Optional.of(Set.of("a", "b")));
        assertThat(spec.video().width()).isEqualTo(640);
        assertThat(spec.video().height()).isEqualTo(360);
        assertThat(spec.video().fps()).isEqualTo(15);
        assertThat(spec.video().videoBitrate()).isEqualTo(800_000);
        assertThat(spec.video().gopFrames()).isEqualTo(30);
        assertThat(spec.video().backgroundRgb()).isEqualTo(0x00FF00);
        assertThat(spec.video().latencyMillis()).as("a recording waits longer for late media than a live mix")
                .isEqualTo(MixedRecording.LATENCY_MILLIS).isGreaterThan(200);
        assertThat(spec.audioSampleRate()).isEqualTo(44_100);
        assertThat(spec.audioChannels()).isEqualTo(2);
        assertThat(spec.audioBitrate()).isEqualTo(96_000);
        assertThat(spec.pureAudio()).isTrue();
        assertThat(spec.members()).contains(Set.of("a", "b"));
        assertThat(spec.cdnUrls()).isEmpty();
        // Subscription lists narrow a custom layout's users too.
        MixSpec custom = spec(mix(4, null, List.of(new RecordingParams.MixRegion("a", 0, 0, 10, 10, 1, 0),
                new RecordingParams.MixRegion("c", 0, 0, 10, 10, 1, 0))), 0, Optional.of(Set.of("a", "b")));
        assertThat(custom.members()).contains(Set.of("a"));
    }

    @Test
    void theOutputNameIsFreshAndNoClientsName() {
        String one = MixedRecording.streamName();
        assertThat(one).startsWith("~record-").isNotEqualTo(MixedRecording.streamName());
        assertThat(one).doesNotMatch("[A-Za-z0-9_-]+");
    }

    private static RecordingParams.Mix mix(int mode, String main, List<RecordingParams.MixRegion> regions) {
        return new RecordingParams.Mix(640, 360, 15, 800_000, 2, 0x00FF00, 44_100, 2, 96_000, mode, main, null,
                false, regions);
    }

    private static MixSpec spec(RecordingParams.Mix mix, int streamType, Optional<Set<String>> users) {
        RecordingParams params = new RecordingParams(RecordingParams.MIXED, 30, streamType,
                RecordingParams.Subscription.ALL, RecordingParams.OUTPUT_MP4, 1, 1440, mix);
        return MixedRecording.spec(APP, ROOM, "~record-x", params, users);
    }
}

package io.lianmai.server.recording;

import io.lianmai.codec.mix.MixLayout;
import io.lianmai.codec.mix.Mixer;
import io.lianmai.codec.mix.Region;
import io.lianmai.codec.mix.RenderMode;
import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.server.live.MixImages;
import io.lianmai.server.live.MixSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Turns a mixed recording's checked {@link RecordingParams.Mix} into the MCU mix it runs ({@link MixSpec}), and names
 * that mix's output: a hub stream no client can ask for (see {@link #streamName}).
 */
final class MixedRecording {
    /** Drawn where a member has no picture with PlaceHolderMode 1 (StartMCUMixTranscode's grey). */
    static final int PLACEHOLDER_RGB = 0x333333;
    /**
     * How far behind the clock a recording's mix plays out (a live mix: 200 ms). Nobody watches a recording live, so
     * it waits longer for late media: a member whose audio arrives 300 ms after its video (measured with a relay
     * holding it up) is still lined up by its sender reports instead of its sound being dropped as late. The price:
     * about 9 more decoded pictures held per member (some 12 MiB at 720p).
     */
    static final int LATENCY_MILLIS = 500;

    private MixedRecording() {
    }

    /**
     * A fresh name for a mix's hub stream: {@code ~} is in no stream name a client may publish or a mix API may
     * choose, the UUID is told to nobody, and the mix is unlisted, so no signed URL plays it either.
     */
    static String streamName() {
        return "~record-" + UUID.randomUUID();
    }

    /**
     * The mix of {@code room} for {@code params}: H.264 + AAC as asked; {@code users} the members it may take
     * (empty: everyone), narrowed further to MixLayoutList's users in layout mode 4.
     */
    static MixSpec spec(SdkAppId app, RoomRef room, String streamName, RecordingParams params,
            Optional<Set<String>> users) {
        RecordingParams.Mix mix = params.mix();
        Mixer.Config video = Mixer.Config.DEFAULTS.withSize(mix.width(), mix.height()).withFps(mix.fps())
                .withVideoBitrate(mix.videoBitrate()).withGopFrames(mix.gopSeconds() * mix.fps())
                .withBackground(mix.backgroundRgb()).withLatencyMillis(LATENCY_MILLIS);
        Optional<Set<String>> members = users;
        MixLayout layout = switch (mix.layoutMode()) {
            case RecordingParams.Mix.FLOAT -> MixLayout.floating(mix.mainUserId(), 0);
            case RecordingParams.Mix.SCREEN_SHARE -> MixLayout.screenShare(mix.mainUserId(), 0);
            case RecordingParams.Mix.CUSTOM -> {
                List<Region> regions = new ArrayList<>();
                Set<String> named = new LinkedHashSet<>();
                for (RecordingParams.MixRegion entry : mix.regions()) {
                    Region region = Region.of(entry.userId(), entry.left(), entry.top(), entry.width(),
                            entry.height(), entry.layer()).withRenderMode(RenderMode.ofTrtc(entry.renderMode()));
                    regions.add(mix.placeholder() ? region.withPlaceholder(PLACEHOLDER_RGB) : region);
                    named.add(entry.userId());
                }
                users.ifPresent(named::retainAll);
                members = Optional.of(named);
                yield MixLayout.custom(regions);
            }
            default -> MixLayout.grid();
        };
        if (mix.renderMode() != null) {
            layout = layout.withRenderMode(RenderMode.ofTrtc(mix.renderMode()));
        }
        if (mix.placeholder()) {
            layout = layout.withPlaceholder(PLACEHOLDER_RGB);
        }
        return new MixSpec(app, room, streamName, video, layout, MixImages.NONE, members, false, Set.of(),
                params.streamType() == RecordingParams.STREAM_AUDIO, mix.sampleRate(), mix.channels(),
                mix.audioBitrate(), List.of());
    }
}

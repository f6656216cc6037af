package io.lianmai.server.live;

import io.lianmai.codec.mix.MixLayout;
import io.lianmai.codec.mix.Mixer;
import io.lianmai.common.RoomRef;
import io.lianmai.common.SdkAppId;
import io.lianmai.live.rtmp.RtmpUrl;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What one MCU mix task does, validated ({@code StartMCUMixTranscode} parsed by the API): which room, which members,
 * how they are laid out and encoded, and where the output goes.
 *
 * @param app the app
 * @param room the room
 * @param streamName the output's live stream name ({@code OutputParams.StreamId}): {@code /live/{streamName}.flv}
 * @param video the canvas and H.264 settings
 * @param layout the layout (TRTC {@code LayoutParams})
 * @param members the members whose streams are mixed ({@code MixVideoUids}, or the users a custom layout names);
 *     empty: every member of the room
 * @param pureAudio only audio goes out ({@code OutputParams.PureAudioStream} 1)
 * @param audioSampleRate AAC sample rate in Hz
 * @param audioChannels AAC channels, 1 or 2
 * @param audioBitrate AAC bit rate in bit/s
 * @param cdnUrls RTMP URLs the output is relayed to ({@code PublishCdnParams}); may be empty
 */
public record MixSpec(SdkAppId app, RoomRef room, String streamName, Mixer.Config video, MixLayout layout,
        Optional<Set<String>> members, boolean pureAudio, int audioSampleRate, int audioChannels, int audioBitrate,
        List<RtmpUrl> cdnUrls) {
    public MixSpec {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(streamName, "streamName");
        Objects.requireNonNull(video, "video");
        Objects.requireNonNull(layout, "layout");
        members = members.map(Set::copyOf);
        cdnUrls = List.copyOf(cdnUrls);
    }

    /** Whether {@code userId}'s streams go into the mix. */
    boolean mixes(String userId) {
        return members.map(set -> set.contains(userId)).orElse(true);
    }
}

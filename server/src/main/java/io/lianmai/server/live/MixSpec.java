package io.lianmai.server.live;

import io.lianmai.codec.mix.MixLayout;
import io.lianmai.codec.mix.Mixer;
import io.lianmai.common.RoomRef;
import io.lianmai.auth.Privileges;
import io.lianmai.common.SdkAppId;
import io.lianmai.common.UserId;
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
 * @param feedBack the room member the mix is published as, H.264 + Opus over WebRTC ({@code FeedBackRoomParams} of
 *     {@code StartPublishCdnStream}); that user is never mixed
 */
public record MixSpec(SdkAppId app, RoomRef room, String streamName, Mixer.Config video, MixLayout layout,
        Optional<Set<String>> members, boolean pureAudio, int audioSampleRate, int audioChannels, int audioBitrate,
        List<RtmpUrl> cdnUrls, Optional<FeedBack> feedBack) {
    /**
     * The member a mix is pushed back into a room as (TRTC's {@code McuFeedBackRoomParams}), its UserSig verified.
     *
     * @param room the room, of the mix's app (the mix's own room or another one)
     * @param userId the member's userID
     * @param privileges what its credentials grant
     */
    public record FeedBack(RoomRef room, UserId userId, Privileges privileges) {
        public FeedBack {
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(privileges, "privileges");
        }
    }

    /** A mix with no feed-back member ({@code StartMCUMixTranscode}). */
    public MixSpec(SdkAppId app, RoomRef room, String streamName, Mixer.Config video, MixLayout layout,
            Optional<Set<String>> members, boolean pureAudio, int audioSampleRate, int audioChannels, int audioBitrate,
            List<RtmpUrl> cdnUrls) {
        this(app, room, streamName, video, layout, members, pureAudio, audioSampleRate, audioChannels, audioBitrate,
                cdnUrls, Optional.empty());
    }

    public MixSpec {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(feedBack, "feedBack");
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(streamName, "streamName");
        Objects.requireNonNull(video, "video");
        Objects.requireNonNull(layout, "layout");
        members = members.map(Set::copyOf);
        cdnUrls = List.copyOf(cdnUrls);
    }

    /** Whether {@code userId}'s streams go into the mix: never the mix's own feed-back member in its room. */
    boolean mixes(String userId) {
        if (feedBack.isPresent() && feedBack.get().room().equals(room)
                && feedBack.get().userId().value().equals(userId)) {
            return false;
        }
        return members.map(set -> set.contains(userId)).orElse(true);
    }
}

package io.lianmai.server.live;

import io.lianmai.codec.mix.MixLayout;
import io.lianmai.codec.mix.Mixer;
import io.lianmai.auth.Privileges;
import io.lianmai.common.RoomRef;
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
 * @param layout the layout (TRTC {@code LayoutParams}); its regions may show {@code images}' placeholders
 * @param images the background and placeholder images, decoded (owned as {@link MixImages} says)
 * @param members the members whose camera video is mixed and who take places in the layout ({@code MixVideoUids},
 *     or the users a custom or picture-in-picture layout names); empty: every member of the room
 * @param othersAudio whether the audio of members left out of {@code members} is mixed too (TRTC does so with
 *     {@code MixVideoUids}: "the audio and video of these users, and the audio of the others")
 * @param auxUsers the members whose aux stream (screen share) the layout shows ({@code StreamType} 1)
 * @param pureAudio only audio goes out ({@code OutputParams.PureAudioStream} 1)
 * @param audioSampleRate AAC sample rate in Hz
 * @param audioChannels AAC channels, 1 or 2
 * @param audioBitrate AAC bit rate in bit/s
 * @param cdnUrls RTMP URLs the output is relayed to ({@code PublishCdnParams}); may be empty
 * @param feedBack the room member the mix is published as, H.264 + Opus over WebRTC ({@code FeedBackRoomParams} of
 *     {@code StartPublishCdnStream}); that user is never mixed
 */
public record MixSpec(SdkAppId app, RoomRef room, String streamName, Mixer.Config video, MixLayout layout,
        MixImages images, Optional<Set<String>> members, boolean othersAudio, Set<String> auxUsers, boolean pureAudio,
        int audioSampleRate, int audioChannels, int audioBitrate, List<RtmpUrl> cdnUrls, Optional<FeedBack> feedBack) {
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

    /** A mix with no feed-back member ({@code StartMCUMixTranscode}, a mixed recording). */
    public MixSpec(SdkAppId app, RoomRef room, String streamName, Mixer.Config video, MixLayout layout,
            MixImages images, Optional<Set<String>> members, boolean othersAudio, Set<String> auxUsers,
            boolean pureAudio, int audioSampleRate, int audioChannels, int audioBitrate, List<RtmpUrl> cdnUrls) {
        this(app, room, streamName, video, layout, images, members, othersAudio, auxUsers, pureAudio,
                audioSampleRate, audioChannels, audioBitrate, cdnUrls, Optional.empty());
    }

    public MixSpec {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(feedBack, "feedBack");
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(streamName, "streamName");
        Objects.requireNonNull(video, "video");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(images, "images");
        members = members.map(Set::copyOf);
        auxUsers = Set.copyOf(auxUsers);
        cdnUrls = List.copyOf(cdnUrls);
    }

    /** Whether {@code userId}'s camera goes into the picture (and the member takes a place in the layout). */
    boolean mixesCamera(String userId) {
        return !pureAudio && takesPlace(userId);
    }

    /**
     * Whether {@code userId} takes a place in the layout: never the mix's own feed-back member in its room (the mix
     * would show itself).
     */
    boolean takesPlace(String userId) {
        if (isFeedBack(userId)) {
            return false;
        }
        return members.map(set -> set.contains(userId)).orElse(true);
    }

    /** Whether {@code userId}'s microphone goes into the sound. */
    boolean mixesAudio(String userId) {
        return !isFeedBack(userId) && (othersAudio || takesPlace(userId));
    }

    /** Whether {@code userId}'s aux stream (screen share) goes into the picture. */
    boolean mixesAux(String userId) {
        return !pureAudio && !isFeedBack(userId) && auxUsers.contains(userId);
    }

    /** Whether {@code userId} is the mix's own feed-back member in the mixed room. */
    private boolean isFeedBack(String userId) {
        return feedBack.isPresent() && feedBack.get().room().equals(room)
                && feedBack.get().userId().value().equals(userId);
    }
}

package io.lianmai.server.recording;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A task's {@code RecordParams}, checked and with TRTC's defaults filled in; stored as JSON with TRTC's field names.
 *
 * @param recordMode           1 single-stream (each member's streams to their own files), 2 mixed (one composed file)
 * @param maxIdleTime          seconds with no subscribed stream published in the room after which the task ends
 * @param streamType           0 audio and video, 1 audio only, 2 video only
 * @param subscription         whose audio and video are recorded
 * @param outputFormat         0 HLS, 1 HLS and MP4, 3 MP4 (TRTC's 2 HLS+AAC and 4 AAC are refused)
 * @param avMerge              single-stream mode: 0 audio and video in separate files, 1 in one file
 * @param maxMediaFileDuration minutes after which a file is closed and the next one started (at a keyframe)
 * @param mix                  mixed mode: how the members are composed and encoded; null in single-stream mode
 */
public record RecordingParams(@JsonProperty("RecordMode") int recordMode,
                              @JsonProperty("MaxIdleTime") int maxIdleTime,
                              @JsonProperty("StreamType") int streamType,
                              @JsonProperty("SubscribeStreamUserIds") Subscription subscription,
                              @JsonProperty("OutputFormat") int outputFormat,
                              @JsonProperty("AvMerge") int avMerge,
                              @JsonProperty("MaxMediaFileDuration") int maxMediaFileDuration,
                              @JsonProperty("Mix") Mix mix) {
    public static final int SINGLE_STREAM = 1;
    public static final int MIXED = 2;
    public static final int STREAM_AUDIO_VIDEO = 0;
    public static final int STREAM_AUDIO = 1;
    public static final int STREAM_VIDEO = 2;
    public static final int OUTPUT_HLS = 0;
    public static final int OUTPUT_HLS_MP4 = 1;
    public static final int OUTPUT_HLS_AAC = 2;
    public static final int OUTPUT_MP4 = 3;
    public static final int OUTPUT_AAC = 4;

    /** This with another subscription (ModifyCloudRecording). */
    public RecordingParams withSubscription(Subscription changed) {
        return new RecordingParams(recordMode, maxIdleTime, streamType, changed, outputFormat, avMerge,
                maxMediaFileDuration, mix);
    }

    /** Mixed mode: whether {@code userId} is in the picture and the sound (one list for both, checked by the API). */
    public boolean mixes(String userId) {
        return Subscription.allows(subscription.subscribeVideoUserIds(), subscription.unSubscribeVideoUserIds(),
                userId);
    }

    /**
     * A mixed recording's composition, checked by the API from TRTC's {@code MixTranscodeParams} and
     * {@code MixLayoutParams} (docs/recording.md has the mapping); stored with the task so that it resumes.
     *
     * @param width          canvas width, pixels
     * @param height         canvas height, pixels
     * @param fps            frames per second
     * @param videoBitrate   H.264 bit rate, bit/s
     * @param gopSeconds     seconds between keyframes
     * @param backgroundRgb  canvas colour, 0xRRGGBB
     * @param sampleRate     AAC sample rate, Hz
     * @param channels       AAC channels, 1 or 2
     * @param audioBitrate   AAC bit rate, bit/s
     * @param layoutMode     TRTC's MixLayoutMode: 1 float, 2 screen share, 3 grid, 4 custom
     * @param mainUserId     MaxResolutionUserId (float and screen share: the big picture); null for the first member
     * @param renderMode     TRTC's RenderMode 0 crop, 1 stretch, 2 fit; null for the template's own
     * @param placeholder    PlaceHolderMode 1: a grey box where a member sends no picture
     * @param regions        layout mode 4: MixLayoutList
     */
    public record Mix(@JsonProperty("Width") int width,
                      @JsonProperty("Height") int height,
                      @JsonProperty("Fps") int fps,
                      @JsonProperty("VideoBitrate") int videoBitrate,
                      @JsonProperty("GopSeconds") int gopSeconds,
                      @JsonProperty("BackgroundRgb") int backgroundRgb,
                      @JsonProperty("SampleRate") int sampleRate,
                      @JsonProperty("Channels") int channels,
                      @JsonProperty("AudioBitrate") int audioBitrate,
                      @JsonProperty("LayoutMode") int layoutMode,
                      @JsonProperty("MainUserId") String mainUserId,
                      @JsonProperty("RenderMode") Integer renderMode,
                      @JsonProperty("PlaceHolder") boolean placeholder,
                      @JsonProperty("Regions") List<MixRegion> regions) {
        public static final int FLOAT = 1;
        public static final int SCREEN_SHARE = 2;
        public static final int GRID = 3;
        public static final int CUSTOM = 4;

        public Mix {
            regions = regions == null ? List.of() : List.copyOf(regions);
        }
    }

    /** One of MixLayoutList's entries: a member's picture at (left, top), size, layer and render mode. */
    public record MixRegion(@JsonProperty("UserId") String userId,
                            @JsonProperty("Left") int left,
                            @JsonProperty("Top") int top,
                            @JsonProperty("Width") int width,
                            @JsonProperty("Height") int height,
                            @JsonProperty("Layer") int layer,
                            @JsonProperty("RenderMode") int renderMode) {
    }

    /** Whether {@code userId}'s audio is recorded. */
    public boolean recordsAudio(String userId) {
        return streamType != STREAM_VIDEO && Subscription.allows(subscription.subscribeAudioUserIds(),
                subscription.unSubscribeAudioUserIds(), userId);
    }

    /** Whether {@code userId}'s video is recorded. */
    public boolean recordsVideo(String userId) {
        return streamType != STREAM_AUDIO && Subscription.allows(subscription.subscribeVideoUserIds(),
                subscription.unSubscribeVideoUserIds(), userId);
    }

    /**
     * TRTC's {@code SubscribeStreamUserIds}: allowlists (empty: everyone) and blocklists of userIDs; an entry ending in
     * {@code .*$} matches every userID that starts with what comes before it, as TRTC's prefix entries do.
     */
    public record Subscription(@JsonProperty("SubscribeAudioUserIds") List<String> subscribeAudioUserIds,
                               @JsonProperty("UnSubscribeAudioUserIds") List<String> unSubscribeAudioUserIds,
                               @JsonProperty("SubscribeVideoUserIds") List<String> subscribeVideoUserIds,
                               @JsonProperty("UnSubscribeVideoUserIds") List<String> unSubscribeVideoUserIds) {
        /** Everyone's audio and video. */
        public static final Subscription ALL = new Subscription(List.of(), List.of(), List.of(), List.of());
        /** Most entries in one list (TRTC's limit). */
        public static final int MAX_ENTRIES = 32;
        static final String PREFIX_SUFFIX = ".*$";

        public Subscription {
            subscribeAudioUserIds = subscribeAudioUserIds == null ? List.of() : List.copyOf(subscribeAudioUserIds);
            unSubscribeAudioUserIds = unSubscribeAudioUserIds == null ? List.of()
                    : List.copyOf(unSubscribeAudioUserIds);
            subscribeVideoUserIds = subscribeVideoUserIds == null ? List.of() : List.copyOf(subscribeVideoUserIds);
            unSubscribeVideoUserIds = unSubscribeVideoUserIds == null ? List.of()
                    : List.copyOf(unSubscribeVideoUserIds);
        }

        static boolean allows(List<String> allow, List<String> block, String userId) {
            return (allow.isEmpty() || matches(allow, userId)) && !matches(block, userId);
        }

        private static boolean matches(List<String> entries, String userId) {
            for (String entry : entries) {
                if (entry.endsWith(PREFIX_SUFFIX)
                        ? userId.startsWith(entry.substring(0, entry.length() - PREFIX_SUFFIX.length()))
                        : entry.equals(userId)) {
                    return true;
                }
            }
            return false;
        }
    }
}

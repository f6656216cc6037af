package io.lianmai.server.recording;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A task's {@code RecordParams}, checked and with TRTC's defaults filled in; stored as JSON with TRTC's field names.
 *
 * @param recordMode           1 single-stream (each member's streams to their own files), 2 mixed (not yet here)
 * @param maxIdleTime          seconds with no subscribed stream published in the room after which the task ends
 * @param streamType           0 audio and video, 1 audio only, 2 video only
 * @param subscription         whose audio and video are recorded
 * @param outputFormat         0 HLS, 1 HLS and MP4, 3 MP4 (TRTC's 2 HLS+AAC and 4 AAC are refused)
 * @param avMerge              single-stream mode: 0 audio and video in separate files, 1 in one file
 * @param maxMediaFileDuration minutes after which a file is closed and the next one started (at a keyframe)
 */
public record RecordingParams(@JsonProperty("RecordMode") int recordMode,
                              @JsonProperty("MaxIdleTime") int maxIdleTime,
                              @JsonProperty("StreamType") int streamType,
                              @JsonProperty("SubscribeStreamUserIds") Subscription subscription,
                              @JsonProperty("OutputFormat") int outputFormat,
                              @JsonProperty("AvMerge") int avMerge,
                              @JsonProperty("MaxMediaFileDuration") int maxMediaFileDuration) {
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
                maxMediaFileDuration);
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

package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.common.UserId;
import io.lianmai.server.config.MixConfig;
import io.lianmai.server.recording.CloudRecordings;
import io.lianmai.server.recording.RecordingFileNames;
import io.lianmai.server.recording.RecordingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads and checks the cloud recording actions' fields ({@code RecordParams}, {@code SubscribeStreamUserIds},
 * {@code TaskId}) with TRTC's defaults and error codes.
 */
final class CloudRecordingParams {
    static final String MISSING_RECORD_PARAMS = "MissingParameter.RecordParams";
    /** Tencent's generic "the operation failed": the task runs on another node of the cluster. */
    static final String TASK_ON_OTHER_NODE = "FailedOperation";
    static final String MISSING_RECORD_MODE = "MissingParameter.RecordMode";
    static final String MISSING_TASK_ID = "MissingParameter.TaskId";
    static final String MISSING_USER_ID = "MissingParameter.UserId";
    static final String MISSING_USER_SIG = "MissingParameter.UserSig";
    static final String INVALID_TASK_ID = "InvalidParameter.TaskId";
    static final String INVALID_USER_ID = "InvalidParameter.UserId";
    static final String OUT_OF_RANGE = "InvalidParameter.OutOfRange";
    static final String INVALID_SUBSCRIBE = "InvalidParameter.SubscribeStreamUserIds";
    /** The app runs recording.maxTasksPerApp tasks (TRTC's concurrency limit). */
    static final String RESTRICTED_CONCURRENCY = "FailedOperation.RestrictedConcurrency";
    /** Too little disk to record (recording.minFreeMegabytes). */
    static final String RESOURCE_INSUFFICIENT = "ResourceInsufficient.RequestRejection";
    static final String INVALID_MIX_TRANSCODE = "InvalidParameter.MixTranscodeParams";
    static final String INVALID_MIX_LAYOUT = "InvalidParameter.MixLayoutParams";
    private static final Pattern COLOUR = Pattern.compile("#[0-9A-Fa-f]{6}");

    /** TRTC's {@code RecordParams} as sent; null fields take TRTC's defaults. */
    record Wire(@JsonProperty("RecordMode") Integer recordMode,
                @JsonProperty("MaxIdleTime") Integer maxIdleTime,
                @JsonProperty("StreamType") Integer streamType,
                @JsonProperty("SubscribeStreamUserIds") JsonNode subscribeStreamUserIds,
                @JsonProperty("OutputFormat") Integer outputFormat,
                @JsonProperty("AvMerge") Integer avMerge,
                @JsonProperty("MaxMediaFileDuration") Integer maxMediaFileDuration) {
    }

    /** TRTC's {@code MixTranscodeParams} (mixed mode): the output's video and audio encoding. */
    record MixTranscodeParams(@JsonProperty("VideoParams") VideoParams videoParams,
                              @JsonProperty("AudioParams") AudioParams audioParams) {
    }

    /** TRTC's {@code VideoParams}: BitRate in bit/s, Gop in seconds. */
    record VideoParams(@JsonProperty("Width") Integer width,
                       @JsonProperty("Height") Integer height,
                       @JsonProperty("Fps") Integer fps,
                       @JsonProperty("BitRate") Integer bitRate,
                       @JsonProperty("Gop") Integer gop) {
    }

    /** TRTC's {@code AudioParams}: SampleRate 1 48 kHz, 2 44.1 kHz, 3 16 kHz; Channel 1 or 2; BitRate in kbit/s. */
    record AudioParams(@JsonProperty("SampleRate") Integer sampleRate,
                       @JsonProperty("Channel") Integer channel,
                       @JsonProperty("BitRate") Integer bitRate) {
    }

    /** TRTC's {@code MixLayoutParams}. */
    record MixLayoutParams(@JsonProperty("MixLayoutMode") Integer mixLayoutMode,
                           @JsonProperty("MixLayoutList") List<MixLayout> mixLayoutList,
                           @JsonProperty("BackGroundColor") String backGroundColor,
                           @JsonProperty("MaxResolutionUserId") String maxResolutionUserId,
                           @JsonProperty("MediaId") Integer mediaId,
                           @JsonProperty("BackgroundImageUrl") String backgroundImageUrl,
                           @JsonProperty("PlaceHolderMode") Integer placeHolderMode,
                           @JsonProperty("BackgroundImageRenderMode") Integer backgroundImageRenderMode,
                           @JsonProperty("DefaultSubBackgroundImage") String defaultSubBackgroundImage,
                           @JsonProperty("WaterMarkList") JsonNode waterMarkList,
                           @JsonProperty("RenderMode") Integer renderMode,
                           @JsonProperty("MaxResolutionUserAlign") Integer maxResolutionUserAlign) {
    }

    /** One entry of TRTC's {@code MixLayoutList}. */
    record MixLayout(@JsonProperty("Top") Integer top,
                     @JsonProperty("Left") Integer left,
                     @JsonProperty("Width") Integer width,
                     @JsonProperty("Height") Integer height,
                     @JsonProperty("UserId") String userId,
                     @JsonProperty("Alpha") Integer alpha,
                     @JsonProperty("RenderMode") Integer renderMode,
                     @JsonProperty("MediaId") Integer mediaId,
                     @JsonProperty("ImageLayer") Integer imageLayer,
                     @JsonProperty("SubBackgroundImage") String subBackgroundImage) {
    }

    private CloudRecordingParams() {
    }

    /**
     * The checked params, defaults filled in: MaxIdleTime 30 s, audio and video, HLS, separate tracks, 1440 min; in
     * mixed mode the composition too ({@link #mix}).
     */
    static RecordingParams read(Wire wire, MixTranscodeParams transcode, MixLayoutParams layout, MixConfig limits) {
        if (wire == null) {
            throw new RestApiException(MISSING_RECORD_PARAMS, "RecordParams is required");
        }
        if (wire.recordMode() == null) {
            throw new RestApiException(MISSING_RECORD_MODE, "RecordParams.RecordMode is required (1 single-stream)");
        }
        if (wire.recordMode() != RecordingParams.SINGLE_STREAM && wire.recordMode() != RecordingParams.MIXED) {
            throw new RestApiException(OUT_OF_RANGE, "RecordParams.RecordMode must be 1 (single-stream) or 2 (mixed)");
        }
        int maxIdle = range(wire.maxIdleTime(), 30, 5, 86_400, "RecordParams.MaxIdleTime");
        int streamType = range(wire.streamType(), 0, 0, 2, "RecordParams.StreamType");
        int output = range(wire.outputFormat(), 0, 0, 4, "RecordParams.OutputFormat");
        if (output == RecordingParams.OUTPUT_HLS_AAC || output == RecordingParams.OUTPUT_AAC) {
            throw new RestApiException(RestApiException.UNSUPPORTED_OPERATION, "RecordParams.OutputFormat " + output
                    + " (AAC files) is not supported; use 0 (HLS), 1 (HLS and MP4) or 3 (MP4), with StreamType 1 "
                    + "for audio only");
        }
        int avMerge = range(wire.avMerge(), 0, 0, 1, "RecordParams.AvMerge");
        int maxDuration = range(wire.maxMediaFileDuration(), 1440, 1, 1440, "RecordParams.MaxMediaFileDuration");
        RecordingParams.Subscription subscription = subscription(wire.subscribeStreamUserIds(),
                "RecordParams.SubscribeStreamUserIds");
        if (wire.recordMode() == RecordingParams.SINGLE_STREAM) {
            return new RecordingParams(RecordingParams.SINGLE_STREAM, maxIdle, streamType, subscription, output,
                    avMerge, maxDuration, null);
        }
        if (!subscription.subscribeAudioUserIds().equals(subscription.subscribeVideoUserIds())
                || !subscription.unSubscribeAudioUserIds().equals(subscription.unSubscribeVideoUserIds())) {
            throw new RestApiException(RestApiException.UNSUPPORTED_OPERATION, "RecordParams.SubscribeStreamUserIds "
                    + "in mixed mode (RecordMode 2): a member is mixed with both sound and picture, so the audio and "
                    + "video lists must be the same");
        }
        // AvMerge is single-stream only: a mixed file holds both tracks.
        return new RecordingParams(RecordingParams.MIXED, maxIdle, streamType, subscription, output, 1,
                maxDuration, mix(transcode, layout, limits));
    }

    /** Mixed mode's composition from TRTC's MixTranscodeParams and MixLayoutParams (docs/recording.md). */
    static RecordingParams.Mix mix(MixTranscodeParams transcode, MixLayoutParams layout, MixConfig limits) {
        VideoParams video = transcode == null || transcode.videoParams() == null
                ? new VideoParams(null, null, null, null, null) : transcode.videoParams();
        AudioParams audio = transcode == null || transcode.audioParams() == null
                ? new AudioParams(null, null, null) : transcode.audioParams();
        // TRTC's defaults: 360 × 640 at 15 fps, 500 kbit/s, a keyframe every 10 s; 48 kHz mono AAC at 64 kbit/s.
        int width = mixRange(video.width(), 360, 64, limits.maxVideoWidth(), "MixTranscodeParams.VideoParams.Width");
        int height = mixRange(video.height(), 640, 64, limits.maxVideoHeight(),
                "MixTranscodeParams.VideoParams.Height");
        if ((width & 1) != 0 || (height & 1) != 0) {
            throw new RestApiException(INVALID_MIX_TRANSCODE, "MixTranscodeParams.VideoParams.Width and Height must "
                    + "be even");
        }
        int fps = mixRange(video.fps(), 15, 1, 60, "MixTranscodeParams.VideoParams.Fps");
        int bitRate = mixRange(video.bitRate(), 500_000, 64_000, limits.maxVideoBitrateKbps() * 1000,
                "MixTranscodeParams.VideoParams.BitRate (bit/s; mix.maxVideoBitrate)");
        int gop = mixRange(video.gop(), 10, 1, 10, "MixTranscodeParams.VideoParams.Gop (seconds)");
        int sampleRate = switch (audio.sampleRate() == null ? 1 : audio.sampleRate()) {
            case 1 -> 48_000;
            case 2 -> 44_100;
            case 3 -> 16_000;
            default -> throw new RestApiException(INVALID_MIX_TRANSCODE, "MixTranscodeParams.AudioParams.SampleRate "
                    + "must be 1 (48000 Hz), 2 (44100 Hz) or 3 (16000 Hz)");
        };
        int channels = mixRange(audio.channel(), 1, 1, 2, "MixTranscodeParams.AudioParams.Channel");
        int audioKbps = mixRange(audio.bitRate(), 64, 32, 128, "MixTranscodeParams.AudioParams.BitRate (kbit/s)");

        MixLayoutParams params = layout == null
                ? new MixLayoutParams(null, null, null, null, null, null, null, null, null, null, null, null) : layout;
        int mode = params.mixLayoutMode() == null ? RecordingParams.Mix.GRID : params.mixLayoutMode();
        if (mode < RecordingParams.Mix.FLOAT || mode > RecordingParams.Mix.CUSTOM) {
            throw new RestApiException(INVALID_MIX_LAYOUT, "MixLayoutParams.MixLayoutMode must be 1 (float), 2 "
                    + "(screen share), 3 (grid) or 4 (custom)");
        }
        int background = 0;
        if (params.backGroundColor() != null && !params.backGroundColor().isEmpty()) {
            if (!COLOUR.matcher(params.backGroundColor()).matches()) {
                throw new RestApiException(INVALID_MIX_LAYOUT, "MixLayoutParams.BackGroundColor must be #RRGGBB "
                        + "(e.g. #FFA500)");
            }
            background = Integer.parseInt(params.backGroundColor().substring(1), 16);
        }
        if (present(params.backgroundImageUrl()) || present(params.defaultSubBackgroundImage())) {
            throw new RestApiException(RestApiException.UNSUPPORTED_OPERATION, "MixLayoutParams.BackgroundImageUrl "
                    + "and DefaultSubBackgroundImage: images are not supported (this server fetches no remote "
                    + "images); use BackGroundColor and PlaceHolderMode");
        }
        if (params.waterMarkList() != null && !params.waterMarkList().isNull()
                && !(params.waterMarkList().isArray() && params.waterMarkList().isEmpty())) {
            throw new RestApiException(RestApiException.UNSUPPORTED_OPERATION,
                    "MixLayoutParams.WaterMarkList: watermarks are not supported");
        }
        if (params.mediaId() != null && params.mediaId() != 0) {
            throw new RestApiException(RestApiException.UNSUPPORTED_OPERATION, "MixLayoutParams.MediaId: only 0 "
                    + "(camera) is mixed; screen shares (1) are not yet");
        }
        if (params.maxResolutionUserAlign() != null && params.maxResolutionUserAlign() != 0) {
            throw new RestApiException(RestApiException.UNSUPPORTED_OPERATION,
                    "MixLayoutParams.MaxResolutionUserAlign 1 is not supported (the small pictures are on the right)");
        }
        int placeholder = mixRange(params.placeHolderMode(), 0, 0, 1, "MixLayoutParams.PlaceHolderMode");
        Integer renderMode = params.renderMode();
        if (renderMode != null && (renderMode < 0 || renderMode > 2)) {
            throw new RestApiException(INVALID_MIX_LAYOUT, "MixLayoutParams.RenderMode must be 0 (crop), 1 (stretch) "
                    + "or 2 (fit)");
        }
        String main = present(params.maxResolutionUserId())
                ? layoutUser(params.maxResolutionUserId(), "MixLayoutParams.MaxResolutionUserId") : null;
        List<RecordingParams.MixRegion> regions = new ArrayList<>();
        if (mode == RecordingParams.Mix.CUSTOM) {
            regions = regions(params.mixLayoutList(), width, height);
        } else if (params.mixLayoutList() != null && !params.mixLayoutList().isEmpty()) {
            throw new RestApiException(INVALID_MIX_LAYOUT, "MixLayoutParams.MixLayoutList is for MixLayoutMode 4 "
                    + "(custom) only");
        }
        return new RecordingParams.Mix(width, height, fps, bitRate, gop, background, sampleRate, channels,
                audioKbps * 1000, mode, main, renderMode, placeholder == 1, regions);
    }

    private static List<RecordingParams.MixRegion> regions(List<MixLayout> list, int width, int height) {
        if (list == null || list.isEmpty()) {
            throw new RestApiException(INVALID_MIX_LAYOUT, "MixLayoutMode 4 (custom) needs MixLayoutList");
        }
        if (list.size() > io.lianmai.codec.mix.MixLayout.MAX_MEMBERS) {
            throw new RestApiException(INVALID_MIX_LAYOUT, "MixLayoutParams.MixLayoutList: at most "
                    + io.lianmai.codec.mix.MixLayout.MAX_MEMBERS + " entries");
        }
        List<RecordingParams.MixRegion> regions = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            MixLayout entry = list.get(i);
            String field = "MixLayoutParams.MixLayoutList[" + i + "]";
            if (entry == null || !present(entry.userId())) {
                throw new RestApiException(INVALID_MIX_LAYOUT, field + ".UserId is required");
            }
            String user = layoutUser(entry.userId(), field + ".UserId");
            if (entry.alpha() != null && entry.alpha() != 0) {
                throw new RestApiException(RestApiException.UNSUPPORTED_OPERATION, field + ".Alpha: transparency is "
                        + "not supported (0, opaque, only)");
            }
            if (entry.mediaId() != null && entry.mediaId() != 0) {
                throw new RestApiException(RestApiException.UNSUPPORTED_OPERATION, field + ".MediaId: only 0 "
                        + "(camera) is mixed");
            }
            if (present(entry.subBackgroundImage())) {
                throw new RestApiException(RestApiException.UNSUPPORTED_OPERATION, field + ".SubBackgroundImage: "
                        + "images are not supported; PlaceHolderMode 1 shows a grey box");
            }
            int left = mixLayoutRange(entry.left(), 0, 0, width - 2, field + ".Left");
            int top = mixLayoutRange(entry.top(), 0, 0, height - 2, field + ".Top");
            int w = mixLayoutRange(entry.width(), null, 2, width, field + ".Width");
            int h = mixLayoutRange(entry.height(), null, 2, height, field + ".Height");
            int mode = mixLayoutRange(entry.renderMode(), 0, 0, 2, field + ".RenderMode");
            int layer = mixLayoutRange(entry.imageLayer(), 1, 1, 15, field + ".ImageLayer");
            regions.add(new RecordingParams.MixRegion(user, left, top, w, h, layer, mode));
        }
        return regions;
    }

    private static String layoutUser(String userId, String field) {
        if (!UserId.isValid(userId)) {
            throw new RestApiException(INVALID_MIX_LAYOUT, field + ": not a valid userID");
        }
        return userId;
    }

    private static int mixRange(Integer value, int defaultValue, int min, int max, String field) {
        int chosen = value == null ? defaultValue : value;
        if (chosen < min || chosen > max) {
            throw new RestApiException(field.startsWith("MixLayoutParams") ? INVALID_MIX_LAYOUT
                    : INVALID_MIX_TRANSCODE, field + " must be " + min + ".." + max);
        }
        return chosen;
    }

    private static int mixLayoutRange(Integer value, Integer defaultValue, int min, int max, String field) {
        if (value == null && defaultValue == null) {
            throw new RestApiException(INVALID_MIX_LAYOUT, field + " is required");
        }
        int chosen = value == null ? defaultValue : value;
        if (chosen < min || chosen > max) {
            throw new RestApiException(INVALID_MIX_LAYOUT, field + " must be " + min + ".." + max);
        }
        return chosen;
    }

    private static boolean present(String text) {
        return text != null && !text.isEmpty();
    }

    private static int range(Integer value, int defaultValue, int min, int max, String field) {
        int chosen = value == null ? defaultValue : value;
        if (chosen < min || chosen > max) {
            throw new RestApiException(OUT_OF_RANGE, field + " must be " + min + ".." + max);
        }
        return chosen;
    }

    /** TRTC's {@code SubscribeStreamUserIds}: four optional lists of at most 32 userIDs (or {@code prefix.*$}). */
    static RecordingParams.Subscription subscription(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return RecordingParams.Subscription.ALL;
        }
        if (!node.isObject()) {
            throw new RestApiException(INVALID_SUBSCRIBE, field + " must be an object");
        }
        return new RecordingParams.Subscription(list(node, "SubscribeAudioUserIds", field),
                list(node, "UnSubscribeAudioUserIds", field), list(node, "SubscribeVideoUserIds", field),
                list(node, "UnSubscribeVideoUserIds", field));
    }

    private static List<String> list(JsonNode parent, String name, String field) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.size() > RecordingParams.Subscription.MAX_ENTRIES) {
            throw new RestApiException(INVALID_SUBSCRIBE, field + "." + name + " must be an array of at most "
                    + RecordingParams.Subscription.MAX_ENTRIES + " userIDs");
        }
        java.util.ArrayList<String> ids = new ArrayList<>();
        for (JsonNode entry : node) {
            String id = entry.isTextual() ? entry.asText() : "";
            String checked = id.endsWith(".*$") ? id.substring(0, id.length() - 3) : id;
            if (!(checked.isEmpty() && id.length() == 3) && !UserId.isValid(checked)) {
                throw new RestApiException(INVALID_SUBSCRIBE, field + "." + name + " holds an invalid userID");
            }
            ids.add(id);
        }
        return ids;
    }

    /** The request's TaskId, which must be of the shape this server gives. */
    static String taskId(String taskId) {
        if (taskId == null || taskId.isEmpty()) {
            throw new RestApiException(MISSING_TASK_ID, "TaskId is required");
        }
        if (!RecordingFileNames.isTaskId(taskId)) {
            throw new RestApiException(INVALID_TASK_ID, "TaskId is not a task id of this server");
        }
        return taskId;
    }

    /** No running (or, with {@code orEnded}, ended) task {@code taskId} of the app. */
    static RestApiException notFound(CloudRecordings recordings, io.lianmai.common.SdkAppId sdkAppId, String taskId) {
        Optional<String> owner = recordings.runningElsewhere(sdkAppId, taskId);
        if (owner.isPresent()) {
            // Cluster mode: the task runs on another node, which alone can change it (no forwarding yet).
            return new RestApiException(TASK_ON_OTHER_NODE, "cloud recording task " + taskId + " runs on node '"
                    + owner.get() + "'; send this request to that node");
        }
        if (recordings.exists(sdkAppId, taskId)) {
            return new RestApiException(RestApiException.RESOURCE_NOT_FOUND, "cloud recording task " + taskId
                    + " has ended");
        }
        return new RestApiException(RestApiException.RESOURCE_NOT_FOUND, "no cloud recording task " + taskId
                + " for SdkAppId " + sdkAppId.value());
    }
}

package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.common.UserId;
import io.lianmai.server.recording.CloudRecordings;
import io.lianmai.server.recording.RecordingFileNames;
import io.lianmai.server.recording.RecordingParams;
import java.util.List;

/**
 * Reads and checks the cloud recording actions' fields ({@code RecordParams}, {@code SubscribeStreamUserIds},
 * {@code TaskId}) with TRTC's defaults and error codes.
 */
final class CloudRecordingParams {
    static final String MISSING_RECORD_PARAMS = "MissingParameter.RecordParams";
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

    /** TRTC's {@code RecordParams} as sent; null fields take TRTC's defaults. */
    record Wire(@JsonProperty("RecordMode") Integer recordMode,
                @JsonProperty("MaxIdleTime") Integer maxIdleTime,
                @JsonProperty("StreamType") Integer streamType,
                @JsonProperty("SubscribeStreamUserIds") JsonNode subscribeStreamUserIds,
                @JsonProperty("OutputFormat") Integer outputFormat,
                @JsonProperty("AvMerge") Integer avMerge,
                @JsonProperty("MaxMediaFileDuration") Integer maxMediaFileDuration) {
    }

    private CloudRecordingParams() {
    }

    /** The checked params, defaults filled in: MaxIdleTime 30 s, audio and video, HLS, separate tracks, 1440 min. */
    static RecordingParams read(Wire wire) {
        if (wire == null) {
            throw new RestApiException(MISSING_RECORD_PARAMS, "RecordParams is required");
        }
        if (wire.recordMode() == null) {
            throw new RestApiException(MISSING_RECORD_MODE, "RecordParams.RecordMode is required (1 single-stream)");
        }
        if (wire.recordMode() == RecordingParams.MIXED) {
            throw new RestApiException(RestApiException.UNSUPPORTED_OPERATION, "RecordParams.RecordMode 2 (mixed "
                    + "recording) is not yet supported on this server; RecordMode 1 records each member's streams to "
                    + "their own files");
        }
        if (wire.recordMode() != RecordingParams.SINGLE_STREAM) {
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
        return new RecordingParams(RecordingParams.SINGLE_STREAM, maxIdle, streamType,
                subscription(wire.subscribeStreamUserIds(), "RecordParams.SubscribeStreamUserIds"), output, avMerge,
                maxDuration);
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
        java.util.ArrayList<String> ids = new java.util.ArrayList<>();
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
        if (recordings.exists(sdkAppId, taskId)) {
            return new RestApiException(RestApiException.RESOURCE_NOT_FOUND, "cloud recording task " + taskId
                    + " has ended");
        }
        return new RestApiException(RestApiException.RESOURCE_NOT_FOUND, "no cloud recording task " + taskId
                + " for SdkAppId " + sdkAppId.value());
    }
}

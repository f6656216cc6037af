package io.lianmai.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.lianmai.common.SdkAppId;
import io.lianmai.server.recording.CloudRecordings;

/**
 * {@code ModifyCloudRecording}: changes whose audio and video a running task records (SubscribeStreamUserIds); the
 * next check (within a second) starts and stops recorders to match. MixLayoutParams is for mixed mode and ignored.
 */
final class ModifyCloudRecording implements RestAction<ModifyCloudRecording.Request> {
    /** The request as TRTC names it. */
    record Request(@JsonProperty("SdkAppId") long sdkAppId, @JsonProperty("TaskId") String taskId,
                   @JsonProperty("SubscribeStreamUserIds") JsonNode subscribeStreamUserIds,
                   @JsonProperty("MixLayoutParams") JsonNode mixLayoutParams) {
    }

    /** The answer: the task. */
    record Response(@JsonProperty("TaskId") String taskId) {
    }

    private final CloudRecordings recordings;

    ModifyCloudRecording(CloudRecordings recordings) {
        this.recordings = recordings;
    }

    @Override
    public String name() {
        return "ModifyCloudRecording";
    }

    @Override
    public Class<Request> requestType() {
        return Request.class;
    }

    @Override
    public Record handle(SdkAppId sdkAppId, Request request) {
        String taskId = CloudRecordingParams.taskId(request.taskId());
        if (request.subscribeStreamUserIds() == null || request.subscribeStreamUserIds().isNull()) {
            throw new RestApiException(RestApiException.MISSING_PARAMETER,
                    "SubscribeStreamUserIds is required (MixLayoutParams is for mixed recording, not supported)");
        }
        var subscription = CloudRecordingParams.subscription(request.subscribeStreamUserIds(),
                "SubscribeStreamUserIds");
        if (!recordings.modify(sdkAppId, taskId, subscription)) {
            throw CloudRecordingParams.notFound(recordings, sdkAppId, taskId);
        }
        return new Response(taskId);
    }
}
